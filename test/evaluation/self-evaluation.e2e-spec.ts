import ExcelJS from 'exceljs';
import request from 'supertest';
import { asBuffer } from '../support/download';
import { createTestApp, TestApp } from '../support/app-factory';
import { paidTarget, SEED_T1, seedT1Entries } from '../support/workflow';

const T1 = SEED_T1;
const entries = seedT1Entries;

describe('year-end self-evaluation (绩效自评) through HTTP', () => {
  let t: TestApp;
  let prep: string;
  let dept: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp('self_evaluation');
    prep = t.token({ sub: 'zhang', name: '张会计', roles: ['preparer'], unit: '314001' });
    dept = t.token({
      sub: 'liu',
      name: '刘科长',
      roles: ['department_reviewer'],
      department: '314',
    });
    await paidTarget(t, T1, { amount: '3600.00', date: '2022-11-20', voucherNo: '记-11-020' });
  });
  afterAll(() => t.close());

  it('refuses bad reports with a 4xx and writes nothing', async () => {
    const before = await t.eventCount();
    const put = (body: object, target = T1) =>
      request(t.http).put(`/targets/${target}/self-evaluation`).set(as(prep)).send(body);
    const wrongKind = await put({ entries: entries({ kind: 'number', value: '八十五' }) });
    expect([
      wrongKind.status,
      wrongKind.body.error.code,
      wrongKind.body.error.details.field,
    ]).toEqual([400, 'WRONG_KIND_OF_VALUE', 'entries.8.actual.value']);
    const textTarget = await put({
      entries: [
        ...entries({ kind: 'met' }).slice(0, 1),
        { index: 1, actual: { kind: 'number', value: 3 } },
        ...entries({ kind: 'met' }).slice(2),
      ],
    });
    expect([textTarget.status, textTarget.body.error.code]).toEqual([400, 'WRONG_KIND_OF_VALUE']);
    const noExplanation = await put({ entries: entries({ kind: 'number', value: 80 }) });
    expect([
      noExplanation.status,
      noExplanation.body.error.code,
      noExplanation.body.error.details.indicators,
    ]).toEqual([422, 'EXPLANATIONS_MISSING', ['使用部门满意度']]);
    const band = await put({ entries: entries({ kind: 'band', band: '达成', share: 50 }, '说明') });
    expect([band.status, band.body.error.code]).toEqual([400, 'SHARE_OUTSIDE_BAND']);
    const notApproved = await put(
      { entries: entries({ kind: 'met' }) },
      '2022-314001-13030322P00385410001N',
    );
    expect([notApproved.status, notApproved.body.error.code]).toEqual([409, 'TARGET_NOT_APPROVED']);
    expect(await t.eventCount()).toBe(before);
  });

  it('scores it, has it returned and refiled, then accepted by the department', async () => {
    const filed = await request(t.http)
      .put(`/targets/${T1}/self-evaluation`)
      .set(as(prep))
      .send({ entries: entries({ kind: 'number', value: 80 }, '部分司机未参评') })
      .expect(200);
    // execution 3,600 / 4,000 → 9; 产出 50; 效益 30; 满意度 10 × 80/85 = 9.4118 → 98.41, 优
    expect(filed.body).toMatchObject({
      status: 'filed',
      executionRatePct: 90,
      executionScore: 9,
      total: 98.41,
      grade: '优',
    });
    expect(filed.body.indicators[8]).toMatchObject({
      name: '使用部门满意度',
      points: 10,
      score: 9.41,
      explanation: '部分司机未参评',
    });
    await request(t.http)
      .post(`/targets/${T1}/self-evaluation/reviews`)
      .set(as(prep))
      .send({ outcome: 'accepted' })
      .expect(403);
    const returned = await request(t.http)
      .post(`/targets/${T1}/self-evaluation/reviews`)
      .set(as(dept))
      .send({ outcome: 'returned', opinion: '请附满意度调查表' })
      .expect(200);
    expect(returned.body).toMatchObject({ status: 'returned', opinion: '请附满意度调查表' });
    await request(t.http)
      .put(`/targets/${T1}/self-evaluation`)
      .set(as(prep))
      .send({ entries: entries({ kind: 'number', value: 86 }) })
      .expect(200);
    const accepted = await request(t.http)
      .post(`/targets/${T1}/self-evaluation/reviews`)
      .set(as(dept))
      .send({ outcome: 'accepted', opinion: '同意' })
      .expect(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      total: 99,
      grade: '优',
      reviewedBy: { id: 'liu' },
    });
  });

  it('exports the 绩效自评表 as an .xlsx that reads back', async () => {
    const res = await asBuffer(
      request(t.http).get(`/targets/${T1}/self-evaluation/xlsx`).set(as(dept)),
    ).expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    const ws = wb.getWorksheet('绩效自评表')!;
    // the layout is checked cell by cell in self-evaluation-xlsx.e2e-spec.ts; here, what this
    // evaluation's review put in it
    expect(ws.getCell('A1').value).toBe('项目支出绩效自评表');
    expect([8, 9].map((r) => [3, 4, 6, 8, 9, 10].map((c) => ws.getCell(r, c).value))).toEqual([
      [4000, 4000, 3600, '90.00%', 10, 9],
      [4000, 4000, 3600, '90.00%', '—', '—'],
    ]);
    expect(ws.getCell('C14').value).toBe('投保车辆数量');
    expect([ws.getCell('A23').value, ws.getCell('H23').value, ws.getCell('I23').value]).toEqual([
      '总分',
      100,
      99,
    ]);
    expect([ws.getCell('A24').value, ws.getCell('C24').value]).toEqual(['评价等级', '优']);
    expect(String(ws.getCell('A28').value)).toContain('审核状态：已通过（刘科长）　审核意见：同意');
  });

  it('takes the weights of the fiscal year, kept with the evaluation they scored', async () => {
    const admin = t.token({ sub: 'admin1', roles: ['admin'] });
    const config = { yellowPp: 10, redPp: 20, tolerancePp: 0, escalationDays: 3 };
    const bad = await request(t.http)
      .put('/config/monitoring/2022')
      .set(as(admin))
      .send({
        ...config,
        scoreWeights: { execution: 20, groups: { 产出指标: 50, 效益指标: 30, 满意度指标: 10 } },
      });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'WEIGHTS_DO_NOT_ADD_UP']);
    const weights = { execution: 20, groups: { 产出指标: 40, 效益指标: 30, 满意度指标: 10 } };
    await request(t.http)
      .put('/config/monitoring/2022')
      .set(as(admin))
      .send({ ...config, scoreWeights: weights })
      .expect(200);
    expect(
      (await request(t.http).get('/config/monitoring/2022').set(as(admin)).expect(200)).body
        .scoreWeights,
    ).toEqual(weights);
    // the accepted evaluation keeps the weights it was filed with: still 99
    expect(
      (await request(t.http).get(`/targets/${T1}/self-evaluation`).set(as(dept)).expect(200)).body
        .total,
    ).toBe(99);
  });
});
