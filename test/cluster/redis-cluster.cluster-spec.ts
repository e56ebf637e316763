import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'crypto';
import request from 'supertest';
import { cleanQueues, TestApp } from '../support/app-factory';
import { freePort, Proc, runNode, until } from '../support/processes';
import { RedisCluster, startRedisCluster } from '../support/redis-cluster';
import { startWebhookReceiver, WebhookReceiver } from '../support/receivers';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { approve, importSeed } from '../support/workflow';

/**
 * The queue side on a real Redis Cluster (issue 8, `npm run test:cluster`): three masters on
 * loopback ports, the built API and worker processes on it (REDIS_CLUSTER_NODES, a hash-tagged
 * prefix) with REDIS_URL pointing at a port where nothing listens, so that nothing can fall back
 * to a single Redis. The catch-up and alert flows pass, and the keys are on the cluster, all in
 * the one slot of the prefix's hash tag.
 */

// 汽车保险费 of 314001: 4,000.00 元, plan 0 / 100 / 100 / 100 (M3 / M6 / M10 / M12)
const T1 = '2022-314001-13030322P00391410001H';
const SECRET = 'cluster-test-secret';

describe('API and worker on a three-node Redis Cluster', () => {
  const prefix = `{bp-cluster-${randomBytes(4).toString('hex')}}`;
  const jwt = new JwtService({ secret: SECRET });
  const token = (claims: object) => jwt.sign({ name: 'n', ...claims });
  const admin = token({ sub: 'admin1', roles: ['admin'] });
  let cluster: RedisCluster | undefined;
  let db: TestDatabase | undefined;
  let hooks: WebhookReceiver | undefined;
  let api: Proc | undefined;
  let worker: Proc | undefined;
  let base = '';
  let env: Record<string, string> = {};
  /** What the workflow helpers need of a TestApp: an HTTP target and tokens. */
  let t: TestApp;

  const output = () =>
    [api, worker]
      .map((p) => p?.output() ?? '')
      .join('\n----\n')
      .slice(-6000);
  /** The prefix's hash slot, and the port of the node that serves it. */
  const home = async () => {
    const [first] = cluster!.nodes;
    const slot = Number(await cluster!.command(first.port, 'CLUSTER', 'KEYSLOT', prefix));
    const ranges = (await cluster!.command(first.port, 'CLUSTER', 'SLOTS')) as [
      number,
      number,
      [string, number],
    ][];
    return { slot, port: ranges.find(([from, to]) => from <= slot && slot <= to)![2][1] };
  };
  const get = (path: string, auth = admin) =>
    request(base).get(path).set('Authorization', `Bearer ${auth}`);

  beforeAll(async () => {
    // each kept once it is there (all settled), so that afterAll removes it whatever failed
    const failed = (
      await Promise.allSettled([
        startRedisCluster(3).then((c) => (cluster = c)),
        createTestDatabase('cluster').then((d) => (db = d)),
        startWebhookReceiver().then((h) => (hooks = h)),
      ])
    ).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      DATABASE_URL: db!.url,
      REDIS_URL: 'redis://127.0.0.1:1', // nothing listens there: the cluster is the only Redis
      REDIS_CLUSTER_NODES: cluster!.spec,
      QUEUE_PREFIX: prefix,
      JWT_SECRET: SECRET,
      LOG_LEVEL: process.env.DBG ? 'log' : 'silent',
      // the API queues a catch-up after each commit; the worker's own every 500 ms covers a job
      // that ran while another transaction on the server held the readers back
      CATCH_UP_INTERVAL_MS: '500',
      DELIVERY_BACKOFF_MS: '100',
      PORT: String(port),
      OUTBOUND_ALLOW: '127.0.0.1', // the local robot
    };
    api = runNode('dist/apps/api/src/main.js', [], env);
    worker = runNode('dist/apps/worker/src/main.js', [], env);
    /** Polls `ready`, and gives up at once, with the output, if the process has exited. */
    const started = (name: string, p: Proc, ready: () => Promise<boolean>) =>
      until(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`the ${name} exited`);
          return ready();
        },
        15000,
        `the ${name} on the cluster`,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${output()}`);
      });
    await started(
      'API',
      api,
      async () => (await fetch(`${base}/health`).catch(() => null))?.status === 200,
    );
    await started('worker', worker, async () => worker!.output().includes('worker started'));
    t = { http: base, token: (claims: object) => token(claims) } as unknown as TestApp;
  }, 45000);

  afterAll(async () => {
    if (process.env.DBG) console.log([api, worker].map((p) => p?.output()).join('\n----\n'));
    for (const p of [api, worker]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.allSettled([api?.exited, worker?.exited]);
    await Promise.allSettled([cluster?.stop(), db?.drop(), hooks?.close()]);
  }, 20000);

  it('both processes run on the cluster: health says Redis is up, the prefix is hash-tagged', async () => {
    const res = await get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
    expect(worker!.output()).toContain(`queue prefix ${prefix}, on a Redis Cluster`);
  });

  it('catch-up: a disbursement reaches /monitoring/targets through catch-up jobs on the cluster', async () => {
    await importSeed(t);
    await approve(t, T1);
    const prep = token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
    const paid = await request(base)
      .post(`/targets/${T1}/disbursements`)
      .set('Authorization', `Bearer ${prep}`)
      .send({ amount: '3000.00', date: '2022-05-10', voucherNo: 'C-0510' })
      .expect(201);
    const position = paid.headers['x-event-position'];
    expect(position).toMatch(/^\d+$/);
    let item: { disbursed?: string; actualPct?: number; level?: string } = {};
    await until(
      async () => {
        const res = await get('/monitoring/targets').query({ asOf: '2022-06-30' }).expect(200);
        item = res.body.items.find((i: { targetId: string }) => i.targetId === T1) ?? {};
        return item.disbursed === '3000.00';
      },
      10000,
      'the projection to show the disbursement',
    );
    expect(item).toMatchObject({ disbursed: '3000.00', actualPct: 75, level: 'red' });
    const fresh = await get('/monitoring/targets')
      .query({ asOf: '2022-06-30', minPosition: position })
      .expect(200);
    expect(fresh.headers['x-projection-behind']).toBeUndefined();
    // applied by catch-up jobs that the worker took from the cluster (their results are there)
    const { port } = await home();
    const events = (await cluster!.command(
      port,
      'XRANGE',
      `${prefix}:projections:events`,
      '-',
      '+',
    )) as [string, string[]][];
    const applied = events
      .map(([, fields]) => fields)
      .filter((f) => f[1] === 'completed')
      .map((f) => JSON.parse(f[f.indexOf('returnvalue') + 1]) as { execution: number })
      .reduce((n, r) => n + r.execution, 0);
    expect(applied).toBeGreaterThan(0);
  });

  it('alerts: a sweep on the cluster raises an alert for the target behind plan and delivers it (inbox and robot)', async () => {
    await request(base)
      .put('/units/314001')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        name: '民政部门秦皇岛市山海关区民政局本级',
        heads: [{ userId: 'head1', name: '王局长', webhookUrl: hooks!.url('/robot/314001') }],
      })
      .expect(200);
    const { body } = await request(base)
      .post('/monitoring/sweeps')
      .set('Authorization', `Bearer ${admin}`)
      .send({ asOf: '2022-06-30', kind: 'checkpoint' })
      .expect(202);
    let job: { state?: string; result?: unknown } = {};
    await until(
      async () => {
        job = (await get(`/jobs/${body.jobId}`).expect(200)).body;
        return job.state === 'completed' || job.state === 'failed';
      },
      15000,
      'the sweep job',
    );
    expect(job).toMatchObject({ state: 'completed', result: { raised: 1, escalated: 0 } });
    type Alert = {
      targetId: string;
      level: string;
      deliveries: { recipientId: string; channel: string; status: string }[];
    };
    let alerts: Alert[] = [];
    await until(
      async () => {
        alerts = (await get('/alerts').expect(200)).body.items;
        return (
          alerts.length > 0 &&
          alerts.every((a) => a.deliveries.every((d) => d.status !== 'pending'))
        );
      },
      15000,
      'the deliveries',
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ targetId: T1, level: 'red' });
    expect(alerts[0].deliveries.map((d) => [d.recipientId, d.channel, d.status])).toEqual([
      ['head1', 'inbox', 'delivered'],
      ['head1', 'webhook', 'delivered'],
    ]);
    // the robot's post went through the deliveries queue on the cluster
    expect(hooks!.received.get('/robot/314001')).toHaveLength(1);
    // and the head finds it in the inbox
    const head = token({ sub: 'head1', roles: ['unit_head'], unit: '314001' });
    const inbox = (await get('/alerts', head).expect(200)).body.items as Alert[];
    expect(inbox.map((a) => a.targetId)).toEqual([T1]);
  });

  it('keeps every queue key on the cluster, in the one slot of the hash tag', async () => {
    const c = cluster!;
    const { slot, port: owner } = await home();
    const byNode = await Promise.all(
      c.nodes.map(async (n) => ({
        port: n.port,
        keys: ((await c.command(n.port, 'KEYS', `${prefix}:*`)) as string[]).sort(),
      })),
    );
    const holders = byNode.filter((n) => n.keys.length > 0);
    expect(holders.map((n) => n.port)).toEqual([owner]); // one node: the one serving the slot
    const keys = holders[0].keys;
    for (const queue of ['projections', 'sweeps', 'deliveries'])
      expect(keys.some((k) => k.startsWith(`${prefix}:${queue}:`))).toBe(true);
    expect(keys).toContain(`${prefix}:sweeps:repeat`); // the job schedulers of the sweeps
    const slots = await Promise.all(
      keys.map((k) => c.command(holders[0].port, 'CLUSTER', 'KEYSLOT', k)),
    );
    expect(new Set(slots.map(Number))).toEqual(new Set([slot]));
  });

  it('API and worker stop cleanly on SIGTERM, and cleanQueues empties the cluster', async () => {
    api!.child.kill('SIGTERM');
    worker!.child.kill('SIGTERM');
    expect(await api!.exited).toEqual({ code: 0, signal: null });
    expect(await worker!.exited).toEqual({ code: 0, signal: null });
    await cleanQueues({
      redisUrl: env.REDIS_URL,
      redisClusterNodes: cluster!.nodes,
      queuePrefix: prefix,
    });
    for (const n of cluster!.nodes)
      expect(await cluster!.command(n.port, 'KEYS', `${prefix}:*`)).toEqual([]);
  });

  it('a process whose cluster does not answer stops with one clear line', async () => {
    const nowhere = await freePort();
    const proc = runNode('dist/apps/worker/src/main.js', [], {
      ...env,
      REDIS_CLUSTER_NODES: `127.0.0.1:${nowhere}`,
    });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toContain(`Redis Cluster is not ready at 127.0.0.1:${nowhere}`);
    expect(proc.output()).toContain('REDIS_CLUSTER_NODES');
  });
});
