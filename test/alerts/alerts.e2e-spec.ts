import { SweepService } from '@bp/infra';
import request from 'supertest';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { createTestApp, TestApp } from '../support/app-factory';
import { until } from '../support/processes';
import {
  MailReceiver,
  startSmtpServer,
  startWebhookReceiver,
  WebhookReceiver,
} from '../support/receivers';
import { approve, importSeed, projectionsCaughtUp } from '../support/workflow';

// 汽车保险费 of 314001 and 314004: 4,000.00 元 each, plan 0 / 100 / 100 / 100 from June on
const T1 = '2022-314001-13030322P00391410001H';
const T34 = '2022-314004-13030322P00391410001H';
// 人事代理专项补助 205,900.00 元 and 地名工作业务经费 25,000.00 元, plan 25 / 50 / 83 / 100
const T2 = '2022-314001-13030322P00385410001N';
const T10 = '2022-314001-13030322P00385510010L';

/** Gives decoded mail text (quoted-printable or base64 bodies) for assertions. */
function mailText(raw: string): string {
  const b64 = raw
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n')
    .replace(/\s+/g, '');
  try {
    return raw + Buffer.from(b64, 'base64').toString('utf8');
  } catch {
    return raw;
  }
}

describe('alerts to unit heads when spending falls behind', () => {
  let t: TestApp;
  let hooks: WebhookReceiver;
  let smtp: MailReceiver;
  let admin: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  const sweep = async (asOf: string, kind: 'checkpoint' | 'early') => {
    const { body } = await request(t.http)
      .post('/monitoring/sweeps')
      .set(auth(admin))
      .send({ asOf, kind })
      .expect(202);
    let job: { state: string; result: unknown } = { state: 'waiting', result: null };
    await until(
      async () => {
        job = (await request(t.http).get(`/jobs/${body.jobId}`).set(auth(admin)).expect(200)).body;
        return job.state === 'completed' || job.state === 'failed';
      },
      20000,
      'the sweep',
    );
    expect(job.state).toBe('completed');
    return job.result as {
      raised: number;
      escalated: number;
      evaluated: number;
      deliveries: number;
    };
  };
  const alerts = async (token = admin, query: Record<string, string> = {}) =>
    (await request(t.http).get('/alerts').query(query).set(auth(token)).expect(200)).body.items as {
      id: string;
      targetId: string;
      level: string;
      kind: string;
      period: string;
      recipients: { userId: string }[];
      deliveries: {
        recipientId: string;
        channel: string;
        status: string;
        attempts: number;
        escalation: boolean;
      }[];
      acknowledgedAt: string | null;
    }[];
  const pay = async (unit: string, id: string, amount: string, date: string) => {
    const token = t.token({ sub: `p${unit}`, roles: ['preparer'], unit });
    await request(t.http)
      .post(`/targets/${id}/disbursements`)
      .set(auth(token))
      .send({ amount, date, voucherNo: `${id.slice(-4)}-${date}` })
      .expect(201);
  };
  const settled = () =>
    until(
      async () => (await alerts()).every((a) => a.deliveries.every((d) => d.status !== 'pending')),
      20000,
      'deliveries',
    );

  beforeAll(async () => {
    [hooks, smtp] = await Promise.all([startWebhookReceiver(), startSmtpServer()]);
    t = await createTestApp(
      'alerts',
      {
        smtpUrl: smtp.url,
        deliveryBackoffMs: 100,
        webhookTimeoutMs: 500,
        catchUpIntervalMs: 500,
        outboundAllow: ['127.0.0.1'], // the local robot
      },
      { withWorker: true },
    );
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    await importSeed(t);
    for (const id of [T1, T34, T2, T10]) await approve(t, id);
    await pay('314001', T1, '3000.00', '2022-05-10'); // 75% by 30 Jun: lag 25 → red
    await pay('314004', T34, '3800.00', '2022-05-10'); // 95%: lag 5 → yellow
    await pay('314001', T2, '103000.00', '2022-06-01'); // 50.02% of 205,900: on plan
    await pay('314001', T10, '12000.00', '2022-06-20'); // 48% of 25,000: lag 2 → yellow
    await request(t.http)
      .put('/units/314001')
      .set(auth(admin))
      .send({
        name: '民政部门秦皇岛市山海关区民政局本级',
        heads: [
          {
            userId: 'head1',
            name: '王局长',
            email: 'wang@example.gov.cn',
            webhookUrl: hooks.url('/robot/314001'),
          },
        ],
      })
      .expect(200);
    await request(t.http)
      .put('/units/314004')
      .set(auth(admin))
      .send({
        name: '秦皇岛市山海关区特困人口集中供养中心',
        heads: [
          {
            userId: 'head4',
            name: '赵主任',
            email: 'zhao@example.gov.cn',
            webhookUrl: hooks.url('/robot/314004'),
          },
        ],
      })
      .expect(200);
    await request(t.http)
      .put('/departments/314/reviewers')
      .set(auth(admin))
      .send({
        reviewers: [
          {
            userId: 'liu',
            name: '刘科长',
            email: 'liu@example.gov.cn',
            webhookUrl: hooks.url('/robot/hangs'),
          },
        ],
      })
      .expect(200);
    hooks.failFirst('/robot/314004', 2); // a robot down for a while: retried with backoff
    hooks.hang('/robot/hangs'); // a robot that never answers: timed out, retried, then failed
    await projectionsCaughtUp(t);
  }, 60000);

  afterAll(async () => {
    await t.close();
    await hooks.close();
    await smtp.close();
  });

  it('the checkpoint sweep as of 30 Jun alerts exactly the targets behind their M6 plan, at the right level, to the right heads', async () => {
    const result = await sweep('2022-06-30', 'checkpoint');
    expect(result).toMatchObject({ raised: 3, escalated: 0 });
    const list = await alerts();
    expect(list.map((a) => [a.targetId, a.kind, a.period, a.level]).sort()).toEqual(
      [
        [T10, 'checkpoint', 'M6', 'yellow'],
        [T1, 'checkpoint', 'M6', 'red'],
        [T34, 'checkpoint', 'M6', 'yellow'],
      ].sort(),
    );
    const byTarget = Object.fromEntries(list.map((a) => [a.targetId, a]));
    expect(byTarget[T1].recipients.map((r) => r.userId)).toEqual(['head1', 'liu']); // red: the department too
    expect(byTarget[T34].recipients.map((r) => r.userId)).toEqual(['head4']);
    expect(byTarget[T10]).toMatchObject({ lagPp: 2, plannedPct: 50, actualPct: 48 });
  });

  it('delivers through the inbox, the webhook robot (retried while it fails) and e-mail', async () => {
    await settled();
    const list = await alerts();
    const t34 = list.find((a) => a.targetId === T34)!;
    expect(t34.deliveries).toEqual([
      expect.objectContaining({
        recipientId: 'head4',
        channel: 'email',
        status: 'delivered',
        attempts: 1,
      }),
      expect.objectContaining({ recipientId: 'head4', channel: 'inbox', status: 'delivered' }),
      expect.objectContaining({
        recipientId: 'head4',
        channel: 'webhook',
        status: 'delivered',
        attempts: 3,
      }),
    ]);
    const robot = hooks.received.get('/robot/314004') as {
      msgtype: string;
      markdown: { title: string; text: string };
    }[];
    expect(robot).toHaveLength(3); // two 500s, then delivered
    expect(robot[2].msgtype).toBe('markdown');
    expect(robot[2].markdown.title).toBe('【黄色预警】汽车保险费：6月底检查点执行未达计划');
    expect(robot[2].markdown.text).toContain('计划支出进度：100.00%');
    expect(robot[2].markdown.text).toContain('实际支出进度：95.00%');
    expect(robot[2].markdown.text).toContain('滞后：5.00 个百分点');
    expect(hooks.received.get('/robot/314001')).toHaveLength(2); // T1 and T10 to 王局长's robot
    const hung = list
      .find((a) => a.targetId === T1)!
      .deliveries.find((d) => d.recipientId === 'liu' && d.channel === 'webhook');
    expect(hung).toMatchObject({
      status: 'failed',
      attempts: 5,
      lastError: '群机器人地址在 500 毫秒内未回应', // AbortSignal.timeout of webhookTimeoutMs
    });
    const to = smtp.mails.map((m) => m.to.join(',')).sort();
    expect(to).toEqual([
      'liu@example.gov.cn',
      'wang@example.gov.cn',
      'wang@example.gov.cn',
      'zhao@example.gov.cn',
    ]);
    expect(mailText(smtp.mails.find((m) => m.to[0] === 'liu@example.gov.cn')!.raw)).toContain(
      '红色预警',
    );
  });

  it('running the sweep again sends nothing new', async () => {
    const before = {
      hooks: [...hooks.received.values()].flat().length,
      mails: smtp.mails.length,
      events: await t.eventCount(),
    };
    expect(await sweep('2022-06-30', 'checkpoint')).toMatchObject({ raised: 0, deliveries: 0 });
    await new Promise((r) => setTimeout(r, 700));
    expect({
      hooks: [...hooks.received.values()].flat().length,
      mails: smtp.mails.length,
      events: await t.eventCount(),
    }).toEqual(before);
    expect(await alerts()).toHaveLength(3);
  });

  it("a unit head sees only its own unit's alerts, and acknowledges them", async () => {
    const head4 = t.token({ sub: 'head4', name: '赵主任', roles: ['unit_head'], unit: '314004' });
    const mine = await alerts(head4);
    expect(mine.map((a) => a.targetId)).toEqual([T34]);
    const note = '6月底拨付的资金7月初到账；已安排7月15日前集中支付';
    const acked = await request(t.http)
      .post(`/alerts/${mine[0].id}/ack`)
      .set(auth(head4))
      .send({ note: `  ${note}\n` })
      .expect(200);
    expect(acked.body).toMatchObject({
      acknowledgedAt: expect.any(String),
      acknowledgedBy: { id: 'head4', name: '赵主任' },
      acknowledgementNote: note,
    });
    expect(await alerts(head4, { acknowledged: 'false' })).toEqual([]);
    const other = (await alerts()).find((a) => a.targetId === T1)!;
    await request(t.http).post(`/alerts/${other.id}/ack`).set(auth(head4)).expect(404);
    const events = await t.sql<{ type: string; actor: string; note: string | null }>(
      `SELECT type, metadata->'actor'->>'id' AS actor, data->>'note' AS note FROM events WHERE data->>'alertId' = $1 ORDER BY global_position`,
      [mine[0].id],
    );
    // who was warned when: raised, delivered by e-mail and robot, acknowledged by the head with a note
    expect(events).toEqual([
      { type: 'AlertRaised', actor: 'system', note: null },
      { type: 'AlertDelivered', actor: 'system', note: null },
      { type: 'AlertDelivered', actor: 'system', note: null },
      { type: 'AlertAcknowledged', actor: 'head4', note },
    ]);
  });

  it('escalates an unacknowledged red alert to the department once, after three days', async () => {
    expect(await sweep('2022-07-02', 'early')).toMatchObject({ escalated: 0 });
    expect(await sweep('2022-07-03', 'early')).toMatchObject({ escalated: 1 });
    expect(await sweep('2022-07-04', 'early')).toMatchObject({ escalated: 0 });
    await settled();
    const red = (await alerts()).find((a) => a.targetId === T1 && a.kind === 'checkpoint')!;
    expect(
      red.deliveries.filter((d) => d.escalation).map((d) => [d.recipientId, d.channel, d.status]),
    ).toEqual([
      ['liu', 'email', 'delivered'],
      ['liu', 'inbox', 'delivered'],
      ['liu', 'webhook', 'failed'],
    ]);
  });

  it('refuses bad input with a 400 and writes nothing', async () => {
    const before = await t.eventCount();
    const bad = [
      request(t.http)
        .put('/units/314001')
        .set(auth(admin))
        .send({
          name: 'x',
          heads: [{ userId: 'h', name: 'h', webhookUrl: 'ftp://robot.example/x' }],
        }),
      request(t.http)
        .put('/units/314001')
        .set(auth(admin))
        .send({ name: 'x', heads: [{ userId: 'h', name: 'h', email: 'not-an-email' }] }),
      request(t.http)
        .post('/monitoring/sweeps')
        .set(auth(admin))
        .send({ asOf: '1999-06-30', kind: 'checkpoint' }),
      request(t.http)
        .post('/monitoring/sweeps')
        .set(auth(admin))
        .send({ asOf: '2022-06-30', kind: 'monthly' }),
      request(t.http)
        .post('/monitoring/sweeps')
        .set(auth(admin))
        .send({ asOf: '2022-06-29', kind: 'checkpoint' }),
      request(t.http)
        .put('/config/monitoring/2022')
        .set(auth(admin))
        .send({ yellowPp: 30, redPp: 20, tolerancePp: 0, escalationDays: 3 }),
      request(t.http)
        .post(`/alerts/${(await alerts()).find((a) => !a.acknowledgedAt)!.id}/ack`)
        .set(auth(admin))
        .send({ note: '说'.repeat(1001) }),
      request(t.http)
        .post(`/alerts/${(await alerts()).find((a) => !a.acknowledgedAt)!.id}/ack`)
        .set(auth(admin))
        .send({ note: 42 }),
    ];
    for (const res of await Promise.all(bad)) {
      expect({ status: res.status, shape: typeof res.body.error?.code }).toEqual({
        status: 400,
        shape: 'string',
      });
    }
    const head = t.token({ sub: 'head1', roles: ['unit_head'], unit: '314001' });
    await request(t.http)
      .post('/monitoring/sweeps')
      .set(auth(head))
      .send({ asOf: '2022-06-30', kind: 'checkpoint' })
      .expect(403);
    expect(await t.eventCount()).toBe(before);
  });
});

