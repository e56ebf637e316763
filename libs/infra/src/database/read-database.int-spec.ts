import { freePort } from '../../../../test/support/processes';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { openDatabase } from './data-source';
import { ReadDatabase, replicaUnavailable } from './read-database';
import { Database } from './sql';
import { SqlError } from './sql-error';

/**
 * Where ReadDatabase sends a statement, on the real server: two databases stand in for the primary
 * and its replica (each knows its name), and a port where nothing listens for a replica that is
 * down. The streaming replica itself is test/replica (`npm run test:replica`).
 */
describe('ReadDatabase', () => {
  let primaryDb: TestDatabase;
  let replicaDb: TestDatabase;
  let primary: Database;
  const opened: ReadDatabase[] = [];
  const reads = (url?: string, retryAfterMs = 5000) => {
    const r = new ReadDatabase(primary, url, { retryAfterMs, poolSize: 2 });
    opened.push(r);
    return r;
  };
  const where = async (r: ReadDatabase) =>
    (await r.query<{ name: string }>('SELECT name FROM where_am_i')).rows[0].name;

  beforeAll(async () => {
    primaryDb = await createTestDatabase('reads_primary');
    replicaDb = await createTestDatabase('reads_replica');
    primary = await openDatabase(primaryDb.url, 2);
    await primary.query(`CREATE TABLE where_am_i AS SELECT 'primary' AS name`);
    await primary.query(`CREATE TABLE only_on_primary (n int)`);
    const other = await openDatabase(replicaDb.url, 1);
    await other.query(`CREATE TABLE where_am_i AS SELECT 'replica' AS name`);
    await other.close();
  });
  afterAll(async () => {
    for (const r of opened) await r.onApplicationShutdown();
    await primary.close();
    await primaryDb.drop();
    await replicaDb.drop();
  });

  it('without DATABASE_READ_URL: every statement on the primary, no replica in /health', async () => {
    const r = reads(undefined);
    expect(r.configured).toBe(false);
    expect(r.preferred).toBe('primary');
    expect(await where(r)).toBe('primary');
    expect(await r.health()).toBeUndefined();
  });

  it('with one: statements on the replica; its lag from the primary in /health', async () => {
    const r = reads(replicaDb.url);
    expect(r.configured).toBe(true);
    expect(await where(r)).toBe('replica');
    expect(r.preferred).toBe('replica');
    // not in recovery, so no replay position: the lag is unknown rather than made up
    expect(await r.health()).toEqual({ replica: 'up', replicaLagBytes: null });
  });

  it('a statement that fails on its own merits is thrown as a SqlError, not run on the primary', async () => {
    const r = reads(replicaDb.url);
    const e = await r.query('SELECT n FROM only_on_primary').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SqlError);
    expect(e).toMatchObject({ code: '42P01' });
    expect(r.preferred).toBe('replica');
  });

  it('a replica that does not answer: the statement runs on the primary, the replica is left alone, then tried again', async () => {
    const r = reads(`postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, 300);
    expect(await where(r)).toBe('primary');
    expect(r.preferred).toBe('primary');
    expect(await r.health()).toEqual({ replica: 'down', replicaLagBytes: null });

    // a URL naming a database the server does not have: reads still answer, from the primary
    const misnamed = reads(replicaDb.url.replace(/\/[^/]+$/, '/no_such_database'));
    expect(await where(misnamed)).toBe('primary');
    expect(misnamed.fallbacks.unavailable).toBe(1);

    const back = reads(replicaDb.url, 200);
    back.markDown();
    expect(await where(back)).toBe('primary');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await where(back)).toBe('replica');
  });

  it('tells "cannot serve now" from a statement’s own error', () => {
    const unavailable = [
      { code: '08006' },
      { code: '57P01' },
      { code: '57P03' },
      { code: '40001' },
      { code: '3D000' },
      { code: '28P01' },
      { code: '53300' },
      { code: 'ECONNREFUSED' },
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ];
    expect(unavailable.filter(replicaUnavailable)).toEqual(unavailable);
    const own = [{ code: '22012' }, { code: '23505' }, { code: '42P01' }, new Error('boom')];
    expect(own.filter(replicaUnavailable)).toEqual([]);
  });
});
