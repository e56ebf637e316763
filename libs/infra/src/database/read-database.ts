import { DatabaseError, Pool, PoolConfig } from 'pg';
import { Database, Rows, Sql } from './sql';
import { SqlError } from './sql-error';

/** Same session limits as the primary's pool (data-source.ts). */
const SESSION_OPTIONS = '-c idle_in_transaction_session_timeout=30000 -c statement_timeout=60000';

export type ReadSource = 'replica' | 'primary';

export interface ReadOptions {
  /** Connections of the replica's pool. */
  readonly poolSize?: number;
  /** After a failure the replica is left alone this long, and reads go to the primary. */
  readonly retryAfterMs?: number;
}

export interface ReplicaHealth {
  readonly replica: 'up' | 'down';
  /** WAL bytes the primary has written that the replica has not replayed; null: unknown. */
  readonly replicaLagBytes: number | null;
}

/**
 * Errors that say the replica cannot serve now (rather than that the statement is wrong): no
 * connection (class 08, refused, reset, timed out), refused at sign-in (class 28, no such database
 * 3D000, too many connections 53300: DATABASE_READ_URL wrong or the replica full), shutting down or
 * starting (57P01–57P03), and a statement cancelled by a conflict with recovery (40001 on a hot
 * standby). Another error is the statement's own and is thrown as it is, as the primary would.
 */
export function replicaUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? '';
  if (/^(08|28)/.test(code) || /^57P0[123]$/.test(code)) return true;
  if (['40001', '3D000', '53300'].includes(code)) return true;
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)$/.test(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
    err?.message ?? '',
  );
}

/**
 * Where reads that may lag go (DATABASE_READ_URL): audit pages and downloads, monitoring reads and
 * exports. With no replica configured every statement goes to the primary, as before. With one,
 * statements go to the replica; if it does not answer (down, starting, cancelled by recovery) the
 * statement is run on the primary instead and the replica is left alone for `retryAfterMs`.
 * Commands, transactions and every write stay on the primary's `Database`: this class only reads.
 */
export class ReadDatabase implements Sql {
  private readonly pool?: Pool;
  private downUntil = 0;
  private readonly retryAfterMs: number;
  /**
   * Reads that went to the primary although a replica is configured (for /metrics): `unavailable`,
   * statements the replica could not answer; `lag`, reads naming a position it had not replayed.
   */
  readonly fallbacks = { unavailable: 0, lag: 0 };

  constructor(
    readonly primary: Database,
    readUrl?: string,
    options: ReadOptions = {},
  ) {
    this.retryAfterMs = options.retryAfterMs ?? 5000;
    if (readUrl) this.pool = new Pool(replicaPoolConfig(readUrl, options.poolSize ?? 10));
    this.pool?.on('error', () => this.markDown()); // an idle client lost: not a crash
  }

  /** Whether DATABASE_READ_URL names a replica. */
  get configured(): boolean {
    return this.pool !== undefined;
  }

  /** The replica, unless none is configured or it failed a moment ago. */
  get preferred(): ReadSource {
    return this.pool && Date.now() >= this.downUntil ? 'replica' : 'primary';
  }

  /** A statement on the replica, falling back to the primary when the replica cannot answer. */
  async query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Rows<T>> {
    if (!this.pool) return this.primary.query<T>(text, params);
    if (this.preferred === 'primary') {
      this.fallbacks.unavailable += 1; // failed a moment ago: left alone for now
      return this.primary.query<T>(text, params);
    }
    try {
      return await this.onReplica<T>(text, params);
    } catch (e) {
      if (!replicaUnavailable(e)) throw e;
      this.markDown();
      this.fallbacks.unavailable += 1;
      return this.primary.query<T>(text, params);
    }
  }

  /** One source as an `Sql`: the replica (with the same fall-back) or the primary. */
  on(source: ReadSource): Sql {
    return source === 'replica' ? this : this.primary;
  }

  /** The replica alone, no fall-back (health, and a read that must know where it ran). */
  async onReplica<T = Record<string, unknown>>(text: string, params: unknown[] = []) {
    if (!this.pool) throw new Error('DATABASE_READ_URL is not set');
    const result = await this.pool.query(text, params).catch((e: unknown) => {
      throw asSqlError(e);
    });
    return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
  }

  /** Whether the replica answers, and how far behind the primary its replay is. */
  async health(): Promise<ReplicaHealth | undefined> {
    if (!this.pool) return undefined;
    try {
      const { rows } = await this.onReplica<{ lsn: string | null }>(
        'SELECT pg_last_wal_replay_lsn()::text AS lsn',
      );
      this.downUntil = 0;
      const replayed = rows[0]?.lsn;
      const head = await this.primary
        .query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')
        .then((r) => r.rows[0]?.lsn)
        .catch(() => null);
      const lag = replayed && head ? Number(lsnOf(head) - lsnOf(replayed)) : null;
      return { replica: 'up', replicaLagBytes: lag === null ? null : Math.max(0, lag) };
    } catch {
      this.markDown();
      return { replica: 'down', replicaLagBytes: null };
    }
  }

  markDown(): void {
    this.downUntil = Date.now() + this.retryAfterMs;
  }

  /** Closes the replica's pool (the primary's is closed with the application's DataSource). */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end().catch(() => undefined);
  }
}

/** A statement the replica refused, in the shape `Database` throws (sql-error.ts); others as they are. */
function asSqlError(e: unknown): unknown {
  if (!(e instanceof DatabaseError)) return e;
  const { code, constraint, detail, table, column } = e;
  return new SqlError(e.message, { code, constraint, detail, table, column }, e);
}

/** A WAL location (`16/B374D848`) as a byte offset. */
function lsnOf(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

function replicaPoolConfig(url: string, max: number): PoolConfig {
  return {
    connectionString: url,
    max,
    options: SESSION_OPTIONS,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30000,
  };
}
