import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { paidTarget, SEED_T1, seedT1Entries } from '../support/workflow';

const T1 = SEED_T1;
const entries = seedT1Entries;

describe('self-evaluation score trial (POST /targets/:id/self-evaluation/score)', () => {
  let t: TestApp;
  let prep: string;
  let dept: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const score = (body: object, token = prep, target = T1) =>
    request(t.http).post(`/targets/${target}/self-evaluation/score`).set(as(token)).send(body);

  beforeAll(async () => {
    t = await createTestApp('self_evaluation_score');
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

  it('answers the score a filing would get and writes nothing', async () => {
    const before = await t.eventCount();
    const r = await score({ entries: entries({ kind: 'number', value: 80 }) }).expect(200);
    // execution 3,600 / 4,000 → 9; 产出 50; 效益 30; 满意度 10 × 80/85 = 9.4118 → 98.41, 优
    expect(r.body).toMatchObject({
      executionRatePct: 90,
      executionScore: 9,
      total: 98.41,
      grade: '优',
    });
    expect(r.body.indicators[8]).toMatchObject({ name: '使用部门满意度', points: 10, score: 9.41 });
    // a filing would be refused for the missing 未完成原因; the trial lists it instead
    expect(r.body.missingExplanations).toEqual(['使用部门满意度']);
    const met = await score({ entries: entries({ kind: 'number', value: 90 }) }).expect(200);
    expect([met.body.total, met.body.missingExplanations]).toEqual([99, []]);
    // a share proposed in a band (部分达成 60–80%), and the reviewer trying the share they would confirm
    const band = { entries: entries({ kind: 'band', band: '部分达成', share: 70 }, '调查未完成') };
    const proposed = await score(band).expect(200);
    expect([proposed.body.total, proposed.body.unconfirmed]).toEqual([96, ['使用部门满意度']]);
    const confirmed = await score({ ...band, confirmedShares: { '8': 65 } }, dept).expect(200);
    expect([confirmed.body.total, confirmed.body.unconfirmed]).toEqual([95.5, []]);
    const outside = await score({ ...band, confirmedShares: { '8': 90 } }, dept);
    expect([outside.status, outside.body.error.code]).toEqual([400, 'SHARE_OUTSIDE_BAND']);
    expect(await t.eventCount()).toBe(before);
    await request(t.http).get(`/targets/${T1}/self-evaluation`).set(as(prep)).expect(404);
  });

  it('gives the form the kind of value each indicator takes', async () => {
    const form = await request(t.http)
      .get(`/targets/${T1}/self-evaluation/form`)
      .set(as(prep))
      .expect(200);
    const [q, b] = ['quantitative', 'boolean'];
    expect(form.body.indicators.map((i: { targetKind: string }) => i.targetKind)).toEqual([
      q,
      b,
      q,
      b,
      b,
      b,
      b,
      b,
      q,
    ]);
    expect(form.body).toMatchObject({ status: 'approved', budget: '4000.00', evaluation: null });
    const list = await request(t.http)
      .get('/self-evaluations')
      .query({ fiscalYear: 2022 })
      .set(as(dept))
      .expect(200);
    expect(list.body).toEqual([
      expect.objectContaining({ targetId: T1, status: 'none', total: null, grade: null }),
    ]);
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const before = await t.eventCount();
    const codes = async (body: object, target = T1) => {
      const r = await score(body, prep, target);
      return [r.status, r.body.error?.code];
    };
    expect(await codes({ entries: entries({ kind: 'number', value: '八十五' }) })).toEqual([
      400,
      'WRONG_KIND_OF_VALUE',
    ]);
    expect(await codes({ entries: entries({ kind: 'number', value: 80 }).slice(1) })).toEqual([
      400,
      'ENTRIES_INCOMPLETE',
    ]);
    expect(
      await codes({ entries: entries({ kind: 'band', band: '达成', share: 50 }, '说明') }),
    ).toEqual([400, 'SHARE_OUTSIDE_BAND']);
    expect(await codes({ entries: 'all' })).toEqual([400, 'VALIDATION_FAILED']);
    expect(
      await codes({ entries: entries({ kind: 'met' }) }, '2022-314001-13030322P00385410001N'),
    ).toEqual([409, 'TARGET_NOT_APPROVED']);
    const other = t.token({ sub: 'wang', name: '王会计', roles: ['preparer'], unit: '314002' });
    const outside = await score({ entries: entries({ kind: 'met' }) }, other);
    expect(outside.status).toBe(404);
    const auditor = t.token({ sub: 'audit', name: '审计员', roles: ['auditor'] });
    expect((await score({ entries: entries({ kind: 'met' }) }, auditor)).status).toBe(403);
    expect(await t.eventCount()).toBe(before);
  });
});
