import { DataSource, QueryRunner } from 'typeorm';

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
      const result = await runner.query(text, params, true);
      const rows = (result.records ?? []) as T[];
      return { rows, rowCount: result.affected ?? rows.length };
    },
  };
}

/** PostgreSQL through TypeORM's connection pool, with explicit transactions. */
export class Database implements Sql {
  constructor(readonly dataSource: DataSource) {}

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
