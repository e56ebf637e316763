import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { approve, importSeed } from '../support/workflow';

// seed table 2: 314001 人事代理专项补助, 20.59万元 = 205,900.00 元, plan 25% / 50% / 83% / 100%
const T2 = '2022-314001-13030322P00385410001N';
// seed table 1 and table 34: 汽车保险费 of 314001 and of 314004, 4,000.00 元 each; table 34's plan
// is ['', 100%, '', ''] (blanks carried forward: 0 / 100 / 100 / 100), table 1's ['', 100%, 100%, 100%]
const T1 = '2022-314001-13030322P00391410001H';
const T34 = '2022-314004-13030322P00391410001H';

describe('execution monitoring through HTTP with the worker', () => {
  let t: TestApp;
  let prep1: string;
  let prep4: string;
  let admin: string;
  let last = '0';

  const pay = async (token: string, id: string, body: object, key?: string) => {
    const req = request(t.http)
      .post(`/targets/${id}/disbursements`)
      .set('Authorization', `Bearer ${token}`);
    const res = await (key ? req.set('Idempotency-Key', key) : req).send(body);
    if (res.headers['x-event-position']) last = res.headers['x-event-position'];
    return res;
  };
  const monitor = async (asOf: string, extra: Record<string, string> = {}) => {
    const res = await request(t.http)
      .get('/monitoring/targets')
      .query({ asOf, minPosition: last, ...extra })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.headers['x-projection-behind']).toBeUndefined();
    return Object.fromEntries(res.body.items.map((i: { targetId: string }) => [i.targetId, i]));
  };

  beforeAll(async () => {
    t = await createTestApp('execution', {}, { withWorker: true });
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    prep1 = t.token({ sub: 'p1', name: '出纳', roles: ['preparer'], unit: '314001' });
    prep4 = t.token({ sub: 'p4', name: '出纳', roles: ['preparer'], unit: '314004' });
    await importSeed(t);
    for (const id of [T1, T2, T34]) await approve(t, id);
  });
  afterAll(() => t.close());

  it('records dated and quarterly disbursements', async () => {
    const a = await pay(prep1, T2, {
      amount: '40000.00',
      date: '2022-03-15',
      voucherNo: '记-03-015',
    }).then((r) => r.body);
    expect(a).toMatchObject({
      targetId: T2,
      amount: '40000.00',
      date: '2022-03-15',
      period: null,
      voucherNo: '记-03-015',
      source: 'fiscal',
      disbursed: '40000.00',
    });
    const q = await pay(prep1, T2, { amount: '50000.00', period: 'P2', voucherNo: '记-Q2' });
    expect(q.status).toBe(201);
    expect(q.body).toMatchObject({ date: '2022-06-30', period: 'P2', disbursed: '90000.00' });
    await pay(prep1, T2, { amount: '30000.00', date: '2022-08-01', voucherNo: '记-08-001' }).then(
      (r) => expect(r.status).toBe(201),
    );
  });

  it('reads actual %, planned % and lag at each checkpoint and between, as worked out by hand', async () => {
    // 31 Mar: 40,000 / 205,900 = 19.4269% (19.43); planned 25; lag 5.57 > 0 on a checkpoint → yellow
    expect((await monitor('2022-03-31'))[T2]).toMatchObject({
      disbursed: '40000.00',
      actualPct: 19.43,
      plannedPct: 25,
      lagPp: 5.57,
      level: 'yellow',
    });
    // 15 May: planned 25 + 25 × 45/91 = 37.3626 (37.36); actual 19.4269; lag 17.9357 (17.94) ≥ 10 → yellow
    expect((await monitor('2022-05-15'))[T2]).toMatchObject({
      actualPct: 19.43,
      plannedPct: 37.36,
      lagPp: 17.94,
      level: 'yellow',
    });
    // 30 Jun: 90,000 / 205,900 = 43.7105% (43.71); planned 50; lag 6.29 on a checkpoint → yellow
    expect((await monitor('2022-06-30'))[T2]).toMatchObject({
      disbursed: '90000.00',
      actualPct: 43.71,
      plannedPct: 50,
      lagPp: 6.29,
      level: 'yellow',
    });
    // 15 Aug: 120,000 / 205,900 = 58.2807% (58.28); planned 50 + 33 × 46/123 = 62.3415 (62.34); lag 4.06 → green
    const aug = (await monitor('2022-08-15'))[T2];
    expect(aug).toMatchObject({
      disbursed: '120000.00',
      actualPct: 58.28,
      plannedPct: 62.34,
      lagPp: 4.06,
      level: 'green',
      timePct: 62.19,
    });
    expect(aug.checkpoints).toEqual([
      { checkpoint: 'M3', date: '2022-03-31', plannedPct: 25, actualPct: 19.43, lagPp: 5.57 },
      { checkpoint: 'M6', date: '2022-06-30', plannedPct: 50, actualPct: 43.71, lagPp: 6.29 },
      // checkpoints after the as-of date show what is paid so far
      { checkpoint: 'M10', date: '2022-10-31', plannedPct: 83, actualPct: 58.28, lagPp: 24.72 },
      { checkpoint: 'M12', date: '2022-12-31', plannedPct: 100, actualPct: 58.28, lagPp: 41.72 },
    ]);
  });

  it('shows quarterly disbursements of P1 and P2 at M3 and M6 exactly as dated payments of the same sums', async () => {
    await pay(prep1, T1, { amount: '1000.00', period: 'P1', voucherNo: 'Q1' }).then((r) =>
      expect(r.status).toBe(201),
    );
    await pay(prep1, T1, { amount: '1000.00', period: 'P2', voucherNo: 'Q2' }).then((r) =>
      expect(r.status).toBe(201),
    );
    await pay(prep4, T34, { amount: '1000.00', date: '2022-03-31', voucherNo: 'D1' }).then((r) =>
      expect(r.status).toBe(201),
    );
    await pay(prep4, T34, { amount: '1000.00', date: '2022-06-30', voucherNo: 'D2' }).then((r) =>
      expect(r.status).toBe(201),
    );
    const dec = await monitor('2022-12-31');
    expect(dec[T1].checkpoints).toEqual(dec[T34].checkpoints);
    expect(dec[T34].checkpoints.slice(0, 2)).toEqual([
      { checkpoint: 'M3', date: '2022-03-31', plannedPct: 0, actualPct: 25, lagPp: -25 },
      { checkpoint: 'M6', date: '2022-06-30', plannedPct: 100, actualPct: 50, lagPp: 50 },
    ]);
  });

  it('interpolates a plan with blank cells from 0 on 1 Jan', async () => {
    // table 34 on 15 May: planned 0 + 100 × 45/91 = 49.4505 (49.45); actual 1,000 / 4,000 = 25; lag 24.45 ≥ 20 → red
    expect((await monitor('2022-05-15'))[T34]).toMatchObject({
      plannedPct: 49.45,
      actualPct: 25,
      lagPp: 24.45,
      level: 'red',
    });
    // 1 Feb: planned 0 (M3 is blank, so 0 until the end of March); nothing behind
    expect((await monitor('2022-02-01'))[T34]).toMatchObject({
      plannedPct: 0,
      actualPct: 0,
      lagPp: 0,
      level: 'green',
    });
  });

  it('records a retried disbursement once; the same key with another body is a 422', async () => {
    const before = await t.eventCount();
    const body = { amount: '500.00', date: '2022-09-01', voucherNo: '记-09-001' };
    const first = await pay(prep4, T34, body, 'retry-1');
    const again = await pay(prep4, T34, body, 'retry-1');
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await t.eventCount()).toBe(before + 1);
    const other = await pay(prep4, T34, { ...body, amount: '600.00' }, 'retry-1');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.eventCount()).toBe(before + 1);
  });

  it('refuses over budget (422) and a duplicate voucher (409), writing nothing', async () => {
    const before = await t.eventCount();
    const over = await pay(prep4, T34, { amount: '1500.01', date: '2022-09-02', voucherNo: 'X1' });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({
      code: 'OVER_BUDGET',
      details: { budget: '4000.00', disbursed: '2500.00', available: '1500.00' },
    });
    const dup = await pay(prep4, T34, { amount: '1.00', date: '2022-09-02', voucherNo: 'D1' });
    expect(dup.status).toBe(409);
    const outside = await pay(prep4, T34, { amount: '1.00', date: '2023-01-02', voucherNo: 'X2' });
    expect([outside.status, outside.body.error.code]).toEqual([400, 'DATE_OUTSIDE_FISCAL_YEAR']);
    const notApproved = await pay(prep1, '2022-314001-13030322P003854100055', {
      amount: '1.00',
      date: '2022-09-02',
      voucherNo: 'X3',
    });
    expect([notApproved.status, notApproved.body.error.code]).toEqual([409, 'TARGET_NOT_APPROVED']);
    const stranger = await pay(prep1, T34, { amount: '1.00', date: '2022-09-02', voucherNo: 'X4' });
    expect(stranger.status).toBe(404);
    expect(await t.eventCount()).toBe(before);
  });

  it('lowers the totals with a reversal, as of the payment date', async () => {
    const target = await request(t.http)
      .get(`/targets/${T2}`)
      .set('Authorization', `Bearer ${prep1}`)
      .expect(200);
    const march = target.body.disbursements.find(
      (d: { voucherNo: string }) => d.voucherNo === '记-03-015',
    );
    const res = await request(t.http)
      .post(`/targets/${T2}/disbursements/${march.id}/reversals`)
      .set('Authorization', `Bearer ${prep1}`)
      .send({ amount: '10000.00', reason: '凭证金额录入有误' })
      .expect(201);
    last = res.headers['x-event-position'];
    expect(res.body).toMatchObject({
      disbursementId: march.id,
      amount: '10000.00',
      remaining: '30000.00',
      disbursed: '110000.00',
    });
    // 31 Mar: 30,000 / 205,900 = 14.5702% (14.57)
    expect((await monitor('2022-03-31'))[T2]).toMatchObject({
      disbursed: '30000.00',
      actualPct: 14.57,
      lagPp: 10.43,
      level: 'yellow',
    });
    const tooMuch = await request(t.http)
      .post(`/targets/${T2}/disbursements/${march.id}/reversals`)
      .set('Authorization', `Bearer ${prep1}`)
      .send({ amount: '30000.01', reason: 'x' });
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([422, 'REVERSAL_EXCEEDS_REMAINING']);
  });

  it('rolls up per unit, and filters by level', async () => {
    const res = await request(t.http)
      .get('/monitoring/units')
      .query({ asOf: '2022-06-30', minPosition: last })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body.items).toEqual([
      // 314001: T1 (4,000) and T2 (205,900): 209,900 budget; paid by 30 Jun 2,000 + 80,000 = 82,000 → 39.07%
      {
        unit: '314001',
        targets: 2,
        budget: '209900.00',
        disbursed: '82000.00',
        actualPct: 39.07,
        behind: { yellow: 1, red: 1 },
      },
      {
        unit: '314004',
        targets: 1,
        budget: '4000.00',
        disbursed: '2000.00',
        actualPct: 50,
        behind: { yellow: 0, red: 1 },
      },
    ]);
    const red = await monitor('2022-06-30', { level: 'red' });
    expect(Object.keys(red).sort()).toEqual([T1, T34].sort());
    const unitView = await request(t.http)
      .get('/monitoring/targets')
      .query({ asOf: '2022-06-30' })
      .set('Authorization', `Bearer ${prep4}`)
      .expect(200);
    expect(unitView.body.items.map((i: { targetId: string }) => i.targetId)).toEqual([T34]);
  });

  it('asks for an adjustment that takes effect only once both stages pass it', async () => {
    const res = await request(t.http)
      .post(`/targets/${T34}/adjustments`)
      .set('Authorization', `Bearer ${prep4}`)
      .send({
        reason: '增加投保车辆',
        budget: { total: '6000.00', fiscal: '6000.00', other: '0.00' },
      })
      .expect(201);
    expect(res.body).toMatchObject({
      status: 'approved',
      budget: { total: '4000.00' },
      pendingAdjustment: { status: 'submitted', budget: { total: '6000.00' } },
    });
    const dept = t.token({ sub: 'dept2', roles: ['department_reviewer'], department: '314' });
    const fin = t.token({ sub: 'fin2', roles: ['finance_reviewer'] });
    await request(t.http)
      .post(`/targets/${T34}/reviews`)
      .set('Authorization', `Bearer ${dept}`)
      .send({ grade: '良' })
      .expect(200);
    const done = await request(t.http)
      .post(`/targets/${T34}/reviews`)
      .set('Authorization', `Bearer ${fin}`)
      .send({ grade: '优' })
      .expect(200);
    expect(done.body).toMatchObject({
      status: 'approved',
      approvedVersion: 2,
      budget: { total: '6000.00' },
      pendingAdjustment: null,
    });
    last = done.headers['x-event-position'];
    // 30 Jun: 2,000 / 6,000 = 33.33% with the new budget in force
    expect((await monitor('2022-06-30'))[T34]).toMatchObject({
      budget: '6000.00',
      actualPct: 33.33,
    });
  });

  it('rebuilds a projection into a fresh copy and swaps it in, with the same figures', async () => {
    const before = await monitor('2022-08-15');
    const status = await request(t.http)
      .get('/projections')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    // the divergence reactor is listed beside the projections it runs with (issue 16, item 2)
    expect(status.body.map((p: { name: string }) => p.name)).toEqual([
      'execution',
      'review-queue',
      'divergence',
    ]);
    const { body } = await request(t.http)
      .post('/projections/execution/rebuild')
      .set('Authorization', `Bearer ${admin}`)
      .expect(202);
    let job: { state: string; progress: unknown } = { state: 'waiting', progress: 0 };
    for (let i = 0; i < 100 && job.state !== 'completed' && job.state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (
        await request(t.http)
          .get(`/jobs/${body.jobId}`)
          .set('Authorization', `Bearer ${admin}`)
          .expect(200)
      ).body;
    }
    expect(job).toMatchObject({ state: 'completed', progress: { percent: 100 } });
    expect(await monitor('2022-08-15')).toEqual(before);
    const after = await request(t.http)
      .get('/projections')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(after.body.find((p: { name: string }) => p.name === 'execution')).toMatchObject({
      lag: 0,
      status: 'live',
    });
  });

  it('lists what waits for review at each stage', async () => {
    const dept = t.token({ sub: 'dept9', roles: ['department_reviewer'], department: '314' });
    await request(t.http)
      .post(`/targets/2022-314001-13030322P003854100055/submit`)
      .set('Authorization', `Bearer ${prep1}`)
      .expect(200)
      .then((r) => (last = r.headers['x-event-position']));
    await new Promise((r) => setTimeout(r, 50));
    let items: { targetId: string; stage: string }[] = [];
    for (let i = 0; i < 50 && items.length === 0; i++) {
      items = (
        await request(t.http)
          .get('/reviews')
          .query({ stage: 'department' })
          .set('Authorization', `Bearer ${dept}`)
          .expect(200)
      ).body.items;
      if (items.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(items).toEqual([
      expect.objectContaining({
        targetId: '2022-314001-13030322P003854100055',
        stage: 'department',
        kind: 'target',
        projectName: '未成年人保护服务体系建设资金',
      }),
    ]);
  });
});
