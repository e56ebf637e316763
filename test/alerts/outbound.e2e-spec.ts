import { createServer, Server } from 'http';
import request from 'supertest';
import { OutboundPolicy } from '@bp/infra/alerts/outbound';
import { postWebhook } from '@bp/infra/alerts/webhook-post';
import { createTestApp, TestApp } from '../support/app-factory';
import { freePort, until } from '../support/processes';
import { approve, importSeed, projectionsCaughtUp } from '../support/workflow';

const T1 = '2022-314001-13030322P00391410001H';
const T34 = '2022-314004-13030322P00391410001H';
/** What a hostile reply says: none of it may reach the delivery status. */
const SECRET = 'SECRET-REPLY-TEXT';

interface Robot {
  readonly port: number;
  readonly url: (path: string) => string;
  /** Paths asked, in order. */
  readonly hits: string[];
  close(): Promise<void>;
}

/** A local robot: /ok accepts, /redirect sends to /target, /secret fails with a telling body, /errcode refuses in the body. */
async function startRobot(): Promise<Robot> {
  const port = await freePort();
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.push(path);
      if (path === '/redirect')
        return res.writeHead(302, { Location: `http://127.0.0.1:${port}/target` }).end();
      if (path === '/secret') return res.writeHead(500).end(`${SECRET}: redis requirepass xyz`);
      if (path === '/errcode')
        return res.writeHead(200).end(JSON.stringify({ errcode: 310000, errmsg: SECRET }));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('webhooks may not point inside (issue 14, item 9): at save time', () => {
  let t: TestApp;
  let admin: string;
  const save = (webhookUrl: string) =>
    request(t.http)
      .put('/units/314001')
      .set(auth(admin))
      .send({ name: '民政局本级', heads: [{ userId: 'h1', name: '王局长', webhookUrl }] });

  beforeAll(async () => {
    t = await createTestApp('outbound');
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
  });
  afterAll(() => t?.close());

  it.each([
    ['loopback', 'http://127.0.0.1:6379/'],
    ['private', 'http://10.0.0.1/robot'],
    ['private 172.16/12', 'https://172.20.1.1/robot'],
    ['metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]:9100/metrics'],
    ['IPv4 in IPv6', 'http://[::ffff:127.0.0.1]/'],
    ['unspecified', 'http://0.0.0.0:3000/'],
    ['a name resolving to loopback', 'http://localhost:3000/metrics'],
  ])('refuses %s (%s) with a 400 in the error shape and writes nothing', async (_, url) => {
    const before = await t.eventCount();
    const res = await save(url);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'WEBHOOK_NOT_ALLOWED',
      message: expect.stringMatching(/^群机器人地址不可用：.*(本机|内网|链路本地|未指定)地址/),
    });
    expect(JSON.stringify(res.body.error.details)).toContain('heads.0.webhookUrl');
    expect(await t.eventCount()).toBe(before);
  });

  it("refuses a department reviewer's webhook too", async () => {
    const res = await request(t.http)
      .put('/departments/314/reviewers')
      .set(auth(admin))
      .send({ reviewers: [{ userId: 'liu', name: '刘科长', webhookUrl: 'http://192.168.1.1/' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('WEBHOOK_NOT_ALLOWED');
  });

  it('accepts a public address', async () => {
    expect((await save('https://93.184.215.14/robot/send?access_token=x')).status).toBe(200);
  });
});

describe('webhooks at send time: the checked address, no redirect, only the status', () => {
  let robot: Robot;
  beforeAll(async () => (robot = await startRobot()));
  afterAll(() => robot.close());
  const post = (policy: OutboundPolicy, url: string) =>
    postWebhook(policy, url, { 'Content-Type': 'application/json' }, '{}', 2000);

  it('a name resolving to loopback is refused after DNS, before connecting', async () => {
    await expect(post(new OutboundPolicy([]), `http://localhost:${robot.port}/ok`)).rejects.toThrow(
      /^群机器人地址不可用：localhost 是本机地址/,
    );
    await expect(post(new OutboundPolicy([]), robot.url('/ok'))).rejects.toThrow(/本机地址/);
    expect(robot.hits).toEqual([]);
  });

  it('the allow-list lets it through, by address or range', async () => {
    expect(await post(new OutboundPolicy(['127.0.0.1']), robot.url('/ok'))).toEqual({
      status: 200,
      errcode: 0,
    });
    expect(await post(new OutboundPolicy(['127.0.0.0/8']), robot.url('/ok'))).toMatchObject({
      status: 200,
    });
    expect(robot.hits).toEqual(['/ok', '/ok']);
  });
});

describe('webhooks with the allow-list, delivered by the worker', () => {
  let t: TestApp;
  let robot: Robot;
  let admin: string;
  type Delivery = {
    recipientId: string;
    channel: string;
    status: string;
    lastError: string | null;
  };
  const deliveries = async () =>
    (
      (await request(t.http).get('/alerts').set(auth(admin)).expect(200)).body.items as {
        deliveries: Delivery[];
      }[]
    ).flatMap((a) => a.deliveries.filter((d) => d.channel === 'webhook'));
  const of = (list: Delivery[], who: string) => list.find((d) => d.recipientId === who);

  beforeAll(async () => {
    robot = await startRobot();
    t = await createTestApp(
      'outbound_send',
      {
        outboundAllow: ['127.0.0.1'],
        deliveryBackoffMs: 50,
        webhookTimeoutMs: 1000,
        catchUpIntervalMs: 300,
      },
      { withWorker: true },
    );
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    await importSeed(t);
    for (const id of [T1, T34]) await approve(t, id);
    const heads = (unit: string, list: [string, string][]) =>
      request(t.http)
        .put(`/units/${unit}`)
        .set(auth(admin))
        .send({
          name: `单位${unit}`,
          heads: list.map(([userId, path]) => ({
            userId,
            name: userId,
            webhookUrl: robot.url(path),
          })),
        })
        .expect(200);
    await heads('314001', [
      ['ok', '/ok'],
      ['secret', '/secret'],
      ['errcode', '/errcode'],
    ]);
    await heads('314004', [['redirect', '/redirect']]);
    // a webhook saved before this check existed, to the cloud metadata address
    await t.sql(
      `UPDATE units SET heads = heads || jsonb_build_array(jsonb_build_object('userId', 'legacy', 'name', 'legacy', 'webhookUrl', $1::text)) WHERE code = '314004'`,
      ['http://169.254.169.254/latest/meta-data/'],
    );
    await projectionsCaughtUp(t);
    const sweep = await request(t.http)
      .post('/monitoring/sweeps')
      .set(auth(admin))
      .send({ asOf: '2022-06-30', kind: 'checkpoint' })
      .expect(202);
    await until(
      async () =>
        ['completed', 'failed'].includes(
          (await request(t.http).get(`/jobs/${sweep.body.jobId}`).set(auth(admin))).body.state,
        ),
      20000,
      'the sweep',
    );
    await until(
      async () => {
        const list = await deliveries();
        return list.length === 5 && list.every((d) => d.status !== 'pending');
      },
      30000,
      'the deliveries',
    );
  }, 90000);
  afterAll(async () => {
    await t?.close();
    await robot?.close();
  });

  it('delivers to the allowed address', async () => {
    expect(of(await deliveries(), 'ok')).toMatchObject({ status: 'delivered', lastError: null });
  });

  it('does not follow a redirect', async () => {
    expect(of(await deliveries(), 'redirect')).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/HTTP 302/),
    });
    expect(robot.hits).not.toContain('/target');
  });

  it('keeps only the status (or a robot error code) of a reply, never its text', async () => {
    const list = await deliveries();
    expect(of(list, 'secret')).toMatchObject({
      status: 'failed',
      lastError: '群机器人地址回应 HTTP 500',
    });
    expect(of(list, 'errcode')).toMatchObject({
      status: 'failed',
      lastError: '群机器人拒收：错误码 310000',
    });
    const [row] = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM alert_deliveries WHERE last_error LIKE $1`,
      [`%${SECRET}%`],
    );
    expect(row.n).toBe(0);
    expect(JSON.stringify(list)).not.toContain(SECRET);
  });

  it('refuses at send time an address saved before the check, without calling it', async () => {
    expect(of(await deliveries(), 'legacy')).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^群机器人地址不可用：169\.254\.169\.254 是链路本地地址/),
    });
  });
});
