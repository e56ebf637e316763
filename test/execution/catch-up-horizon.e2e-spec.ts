import request from 'supertest';
import { Client } from 'pg';
import { ProjectionRunner } from '@bp/infra';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';

/**
 * The API wakes the worker once per window of commits, not again later. A commit whose events
 * the catch-up cannot read yet, because a transaction older than it is still open (anywhere on
 * the server: the gap-safe read stops at the oldest open transaction), must still reach the
 * projections soon after that transaction ends, with no new commit and long before the
 * periodic catch-up (here ten minutes).
 */
describe('catch-up behind an open transaction', () => {
  let t: TestApp;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    t = await createTestApp('horizon', { catchUpIntervalMs: 600_000 }, { withWorker: true });
    runner = t.app.get(ProjectionRunner);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('applies the events once the older transaction ends, without another commit', async () => {
    const older = new Client({ connectionString: t.db.url });
    await older.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()'); // holds the read's horizon from here
      const preparer = t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
      const res = await request(t.http)
        .post('/targets')
        .set('Authorization', `Bearer ${preparer}`)
        .send(targetBody({ projectCode: 'HORIZON01' }));
      expect(res.status).toBe(201);
      const [{ head }] = await t.sql<{ head: string }>(
        'SELECT max(global_position)::text AS head FROM events',
      );
      // the catch-up the commit queued ran and could not read past the open transaction
      await new Promise((r) => setTimeout(r, 1500));
      expect(await runner.behind()).toBe(true);
      expect(await runner.covers('review-queue', BigInt(head))).toBe(false);
      await older.query('COMMIT');
      const ended = Date.now();
      // every projection and reactor, not only the first to get there
      while ((await runner.behind()) && Date.now() - ended < 10_000)
        await new Promise((r) => setTimeout(r, 50));
      expect(await runner.behind()).toBe(false);
      expect(await runner.covers('review-queue', BigInt(head))).toBe(true);
      // looked at again within the backoff (50 ms doubling), not at the ten-minute interval
      expect(Date.now() - ended).toBeLessThan(5000);
    } finally {
      await older.end();
    }
  });
});
