import { execFileSync } from 'child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { asPostgres, bin, pgControl } from './postgres-server';
import { freePort, until } from './processes';

const PRIMARY = { host: '127.0.0.1', port: 5432, user: 'postgres' };

export interface PostgresReplica {
  readonly port: number;
  /** The replica's URL of one database of the primary. */
  url(database: string): string;
  /** A statement on the replica's `postgres` database, as a superuser (replay control). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Stops replaying WAL (it still receives it): the replica's data stands still. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary had written when called. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): void;
  /** Stops it and removes its data folder. */
  destroy(): void;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function query<T>(port: number, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ ...PRIMARY, port, database: 'postgres' });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The replica's own settings: Debian keeps the primary's in /etc, which the copy does not have. */
function configure(data: string, dir: string, port: number): void {
  writeFileSync(
    join(data, 'postgresql.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'hot_standby = on',
      'shared_buffers = 32MB',
      'fsync = off',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(data, 'pg_hba.conf'),
    'local all all trust\nhost all all 127.0.0.1/32 trust\n',
  );
  writeFileSync(join(data, 'pg_ident.conf'), '');
}

/**
 * A streaming replica of the machine's PostgreSQL (127.0.0.1:5432) on a loopback port (54329 if
 * free): `pg_basebackup -R` into a temporary folder, then the server binary as the postgres user.
 * The primary must allow replication connections from 127.0.0.1 (test/support/ensure-replication.sh).
 * No replication slot is made, so a crashed suite leaves nothing on the primary holding WAL.
 */
export async function startReplica(): Promise<PostgresReplica> {
  const port = (await portFree(54329)) ? 54329 : await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bp-replica-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const { pgctl, stop, destroy } = pgControl(dir, data);
  const replica: PostgresReplica = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    sql: (text, params) => query(port, text, params),
    pauseReplay: async () => {
      await query(port, 'SELECT pg_wal_replay_pause()');
      await until(
        async () =>
          (await query<{ s: string }>(port, 'SELECT pg_get_wal_replay_pause_state() AS s'))[0].s ===
          'paused',
        10000,
        'the replica to pause its replay',
      );
    },
    resumeReplay: async () => void (await query(port, 'SELECT pg_wal_replay_resume()')),
    caughtUp: async (timeoutMs = 20000) => {
      const [{ lsn }] = await query<{ lsn: string }>(
        PRIMARY.port,
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      await until(
        async () =>
          (
            await query<{ ok: boolean }>(
              port,
              'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok',
              [lsn],
            )
          )[0].ok,
        timeoutMs,
        'the replica to replay the primary',
      );
    },
    stop,
    destroy,
  };
  try {
    asPostgres([
      bin('pg_basebackup'),
      ...['-h', PRIMARY.host, '-p', String(PRIMARY.port), '-U', PRIMARY.user],
      ...['-D', data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
    ]);
    configure(data, dir, port);
    pgctl('start');
    await until(
      async () =>
        (await query<{ r: boolean }>(port, 'SELECT pg_is_in_recovery() AS r'))[0].r === true,
      20000,
      'the replica to accept connections',
    );
  } catch (e) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    replica.destroy();
    throw new Error(`the replica did not start: ${(e as Error).message}\n${log}`);
  }
  return replica;
}
