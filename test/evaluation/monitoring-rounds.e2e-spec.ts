import ExcelJS from 'exceljs';
import { ProjectionRunner, SweepService } from '@bp/infra';
import request from 'supertest';
import { asBuffer } from '../support/download';
import { createTestApp, TestApp } from '../support/app-factory';
import { approve, caughtUpHere, importSeed } from '../support/workflow';

// seed table 2: 人事代理专项补助, 205,900.00 元; table 10: 地名工作业务经费, 25,000.00 元
const T2 = '2022-314001-13030322P00385410001N';
const T10 = '2022-314001-13030322P00385510010L';

interface Ind {
  target: string;
  parsedTarget: { kind: string; value?: number };
}

/** A line per indicator: numbers as a share of their target, yes for yes/no, text otherwise. */
const linesFor = (indicators: Ind[], share: number) =>
  indicators.map((ind, index) => {
    const t = ind.parsedTarget;
    const value =
      t.kind === 'quantitative'
        ? (t.value ?? 0) * share
        : t.kind === 'boolean'
          ? true
          : '按计划推进';
    return {
      index,
      completed: value,
      expected: t.kind === 'quantitative' ? t.value : value,
      likelihood: '确定能',
    };
  });

describe('indicator monitoring rounds (绩效运行监控) through HTTP', () => {
  let t: TestApp;
  let prep: string;
  let dept: string;
  let round: { roundId: string };
  let indicators: Ind[];
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const file = (id: string, roundId: string, lines: object[]) =>
    request(t.http)
      .put(`/targets/${id}/monitoring-reports/${roundId}`)
      .set(as(prep))
      .send({ lines });

  beforeAll(async () => {
    t = await createTestApp('rounds');
    prep = t.token({ sub: 'zhang', roles: ['preparer'], unit: '314001' });
    dept = t.token({ sub: 'liu', roles: ['department_reviewer'], department: '314' });
    await importSeed(t);
    for (const id of [T2, T10]) await approve(t, id);
    await request(t.http)
      .post(`/targets/${T2}/disbursements`)
      .set(as(prep))
      .send({ amount: '40000.00', date: '2022-06-15', voucherNo: '记-06-015' })
      .expect(201);
    round = (
      await request(t.http)
        .post('/monitoring/rounds')
        .set(as(dept))
        .send({ fiscalYear: 2022, name: '2022年1-7月', asOf: '2022-07-31', deadline: '2099-12-31' })
        .expect(201)
    ).body;
    indicators = (await request(t.http).get(`/targets/${T2}`).set(as(prep)).expect(200)).body
      .indicators;
  });
  afterAll(() => t.close());

  it('refuses bad reports: wrong kind of value, behind without causes, unapproved target, closed round', async () => {
    const before = await t.eventCount();
    const n = indicators.findIndex((i) => i.parsedTarget.kind === 'quantitative');
    const text = linesFor(indicators, 1).map((l) =>
      l.index === n ? { ...l, completed: '两人' } : l,
    );
    const wrong = await file(T2, round.roundId, text);
    expect([wrong.status, wrong.body.error.code, wrong.body.error.details.field]).toEqual([
      400,
      'WRONG_KIND_OF_VALUE',
      `lines.${n}.completed`,
    ]);
    const behind = linesFor(indicators, 1).map((l) =>
      l.index === n ? { ...l, likelihood: '有可能' } : l,
    );
    expect((await file(T2, round.roundId, behind)).body.error.code).toBe('CAUSES_REQUIRED');
    const unapproved = await file('2022-314001-13030322P003854100055', round.roundId, []);
    expect([unapproved.status, unapproved.body.error.code]).toEqual([409, 'TARGET_NOT_APPROVED']);
    const closed = (
      await request(t.http)
        .post('/monitoring/rounds')
        .set(as(dept))
        .send({ fiscalYear: 2022, name: '2022年1-3月', asOf: '2022-03-31', deadline: '2022-04-15' })
        .expect(201)
    ).body;
    const late = await file(T2, closed.roundId, linesFor(indicators, 1));
    expect([late.status, late.body.error.code]).toEqual([409, 'ROUND_CLOSED']);
    expect(await t.eventCount()).toBe(before + 1); // only the closed round's opening
  });

  it('files a report; indicators far ahead of spending raise a divergence alert', async () => {
    const res = await file(T2, round.roundId, linesFor(indicators, 1)).expect(200);
    // spending by 31 Jul: 40,000 / 205,900 = 19.43%; every number target met: 100% → 80.57 pp apart
    expect(res.body).toMatchObject({
      executionRatePct: 19.43,
      indicatorProgressPct: 100,
      divergencePp: 80.57,
      divergenceAlert: true,
      report: { status: 'filed' },
    });
    const admin = t.token({ sub: 'admin1', roles: ['admin'] });
    // the divergence reactor raises the alert after the report commits; no worker in this suite
    await caughtUpHere(t, 'divergence');
    const alerts = (
      await request(t.http).get('/alerts').query({ kind: 'divergence' }).set(as(admin)).expect(200)
    ).body.items;
    expect(alerts).toEqual([
      expect.objectContaining({
        targetId: T2,
        kind: 'divergence',
        level: 'yellow',
        period: 'M10',
        lagPp: 80.57,
      }),
    ]);
  });

  it('has a report returned by the department and refiled, and counts who reported', async () => {
    await request(t.http)
      .post(`/targets/${T2}/monitoring-reports/${round.roundId}/reviews`)
      .set(as(dept))
      .send({ outcome: 'returned' })
      .expect(400);
    const returned = await request(t.http)
      .post(`/targets/${T2}/monitoring-reports/${round.roundId}/reviews`)
      .set(as(dept))
      .send({ outcome: 'returned', opinion: '完成值与台账不符' })
      .expect(200);
    expect(returned.body.report).toMatchObject({ status: 'returned', opinion: '完成值与台账不符' });
    await file(T2, round.roundId, linesFor(indicators, 0.2)).expect(200);
    await request(t.http)
      .post(`/targets/${T2}/monitoring-reports/${round.roundId}/reviews`)
      .set(as(dept))
      .send({ outcome: 'accepted' })
      .expect(200);
    const status = (
      await request(t.http).get(`/monitoring/rounds/${round.roundId}`).set(as(dept)).expect(200)
    ).body;
    expect(status).toMatchObject({
      name: '2022年1-7月',
      targets: 2,
      reported: 1,
      accepted: 1,
      filed: 0,
      returned: 0,
    });
    const table = (
      await request(t.http)
        .get(`/targets/${T2}/monitoring-table`)
        .query({ roundId: round.roundId })
        .set(as(dept))
        .expect(200)
    ).body;
    expect(table).toMatchObject({
      report: { status: 'accepted' },
      budget: '205900.00',
      disbursed: '40000.00',
    });
    expect(table.indicators).toHaveLength(indicators.length);
  });

  it('exports the monitoring table as .xlsx that reads back', async () => {
    const res = await asBuffer(
      request(t.http)
        .get(`/targets/${T2}/monitoring-table/xlsx`)
        .query({ roundId: round.roundId })
        .set(as(dept)),
    ).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    const ws = wb.getWorksheet('执行监控表')!;
    expect(String(ws.getCell('A1').value)).toContain('2022年1-7月');
    expect(ws.getRow(2).getCell(2).value).toBe('205900.00');
    expect(ws.rowCount).toBe(3 + indicators.length);
  });

  it("reminds the units that have not reported two days before a round's deadline, once", async () => {
    const due = (
      await request(t.http)
        .post('/monitoring/rounds')
        .set(as(dept))
        .send({ fiscalYear: 2022, name: '2022年1-8月', asOf: '2022-08-10', deadline: '2022-08-15' })
        .expect(201)
    ).body;
    await t.app.get(ProjectionRunner).catchUpAll(); // no worker in this suite
    const sweeps = t.app.get(SweepService);
    expect((await sweeps.sweep('early', '2022-08-12')).reminded).toBe(0); // three days before
    expect((await sweeps.sweep('early', '2022-08-13')).reminded).toBe(2); // T2 and T10 have not reported in it
    expect((await sweeps.sweep('early', '2022-08-14')).reminded).toBe(0);
    const admin = t.token({ sub: 'admin1', roles: ['admin'] });
    const reminders = (
      await request(t.http).get('/alerts').query({ kind: 'reminder' }).set(as(admin)).expect(200)
    ).body.items;
    expect(
      reminders.map((a: { targetId: string; period: string }) => [a.targetId, a.period]).sort(),
    ).toEqual(
      [
        [T10, due.roundId],
        [T2, due.roundId],
      ].sort(),
    );
  });
});
