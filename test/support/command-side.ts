import { randomUUID } from 'crypto';
import { Queue } from 'bullmq';
import { Principal, scopeOf, TargetEvent, targetStreamId } from '@bp/domain';
import { approvedHistory, ID } from '@bp/domain/performance-target/target.testing';
import { openDatabase } from '@bp/infra/database/data-source';
import { Database } from '@bp/infra/database/sql';
import { PostgresEventStore } from '@bp/infra/event-store/event-store';
import { Caller, TargetStore } from '@bp/infra/performance-target/target-store';
import { CatchUpNotifier, PROJECTIONS_QUEUE } from '@bp/infra/queue/queues';
import { Clock } from '@bp/infra/shared/clock';
import { createTestDatabase, TestDatabase, testQueuePrefix } from './test-database';

const REDIS = { host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };

/** The command side on a database and queue prefix of its own: what a handler needs, no Nest. */
export interface CommandSide {
  readonly db: Database;
  readonly store: PostgresEventStore;
  readonly clock: Clock;
  /** A TargetStore as one more process would have it: its own state cache, the same database. */
  process(): TargetStore;
  /** Stores the seed's first target, approved, and answers its id. */
  approvedTarget(): Promise<string>;
  close(): Promise<void>;
}

export const PREPARER: Principal = {
  id: 'u1',
  name: '填报人',
  roles: ['preparer'],
  unit: '314001',
};

export const callerOf = (principal: Principal = PREPARER): Caller => ({
  principal,
  scope: scopeOf(principal),
  requestId: randomUUID(),
});

async function appendHistory(db: Database, store: PostgresEventStore, id: string): Promise<void> {
  const events = approvedHistory().map((e) => ({
    ...e,
    id: randomUUID(),
    data: { ...e.data, targetId: id },
  })) as (TargetEvent & { id: string })[];
  await db.transaction((sql) => store.append(sql, targetStreamId(id), 0, events));
}

export async function commandSide(
  label: string,
  at = '2022-05-10T08:00:00.000Z',
): Promise<CommandSide> {
  const tdb: TestDatabase = await createTestDatabase(label);
  const db = await openDatabase(tdb.url, 12);
  const store = new PostgresEventStore(db);
  const queue = new Queue(PROJECTIONS_QUEUE, { connection: REDIS, prefix: testQueuePrefix(label) });
  const notifier = new CatchUpNotifier(queue);
  const clock: Clock = { now: () => new Date(at) };
  let n = 0;
  return {
    db,
    store,
    clock,
    process: () => new TargetStore(db, store, clock, notifier),
    async approvedTarget() {
      const id = `${ID.slice(0, -4)}${String(++n).padStart(4, '0')}`;
      await appendHistory(db, store, id);
      return id;
    },
    async close() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await db.close();
      await tdb.drop();
    },
  };
}
