/**
 * One append benchmark in a process of its own, so that a second build (a baseline worktree's
 * dist) is measured with its own modules, migrations and pool, and so that each case has the
 * two cores the same way:
 *
 *   node append-driver.js store  <dist> <database url> <clients> <seconds>
 *   node append-driver.js emmett -      <database url> <clients> <seconds>
 *
 * `store`: the build's PostgresEventStore, one new target stream with one event per append,
 * autocommit (as a command appends, so concurrent appends share commits where the build groups
 * them). `emmett`: @event-driven-io/emmett-postgresql's appendToStream, the same shape (new
 * stream, one event, "stream does not exist"). Prints one line of JSON:
 * { rate, p50, p99, errors } (appends/s, ms).
 */
import { randomUUID } from 'crypto';
import { resolve } from 'path';
import { ensureDatabase, loops } from './load';

interface StoreModule {
  migrate(url: string): Promise<string[]>;
  createDataSource(
    url: string,
    poolSize?: number,
  ): { initialize(): Promise<unknown>; destroy(): Promise<void> };
  Database: new (ds: unknown) => unknown;
  PostgresEventStore: new (db: unknown) => {
    append(sql: unknown, stream: string, expected: number, events: unknown[]): Promise<unknown>;
  };
}

async function storeAppends(dist: string, url: string, clients: number, seconds: number) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const infra = require(resolve(dist, 'libs/infra/src/index.js')) as StoreModule;
  await infra.migrate(url);
  const ds = infra.createDataSource(url, clients + 2);
  await ds.initialize();
  const db = new infra.Database(ds);
  const store = new infra.PostgresEventStore(db);
  try {
    return await loops(clients, seconds, () =>
      store.append(db, `target-bench-${randomUUID()}`, 0, [
        { id: randomUUID(), type: 'Bench', data: { x: 1 }, metadata: { actor: 'bench' } },
      ]),
    );
  } finally {
    await ds.destroy();
  }
}

async function emmettAppends(url: string, clients: number, seconds: number) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const emmett = require('@event-driven-io/emmett-postgresql') as {
    getPostgreSQLEventStore(url: string): {
      schema: { migrate(): Promise<unknown> };
      appendToStream(s: string, e: unknown[], o: unknown): Promise<unknown>;
      close(): Promise<void>;
    };
  };
  await ensureDatabase(url);
  const es = emmett.getPostgreSQLEventStore(url);
  await es.schema.migrate();
  try {
    return await loops(clients, seconds, () =>
      es.appendToStream(
        `bench-${randomUUID()}`,
        [{ type: 'Bench', data: { x: 1 }, metadata: { actor: 'bench' } }],
        { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' },
      ),
    );
  } finally {
    await es.close();
  }
}

async function main(): Promise<void> {
  const [kind, dist, url, clients, seconds] = process.argv.slice(2);
  const result =
    kind === 'emmett'
      ? await emmettAppends(url, Number(clients), Number(seconds))
      : await storeAppends(dist, url, Number(clients), Number(seconds));
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(`append driver failed: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
