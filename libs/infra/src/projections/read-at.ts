import { ReadDatabase, ReadSource } from '../database/read-database';
import { Sql } from '../database/sql';

/** A read that must see an event: where to run it, and whether that source has applied it. */
export interface PositionedRead {
  readonly sql: Sql;
  readonly source: ReadSource;
  /** False: no source had applied the event in time; the read is served anyway (as before). */
  readonly caughtUp: boolean;
}

export interface ReadAtOptions {
  /** The whole wait, as `waitForProjection`'s. */
  readonly timeoutMs?: number;
  /** How long the replica may trail the primary once the primary has applied the event. */
  readonly replicaWaitMs?: number;
}

/**
 * Whether projection `name`, as `sql` sees it, has applied the event at `position`: the event
 * is at or before the checkpoint in (transaction, position) order (as ProjectionRunner.covers).
 * On a replica the checkpoint and the read models are one consistent snapshot of the primary, so
 * a replica that covers the position serves read models that include the event.
 */
export async function projectionCovers(sql: Sql, name: string, position: bigint): Promise<boolean> {
  const { rows } = await sql.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM events e JOIN projection_checkpoints c ON c.name = $1
       WHERE e.global_position = $2 AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.position)) AS ok`,
    [name, position.toString()],
  );
  return rows[0].ok;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the replica (and, to know it is the replica that lags, the primary) until it covers. */
async function waitOnReplica(
  reads: ReadDatabase,
  name: string,
  position: bigint,
  until: number,
  replicaWaitMs: number,
): Promise<PositionedRead> {
  let primarySince: number | undefined;
  for (;;) {
    const onReplica = await projectionCovers(reads, name, position).catch(() => false);
    if (onReplica && reads.preferred === 'replica')
      return { sql: reads, source: 'replica', caughtUp: true };
    if (primarySince === undefined && (await projectionCovers(reads.primary, name, position)))
      primarySince = Date.now();
    const now = Date.now();
    if (primarySince !== undefined && (now - primarySince >= replicaWaitMs || now >= until)) {
      reads.fallbacks.lag += 1;
      return { sql: reads.primary, source: 'primary', caughtUp: true };
    }
    if (now >= until) return { sql: reads.primary, source: 'primary', caughtUp: false };
    if (reads.preferred === 'primary') return waitOnPrimary(reads, name, position, until);
    await pause(50);
  }
}

async function waitOnPrimary(
  reads: ReadDatabase,
  name: string,
  position: bigint,
  until: number,
): Promise<PositionedRead> {
  for (;;) {
    if (await projectionCovers(reads.primary, name, position))
      return { sql: reads.primary, source: 'primary', caughtUp: true };
    if (Date.now() >= until) return { sql: reads.primary, source: 'primary', caughtUp: false };
    await pause(50);
  }
}

/**
 * Read-your-writes with a replica (docs/DESIGN.md, "Read replica"): a read with no position goes
 * where reads go (the replica, or the primary when it is down or not configured). A read that
 * must see the event at `position` waits (up to `timeoutMs`, 5 s) until projection `name` has
 * applied it on the replica; if the primary has applied it and the replica has not replayed it
 * within `replicaWaitMs` (1 s), the read runs on the primary instead. With no replica this is
 * `waitForProjection` on the primary. Never a stale answer to a read that names a position,
 * unless no source has it in time (caughtUp false, served from the primary).
 */
export async function readAt(
  reads: ReadDatabase,
  name: string,
  position: bigint | undefined,
  options: ReadAtOptions = {},
): Promise<PositionedRead> {
  if (position === undefined || position <= 0n)
    return { sql: reads, source: reads.preferred, caughtUp: true };
  const until = Date.now() + (options.timeoutMs ?? 5000);
  if (reads.preferred === 'primary') return waitOnPrimary(reads, name, position, until);
  return waitOnReplica(reads, name, position, until, options.replicaWaitMs ?? 1000);
}
