import IORedis from 'ioredis';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import {
  executionFromScratch,
  executionProjected,
  generateApprovedTargets,
} from '../../bench/generate-events';
import { Proc, RedisServer, runNode, startRedis, until } from '../support/processes';
import { approve, importSeed } from '../support/workflow';

/**
 * Faults the projections must survive (issue 4): a Redis that loses everything (FLUSHALL), and
 * a worker killed with SIGKILL in the middle of a rebuild of 100,000 events. After recovery the
 * projection equals a from-scratch computation over the events: nothing lost, nothing twice.
 * The suite runs its own Redis server, so its FLUSHALL harms no other suite.
 */
describe('projection faults', () => {
  let redis: RedisServer;
  let t: TestApp;
  let admin: string;
  const workers: Proc[] = [];

  const startWorker = () => {
    const w = runNode('dist/apps/worker/src/main.js', [], {
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: t.config.queuePrefix,
      PROJECTION_BATCH_SIZE: '2000',
      CATCH_UP_INTERVAL_MS: '500',
      JOB_LOCK_MS: '2000',
      STALLED_CHECK_MS: '1000',
    });
    workers.push(w);
    return w;
  };
  const lag = async () => {
    const res = await request(t.http)
      .get('/projections')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    return res.body.find((p: { name: string }) => p.name === 'execution') as {
      lag: number;
      status: string;
    };
  };
  const job = async (id: string) =>
    (await request(t.http).get(`/jobs/${id}`).set('Authorization', `Bearer ${admin}`).expect(200))
      .body;

  beforeAll(async () => {
    redis = await startRedis();
    t = await createTestApp('faults', { redisUrl: redis.url });
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    await importSeed(t);
    await approve(t, '2022-314001-13030322P00385410001N');
    await generateApprovedTargets(t.config.databaseUrl, 1000, 95); // 100,000 events
  }, 60000);

  afterAll(async () => {
    workers.forEach((w) => w.child.kill('SIGKILL'));
    await Promise.all(workers.map((w) => w.exited));
    await t.close();
    await redis.stop();
  });

  it('a worker killed with SIGKILL mid-rebuild of 100,000 events: another one finishes it, nothing lost or doubled', async () => {
    const first = startWorker();
    await until(async () => (await lag()).lag === 0, 60000, 'the first catch-up');
    expect(await executionProjected(t.config.databaseUrl)).toEqual(
      await executionFromScratch(t.config.databaseUrl),
    );

    const { body } = await request(t.http)
      .post('/projections/execution/rebuild')
      .set('Authorization', `Bearer ${admin}`)
      .expect(202);
    await until(
      async () => ((await job(body.jobId)).progress?.percent ?? 0) >= 10,
      30000,
      'the rebuild to be under way',
      20,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const cut = await job(body.jobId);
    expect(cut.state).toBe('active'); // stalled, with its lock still held
    expect(cut.progress.percent).toBeLessThan(100);
    expect((await lag()).status).toBe('rebuilding');

    startWorker();
    await until(
      async () => (await job(body.jobId)).state === 'completed',
      60000,
      'the rebuild to be taken over and finished',
    );
    expect(await lag()).toMatchObject({ lag: 0, status: 'live' });
    expect(await executionProjected(t.config.databaseUrl)).toEqual(
      await executionFromScratch(t.config.databaseUrl),
    );
    const leftovers = await t.sql(
      `SELECT tablename FROM pg_tables WHERE tablename LIKE '%__rebuild' OR tablename LIKE '%__old'`,
    );
    expect(leftovers).toEqual([]);
  }, 120000);

  it('a Redis that loses everything (FLUSHALL) loses no disbursement', async () => {
    const prep = t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
    const flusher = new IORedis(redis.url);
    try {
      let position = '0';
      for (let i = 0; i < 5; i++) {
        const res = await request(t.http)
          .post('/targets/2022-314001-13030322P00385410001N/disbursements')
          .set('Authorization', `Bearer ${prep}`)
          .send({ amount: `${1000 + i}.00`, date: `2022-0${i + 1}-10`, voucherNo: `F${i}` })
          .expect(201);
        position = res.headers['x-event-position'];
        await flusher.flushall(); // the catch-up job just queued is gone, and every other key
      }
      const read = await request(t.http)
        .get('/monitoring/targets')
        .query({ asOf: '2022-12-31', minPosition: position })
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(read.headers['x-projection-behind']).toBeUndefined();
      expect(
        read.body.items.find(
          (i: { targetId: string }) => i.targetId === '2022-314001-13030322P00385410001N',
        ),
      ).toMatchObject({ disbursed: '5010.00' });
      expect(await executionProjected(t.config.databaseUrl)).toEqual(
        await executionFromScratch(t.config.databaseUrl),
      );
    } finally {
      flusher.disconnect();
    }
  }, 60000);
});
