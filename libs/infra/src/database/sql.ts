import { DataSource, QueryRunner } from 'typeorm';
import { toSqlError } from './sql-error';

export interface Rows<T> {
  readonly rows: T[];
  readonly rowCount: number;
}

/** The one thing repositories need from the database: run a parameterised statement. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Rows<T>>;
}

function runnerSql(runner: QueryRunner): Sql {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      // a refused statement leaves as a SqlError (code, constraint): no caller unwraps TypeORM's
      const result = await runner.query(text, params, true).catch((e: unknown) => {
        throw toSqlError(e);
      });
      const rows = (result.records ?? []) as T[];
      return { rows, rowCount: result.affected ?? rows.length };
    },
  };
}

/**
 * PostgreSQL through TypeORM's connection pool, with explicit transactions. The DataSource stays
 * inside (database/ alone sees TypeORM): open one with `openDatabase`, close it with `close`.
 */
export class Database implements Sql {
  constructor(private readonly dataSource: DataSource) {}

  /** Closes the pool (once; a pool never opened or closed already is left alone). */
  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** Runs `work` on one connection held for it, outside any transaction (a session lock). */
  async session<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(runnerSql(runner));
    } finally {
      await runner.release();
    }
  }

  async query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Rows<T>> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await runnerSql(runner).query<T>(text, params);
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const result = await work(runnerSql(runner));
      await runner.commitTransaction();
      return result;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw e;
    } finally {
      await runner.release();
    }
  }
}
