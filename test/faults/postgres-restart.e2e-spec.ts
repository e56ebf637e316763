import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';
import { PostgresServer, startPostgres } from '../support/postgres-server';

/**
 * PostgreSQL restarted during a load of commands (issue 8): while it is down clients get a 503
 * in the error shape, nothing is half written, and the service recovers without a restart.
 * The suite runs a PostgreSQL server of its own.
 */
describe('PostgreSQL restarted under load', () => {
  let pg: PostgresServer;
  let t: TestApp;

  beforeAll(async () => {
    pg = await startPostgres();
    t = await createTestApp('pg_restart', {}, { databaseServer: pg.url });
  }, 60000);
  afterAll(async () => {
    await t.close().catch(() => undefined);
    pg.destroy();
  });

  it('answers 503 while it is down, writes nothing partial, and recovers by itself', async () => {
    const prep = t.token({ sub: 'u1', roles: ['preparer'], unit: '314001' });
    const create = (i: number) =>
      request(t.http)
        .post('/targets')
        .set('Authorization', `Bearer ${prep}`)
        .send(targetBody({ projectCode: `PG${i}` }));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await create(i)).status);
    pg.stop();
    for (let i = 10; i < 20; i++) {
      const res = await create(i);
      statuses.push(res.status);
      expect(res.body.error).toMatchObject({
        code: 'DEPENDENCY_DOWN',
        message: expect.any(String),
      });
    }
    const health = await request(t.http).get('/health');
    expect([health.status, health.body.database]).toEqual([503, 'down']);
    pg.start();
    let recovered = 0;
    for (let i = 20; i < 40; i++) if ((await create(i)).status === 201) recovered++;
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses.slice(10)).toEqual(Array(10).fill(503));
    expect(recovered).toBeGreaterThanOrEqual(19); // the first may still meet a dead pooled connection
    // nothing partial: every target in the list has its events, and none of the refused exists
    const counts = await t.sql<{ events: number; listed: number; refused: number }>(
      `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM target_list) AS listed,
              (SELECT count(*)::int FROM target_list WHERE project_code IN ('PG10','PG11','PG12','PG13','PG14','PG15','PG16','PG17','PG18','PG19')) AS refused`,
    );
    expect(counts[0]).toEqual({ events: 10 + recovered, listed: 10 + recovered, refused: 0 });
  }, 60000);
});