describe('two workers sweeping at once', () => {
  let t: TestApp;
  let hooks: WebhookReceiver;
  let second: Awaited<ReturnType<typeof createWorker>>;

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    t = await createTestApp(
      'alerts_race',
      { catchUpIntervalMs: 500, deliveryBackoffMs: 100, outboundAllow: ['127.0.0.1'] },
      { withWorker: true },
    );
    second = await createWorker(t.config);
    const admin = t.token({ sub: 'admin1', roles: ['admin'] });
    await importSeed(t);
    for (const id of [T1, T34]) await approve(t, id);
    for (const unit of ['314001', '314004']) {
      await request(t.http)
        .put(`/units/${unit}`)
        .set('Authorization', `Bearer ${admin}`)
        .send({
          name: `单位${unit}`,
          heads: [
            { userId: `head-${unit}`, name: '负责人', webhookUrl: hooks.url(`/robot/${unit}`) },
          ],
        })
        .expect(200);
    }
    await projectionsCaughtUp(t);
  }, 60000);

  afterAll(async () => {
    await second.close();
    await t.close();
    await hooks.close();
  });

  it('raises and delivers each alert once', async () => {
    const workers = [t.worker!, second].map((w) => w.get(SweepService));
    const results = await Promise.all(
      [...workers, ...workers].map((s) => s.sweep('checkpoint', '2022-06-30')),
    );
    expect(results.reduce((n, r) => n + r.raised, 0)).toBe(2); // nothing paid by 30 Jun: both red
    await until(
      async () =>
        ['314001', '314004'].every((u) => (hooks.received.get(`/robot/${u}`) ?? []).length >= 1),
      20000,
      'deliveries',
    );
    await new Promise((r) => setTimeout(r, 1000)); // a second delivery would have come by now
    expect([
      hooks.received.get('/robot/314001')?.length,
      hooks.received.get('/robot/314004')?.length,
    ]).toEqual([1, 1]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM alerts`)).toEqual([{ n: 2 }]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM events WHERE type = 'AlertRaised'`)).toEqual(
      [{ n: 2 }],
    );
  });
});
