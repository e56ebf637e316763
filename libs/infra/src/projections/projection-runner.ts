import { IllegalState, NotFound } from '@bp/domain';
import { Database, Sql } from '../database/sql';
import { Checkpoint, checkpointOf, PostgresEventStore, START } from '../event-store/event-store';
import { liveTables, Projection, rebuildTables, TableName } from './projection';

export interface ProjectionStatus {
  readonly name: string;
  readonly position: string;
  /** Events stored after the checkpoint, not yet applied. */
  readonly lag: number;
  readonly status: 'live' | 'rebuilding';
}

export type Progress = (done: {
  applied: number;
  total: number;
  percent: number;
}) => Promise<void> | void;

const REBUILD_SUFFIX = '#rebuild';

async function readCheckpoint(
  sql: Sql,
  name: string,
  lock: 'skip' | 'wait' | 'none',
): Promise<Checkpoint | null> {
  const clause = lock === 'skip' ? 'FOR UPDATE SKIP LOCKED' : lock === 'wait' ? 'FOR UPDATE' : '';
  const { rows } = await sql.query<{ tx: string; position: string }>(
    `SELECT transaction_id::text AS tx, position FROM projection_checkpoints WHERE name = $1 ${clause}`,
    [name],
  );
  return rows[0] ? { transactionId: rows[0].tx, position: BigInt(rows[0].position) } : null;
}

async function writeCheckpoint(sql: Sql, name: string, cp: Checkpoint): Promise<void> {
  await sql.query(
    `INSERT INTO projection_checkpoints (name, transaction_id, position, updated_at) VALUES ($1, $2::xid8, $3, now())
     ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, position = EXCLUDED.position, updated_at = now()`,
    [name, cp.transactionId, cp.position.toString()],
  );
}

/**
 * Advances projections from the event store: each batch of events and the checkpoint that
 * follows it are written in one transaction, so a crash loses nothing and counts nothing twice.
 * The checkpoint row is locked per batch: with several workers, one projection is advanced by
 * one of them at a time, and a catch-up queued after a commit waits for the one running and then
 * reads past that commit.
 */
