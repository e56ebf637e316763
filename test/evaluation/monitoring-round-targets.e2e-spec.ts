import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { approve, importSeed } from '../support/workflow';

// seed table 2: 人事代理专项补助 and table 10: 地名工作业务经费, both of unit 314001 (department 314)
const T2 = '2022-314001-13030322P00385410001N';
const T10 = '2022-314001-13030322P00385510010L';

interface Ind {
  parsedTarget: { kind: string; value?: number };
}

/** Every indicator met: numbers at their target, yes for yes/no, text otherwise. */
const linesFor = (indicators: Ind[]) =>
  indicators.map(({ parsedTarget: p }, index) => {
    const value =
      p.kind === 'quantitative' ? (p.value ?? 0) : p.kind === 'boolean' ? true : '按计划推进';
    return { index, completed: value, expected: value, likelihood: '确定能' };
  });

describe('rounds for the console: the list of a year, and each target of a round with its report', () => {
  let t: TestApp;
  let now = new Date('2022-08-10T02:00:00Z');
  let prep: string;
  let dept: string;
  let roundId: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const targets = async (token = dept) =>
    (await request(t.http).get(`/monitoring/rounds/${roundId}/targets`).set(as(token)).expect(200))
      .body;
  const statusOf = (body: { targets: { targetId: string }[] }, id: string) =>
    body.targets.find((x) => x.targetId === id);

  beforeAll(async () => {
    t = await createTestApp('round_targets', {}, { clock: { now: () => now } });
    prep = t.token({ sub: 'zhang', name: '张会计', roles: ['preparer'], unit: '314001' });
    dept = t.token({
      sub: 'liu',
      name: '刘科长',
      roles: ['department_reviewer'],
      department: '314',
    });
    await importSeed(t);
    for (const id of [T2, T10]) await approve(t, id);
    const round = await request(t.http)
      .post('/monitoring/rounds')
      .set(as(dept))
      .send({ fiscalYear: 2022, name: '2022年1-7月', asOf: '2022-07-31', deadline: '2022-08-15' })
      .expect(201);
    roundId = round.body.roundId;
  });
  afterAll(() => t.close());

  it('lists the rounds of a year that cover the caller, and refuses a bad year', async () => {
    const list = (token: string, fiscalYear: unknown) =>
      request(t.http).get('/monitoring/rounds').query({ fiscalYear }).set(as(token));
    expect((await list(prep, 2022).expect(200)).body).toEqual([
      expect.objectContaining({ roundId, name: '2022年1-7月', departmentCode: '314' }),
    ]);
    expect((await list(prep, 2023).expect(200)).body).toEqual([]);
    // a unit of another department is not covered by department 314's round
    const other = t.token({ sub: 'wang', roles: ['preparer'], unit: '315001' });
    expect((await list(other, 2022).expect(200)).body).toEqual([]);
    const bad = await list(prep, '二〇二二');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badId = await request(t.http).get('/monitoring/rounds/abc/targets').set(as(dept));
    expect([badId.status, badId.body.error.code]).toEqual([400, 'INVALID_ROUND_ID']);
  });

  it('shows each target as not filed, filed, returned, and late after the deadline', async () => {
    const before = await targets();
    expect(before.targets).toHaveLength(2);
    expect(statusOf(before, T2)).toMatchObject({ status: 'none', late: false, by: null });
    const indicators: Ind[] = (
      await request(t.http).get(`/targets/${T2}`).set(as(prep)).expect(200)
    ).body.indicators;
    await request(t.http)
      .put(`/targets/${T2}/monitoring-reports/${roundId}`)
      .set(as(prep))
      .send({ lines: linesFor(indicators) })
      .expect(200);
    expect(statusOf(await targets(), T2)).toMatchObject({ status: 'filed', by: '张会计' });
    await request(t.http)
      .post(`/targets/${T2}/monitoring-reports/${roundId}/reviews`)
      .set(as(dept))
      .send({ outcome: 'returned', opinion: '请补充完成值依据' })
      .expect(200);
    expect(statusOf(await targets(prep), T2)).toMatchObject({
      status: 'returned',
      opinion: '请补充完成值依据',
      late: false,
    });
    now = new Date('2022-08-20T02:00:00Z'); // past the deadline: returned and missing are late
    const after = await targets();
    expect(statusOf(after, T2)).toMatchObject({ status: 'returned', late: true });
    expect(statusOf(after, T10)).toMatchObject({ status: 'none', late: true });
  });
});
