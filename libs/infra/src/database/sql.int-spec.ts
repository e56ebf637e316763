import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { openDatabase } from './data-source';
import { Database } from './sql';
import { isUniqueViolation, SqlError, SQLSTATE } from './sql-error';

/** What callers of `Database` see of PostgreSQL: its own error shape, no TypeORM. */
describe('Database', () => {
  let tdb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    tdb = await createTestDatabase('sql');
    db = await openDatabase(tdb.url, 4);
    await db.query(`CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY, n int CHECK (n > 0))`);
    await db.query(`INSERT INTO t VALUES (1, 1)`);
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  const caught = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  it('throws a refused statement as a SqlError with the SQLSTATE and constraint, nothing to unwrap', async () => {
    const e = await caught(db.query(`INSERT INTO t VALUES (1, 2)`));
    expect(e).toBeInstanceOf(SqlError);
    expect(e).toMatchObject({ code: SQLSTATE.uniqueViolation, constraint: 't_pk', table: 't' });
    expect((e as SqlError).message).toMatch(
      /duplicate key value violates unique constraint "t_pk"/,
    );
    expect(e).not.toHaveProperty('driverError');
    expect(isUniqueViolation(e, 't_pk')).toBe(true);
    expect(isUniqueViolation(e, 'other')).toBe(false);
  });

  it('does the same inside a transaction, and rolls it back', async () => {
    const e = await caught(
      db.transaction(async (sql) => {
        await sql.query(`INSERT INTO t VALUES (2, 2)`);
        await sql.query(`INSERT INTO t VALUES (3, 0)`);
      }),
    );
    expect(e).toMatchObject({ code: SQLSTATE.checkViolation, constraint: 't_n_check' });
    expect(isUniqueViolation(e)).toBe(false);
    expect((await db.query(`SELECT id FROM t ORDER BY id`)).rows).toEqual([{ id: 1 }]);
  });

  it('a session keeps one connection: a session lock taken in it is held until it ends', async () => {
    const pids = await db.session(async (sql) => {
      await sql.query(`SELECT pg_advisory_lock(42)`);
      // another connection of the pool cannot take it meanwhile
      const other = await db.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(42) AS ok`);
      expect(other.rows[0].ok).toBe(false);
      const a = await sql.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
      const b = await sql.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
      await sql.query(`SELECT pg_advisory_unlock(42)`);
      return [a.rows[0].pid, b.rows[0].pid];
    });
    expect(pids[0]).toBe(pids[1]);
    const held = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objid = 42
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(held.rows[0].n).toBe(0);
  });
});