export class ProjectionRunner {
  private readonly byName: Map<string, Projection>;

  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    projections: readonly Projection[],
    private readonly batchSize = 5000,
  ) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): Projection {
    const p = this.byName.get(name);
    if (!p)
      throw new NotFound('PROJECTION_NOT_FOUND', `没有名为 ${name} 的投影`, {
        name,
        available: this.names(),
      });
    return p;
  }

  /** One batch: events after the checkpoint applied, checkpoint moved; -1 when another worker holds it. */
  private async batch(
    sql: Sql,
    p: Projection,
    checkpointName: string,
    table: TableName,
    lock: 'skip' | 'wait' | 'none',
  ): Promise<number> {
    const cp = await readCheckpoint(sql, checkpointName, lock);
    if (!cp) return -1;
    const events = await this.store.readAll(cp, this.batchSize, sql);
    if (events.length === 0) return 0;
    await p.apply(sql, events, table);
    await writeCheckpoint(sql, checkpointName, checkpointOf(events[events.length - 1]));
    return events.length;
  }

  /** Applies every event after the checkpoint; answers how many, or null when another worker is at it. */
  async catchUp(name: string): Promise<number | null> {
    const p = this.get(name);
    await this.db.query(
      `INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING`,
      [name],
    );
    let applied = 0;
    for (;;) {
      const n = await this.db.transaction((sql) => this.batch(sql, p, name, liveTables, 'wait'));
      if (n < 0) return applied > 0 ? applied : null;
      applied += n;
      if (n < this.batchSize) return applied;
    }
  }

  async catchUpAll(): Promise<Record<string, number | null>> {
    const out: Record<string, number | null> = {};
    for (const name of this.names()) out[name] = await this.catchUp(name);
    return out;
  }

  /**
   * Whether a projection has events after its checkpoint still to apply: after a catch-up, the
   * events of commits the gap-safe read could not take yet (a transaction older than theirs,
   * on any database of the server, was still open) or of commits since.
   */
  async behind(): Promise<boolean> {
    const { rows } = await this.db.query<{ behind: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM projection_checkpoints c WHERE c.name = ANY($1::text[])
         AND EXISTS (SELECT 1 FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.position))) AS behind`,
      [this.names()],
    );
    return rows[0].behind;
  }

  /**
   * Rebuilds a projection from position 0 into fresh copies of its tables while the live ones
   * keep serving reads, then swaps them in. A rebuild cut short (a killed worker) resumes from
   * its own checkpoint; only one rebuild of a projection runs at a time.
   */
  async rebuild(name: string, progress: Progress = () => undefined): Promise<{ applied: number }> {
    const p = this.get(name);
    // the session lock is held on a connection of its own for the whole rebuild
    return this.db.session((holder) => this.rebuildLocked(holder, p, progress));
  }

  private async rebuildLocked(
    holder: Sql,
    p: Projection,
    progress: Progress,
  ): Promise<{ applied: number }> {
    const name = p.name;
    try {
      const { rows } = await holder.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(hashtext($1)) AS locked`,
        [`rebuild:${name}`],
      );
      if (!rows[0].locked)
        throw new IllegalState('REBUILD_RUNNING', `投影 ${name} 正在重建`, 'rebuilding');
      const cpName = name + REBUILD_SUFFIX;
      if (!(await this.resumable(p, cpName))) await this.prepare(p, cpName);
      const total = Number(await this.store.headPosition());
      let applied = 0;
      for (let n = this.batchSize; n === this.batchSize;) {
        n = await this.db.transaction((sql) => this.batch(sql, p, cpName, rebuildTables, 'none'));
        applied += Math.max(n, 0);
        const at = (await readCheckpoint(this.db, cpName, 'none'))?.position ?? 0n;
        await progress({
          applied,
          total,
          percent: total === 0 ? 100 : Math.min(99, Math.floor((Number(at) * 100) / total)),
        });
      }
      applied += await this.swap(p, cpName);
      await progress({ applied, total, percent: 100 });
      return { applied };
    } finally {
      await holder
        .query(`SELECT pg_advisory_unlock(hashtext($1))`, [`rebuild:${name}`])
        .catch(() => undefined);
    }
  }

  private async resumable(p: Projection, cpName: string): Promise<boolean> {
    const cp = await readCheckpoint(this.db, cpName, 'none');
    const { rows } = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_tables WHERE tablename = ANY($1::text[])`,
      [p.tables.map(rebuildTables)],
    );
    return cp !== null && Number(rows[0].n) === p.tables.length;
  }

  private async prepare(p: Projection, cpName: string): Promise<void> {
    await this.db.transaction(async (sql) => {
      for (const t of p.tables) {
        await sql.query(`DROP TABLE IF EXISTS ${rebuildTables(t)}`);
        await sql.query(`CREATE TABLE ${rebuildTables(t)} (LIKE ${t} INCLUDING ALL)`);
      }
      await writeCheckpoint(sql, cpName, START);
    });
  }

  /** With the live checkpoint locked: apply the last events to the copies, then swap them in. */
  private async swap(p: Projection, cpName: string): Promise<number> {
    return this.db.transaction(async (sql) => {
      await this.db.query(
        `INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING`,
        [p.name],
      );
      await readCheckpoint(sql, p.name, 'wait');
      let applied = 0;
      for (let n = 1; n > 0; applied += Math.max(n, 0))
        n = await this.batch(sql, p, cpName, rebuildTables, 'none');
      for (const t of p.tables) {
        await sql.query(`ALTER TABLE ${t} RENAME TO ${t}__old`);
        await sql.query(`ALTER TABLE ${rebuildTables(t)} RENAME TO ${t}`);
        await sql.query(`DROP TABLE ${t}__old`);
      }
      await writeCheckpoint(sql, p.name, (await readCheckpoint(sql, cpName, 'none')) as Checkpoint);
      await sql.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [cpName]);
      return applied;
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const out: ProjectionStatus[] = [];
    for (const name of this.names()) {
      const cp = (await readCheckpoint(this.db, name, 'none')) ?? START;
      const { rows } = await this.db.query<{ lag: string; rebuilding: boolean }>(
        `SELECT (SELECT count(*) FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)) AS lag,
                EXISTS (SELECT 1 FROM projection_checkpoints WHERE name = $3) AS rebuilding`,
        [cp.transactionId, cp.position.toString(), name + REBUILD_SUFFIX],
      );
      out.push({
        name,
        position: cp.position.toString(),
        lag: Number(rows[0].lag),
        status: rows[0].rebuilding ? 'rebuilding' : 'live',
      });
    }
    return out;
  }

  /** Whether the projection has applied the event at `position`. */
  async covers(name: string, position: bigint): Promise<boolean> {
    const { rows } = await this.db.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM events e JOIN projection_checkpoints c ON c.name = $1
         WHERE e.global_position = $2 AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.position)) AS ok`,
      [name, position.toString()],
    );
    return rows[0].ok;
  }
}
