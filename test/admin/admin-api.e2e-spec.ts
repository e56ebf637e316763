import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import {
  MailReceiver,
  startSmtpServer,
  startWebhookReceiver,
  WebhookReceiver,
} from '../support/receivers';
import { approve, importSeed, projectionsCaughtUp } from '../support/workflow';

const T1 = '2022-314001-13030322P00391410001H';
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('admin API of issue 15 item 6: units, test messages, the time-progress method', () => {
  let t: TestApp;
  let robot: WebhookReceiver;
  let smtp: MailReceiver;
  let admin: string;
  let preparer: string;

  beforeAll(async () => {
    robot = await startWebhookReceiver();
    smtp = await startSmtpServer();
    // 16:30 UTC on 31 Dec 2022 is already 1 Jan 2023 in Shanghai
    const clock = { now: () => new Date('2022-12-31T16:30:00Z') };
    t = await createTestApp(
      'admin-api',
      { outboundAllow: ['127.0.0.1'], smtpUrl: smtp.url },
      { clock, withWorker: true },
    );
    admin = t.token({ sub: 'admin', name: '管理员', roles: ['admin'] });
    preparer = t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
    await importSeed(t);
  }, 60000);

  afterAll(async () => {
    await t?.close();
    await robot?.close();
    await smtp?.close();
  });

  it('describes the new endpoints and the method in the OpenAPI document', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/units', '/units/{code}/heads/{userId}/test-message', '/calendar']),
    );
    const dto = res.body.components.schemas.MonitoringConfigDto;
    expect(dto.properties.timeProgressMethod.enum).toEqual(['days', 'months']);
  });

  it('gives the current fiscal year by the server clock in Asia/Shanghai', async () => {
    const res = await request(t.http).get('/calendar').set(auth(preparer)).expect(200);
    expect(res.body).toEqual({ today: '2023-01-01', fiscalYear: 2023, timeZone: 'Asia/Shanghai' });
  });

  it('lists units known from imports, with their heads once set; admins only', async () => {
    await request(t.http).get('/units').set(auth(preparer)).expect(403);
    const before = await request(t.http).get('/units').set(auth(admin)).expect(200);
    const codes = before.body.items.map((u: { code: string }) => u.code);
    expect(codes).toEqual(expect.arrayContaining(['314001', '314004']));
    expect(before.body.items.find((u: { code: string }) => u.code === '314001')).toMatchObject({
      departmentCode: '314',
      heads: [],
    });
    await request(t.http)
      .put('/units/314001')
      .set(auth(admin))
      .send({
        name: '民政局本级',
        heads: [{ userId: 'wang', name: '王局长', webhookUrl: robot.url('/ok') }],
      })
      .expect(200);
    const after = await request(t.http).get('/units').set(auth(admin)).expect(200);
    expect(after.body.items.find((u: { code: string }) => u.code === '314001')).toMatchObject({
      name: '民政局本级',
      heads: [{ userId: 'wang', name: '王局长', webhookUrl: robot.url('/ok') }],
    });
  });

  it('sends a test message on each channel of a head and says per channel what happened', async () => {
    await request(t.http)
      .put('/units/314004')
      .set(auth(admin))
      .send({
        name: '特困人口集中供养中心',
        heads: [
          {
            userId: 'li',
            name: '李主任',
            webhookUrl: robot.url('/li'),
            email: 'li@example.gov.cn',
          },
        ],
      })
      .expect(200);
    robot.failFirst('/li', 1);
    const failed = await request(t.http)
      .post('/units/314004/heads/li/test-message')
      .set(auth(admin))
      .expect(200);
    expect(failed.body.deliveries).toEqual([
      expect.objectContaining({ channel: 'webhook', status: 'failed', statusCode: 500 }),
      expect.objectContaining({
        channel: 'email',
        status: 'delivered',
        address: 'li@example.gov.cn',
      }),
    ]);
    const ok = await request(t.http)
      .post('/units/314004/heads/li/test-message')
      .set(auth(admin))
      .expect(200);
    expect(ok.body.deliveries[0]).toMatchObject({ status: 'delivered', statusCode: 200 });
    const body = robot.received.get('/li')!.at(-1) as {
      msgtype: string;
      markdown: { text: string };
    };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.text).toContain('李主任');
    expect(smtp.mails.map((m) => m.to[0])).toContain('li@example.gov.cn');
  });

  it('keeps the outbound policy at send time: an address outside OUTBOUND_ALLOW is not called', async () => {
    // a row written around the save-time check, as an old record made before the policy would be
    await t.sql(`UPDATE units SET heads = $1 WHERE code = '314001'`, [
      JSON.stringify([{ userId: 'wang', name: '王局长', webhookUrl: 'http://10.0.0.1:9/robot' }]),
    ]);
    const res = await request(t.http)
      .post('/units/314001/heads/wang/test-message')
      .set(auth(admin))
      .expect(200);
    expect(res.body.deliveries).toEqual([
      expect.objectContaining({ channel: 'webhook', status: 'failed', statusCode: null }),
    ]);
    expect(res.body.deliveries[0].error).toContain('内网地址');
  });

  it('refuses a test message to nobody, to a head without channels, and from a non-admin', async () => {
    await request(t.http)
      .post('/units/314004/heads/nobody/test-message')
      .set(auth(admin))
      .expect(404)
      .expect((r) => expect(r.body.error.code).toBe('HEAD_NOT_FOUND'));
    await request(t.http)
      .put('/units/314004')
      .set(auth(admin))
      .send({ name: '特困人口集中供养中心', heads: [{ userId: 'zhao', name: '赵主任' }] })
      .expect(200);
    await request(t.http)
      .post('/units/314004/heads/zhao/test-message')
      .set(auth(admin))
      .expect(422)
      .expect((r) => expect(r.body.error.code).toBe('NO_CHANNELS'));
    await request(t.http)
      .post('/units/314004/heads/zhao/test-message')
      .set(auth(preparer))
      .expect(403);
  });

  it('takes the time-progress method per year and the monitoring view measures by it', async () => {
    const put = (body: object) =>
      request(t.http).put('/config/monitoring/2022').set(auth(admin)).send(body);
    const base = { yellowPp: 10, redPp: 20, tolerancePp: 0, escalationDays: 3 };
    const events = await t.eventCount();
    await put({ ...base, timeProgressMethod: 'weeks' })
      .expect(400)
      .expect((r) => expect(r.body.error.details.field).toBe('timeProgressMethod'));
    expect(await t.eventCount()).toBe(events);
    await approve(t, T1);
    await projectionsCaughtUp(t);
    const timePct = async () =>
      (
        await request(t.http)
          .get('/monitoring/targets')
          .query({ fiscalYear: 2022, asOf: '2022-07-15' })
          .set(auth(admin))
          .expect(200)
      ).body.items.find((i: { targetId: string }) => i.targetId === T1).timePct;
    expect(await timePct()).toBe(53.7); // 196 / 365 days
    await put({ ...base, timeProgressMethod: 'months' }).expect(200);
    const got = await request(t.http).get('/config/monitoring/2022').set(auth(admin)).expect(200);
    expect(got.body.timeProgressMethod).toBe('months');
    expect(await timePct()).toBe(50); // 6 whole months of 12
    // another year keeps its own: the default
    const other = await request(t.http).get('/config/monitoring/2023').set(auth(admin)).expect(200);
    expect(other.body.timeProgressMethod).toBe('days');
  });
});
