import ExcelJS from 'exceljs';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { asBuffer } from '../support/download';
import { targetBody } from '../support/fixtures';
import { approve, projectionsCaughtUp } from '../support/workflow';

const code = (n: number) => `13030322P0039141000${n}H`;
const idOf = (n: number, unit = '314001') => `2022-${unit}-${code(n)}`;

/** 作废 (issue 13): a draft or returned target, never approved, withdrawn by its unit or an admin. */
describe('withdrawing a target (POST /targets/:id/withdraw)', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  const auth = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });
  const withdraw = (id: string, who: string, body: object = { reason: '项目已取消' }) =>
    request(t.http).post(`/targets/${id}/withdraw`).set(auth(who)).send(body);

  /** Expects the status and code, and that no event was written. */
  async function refused(req: request.Test, status: number, code: string) {
    const before = await t.eventCount();
    const res = await req;
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await t.eventCount()).toBe(before);
    return res.body.error as { details: Record<string, unknown> };
  }

  const create = (n: number, unit = '314001') =>
    request(t.http)
      .post('/targets')
      .set(auth(unit === '314001' ? 'preparer' : 'otherUnit'))
      .send(targetBody({ projectCode: code(n), unitCode: unit }))
      .expect(201);

  beforeAll(async () => {
    t = await createTestApp('withdraw', {}, { withWorker: true });
    tok = {
      preparer: t.token({ sub: 'u1', roles: ['preparer'], unit: '314001' }),
      head: t.token({ sub: 'h1', roles: ['unit_head'], unit: '314001' }),
      otherUnit: t.token({ sub: 'o1', roles: ['preparer'], unit: '314004' }),
      dept: t.token({ sub: 'd1', roles: ['department_reviewer'], department: '314' }),
      admin: t.token({ sub: 'a1', roles: ['admin'] }),
      auditor: t.token({ sub: 'au1', roles: ['auditor'] }),
    };
    for (const n of [1, 2, 3, 4, 5, 6]) await create(n);
  });
  afterAll(() => t.close());

  it('withdraws a draft: 200, status withdrawn, the reason kept, X-Event-Position set', async () => {
    const before = await t.eventCount();
    const res = await withdraw(idOf(1), 'preparer', { reason: '  重复录入 ' }).expect(200);
    expect(res.body).toMatchObject({
      id: idOf(1),
      status: 'withdrawn',
      withdrawal: { reason: '重复录入', by: { id: 'u1' } },
    });
    expect(Number(res.headers['x-event-position'])).toBeGreaterThan(0);
    expect(await t.eventCount()).toBe(before + 1);
    const got = await request(t.http)
      .get(`/targets/${idOf(1)}`)
      .set(auth('admin'))
      .expect(200);
    expect(got.body.status).toBe('withdrawn');
  });

  it('withdraws a returned target, by the unit head', async () => {
    await request(t.http)
      .post(`/targets/${idOf(2)}/submit`)
      .set(auth('preparer'))
      .expect(200);
    await request(t.http)
      .post(`/targets/${idOf(2)}/reviews`)
      .set(auth('dept'))
      .send({ grade: '中', opinion: '指标不够具体' })
      .expect(200);
    const res = await withdraw(idOf(2), 'head').expect(200);
    expect(res.body.status).toBe('withdrawn');
  });

  it('refuses a submitted or approved target (409 with its state) and writes nothing', async () => {
    await request(t.http)
      .post(`/targets/${idOf(3)}/submit`)
      .set(auth('preparer'))
      .expect(200);
    const e = await refused(withdraw(idOf(3), 'preparer'), 409, 'TARGET_NOT_WITHDRAWABLE');
    expect(e.details.status).toBe('submitted');
    await approve(t, idOf(4));
    const e2 = await refused(withdraw(idOf(4), 'admin'), 409, 'TARGET_NOT_WITHDRAWABLE');
    expect(e2.details.status).toBe('approved');
  });

  it('refuses without a reason (400), out of the unit (404), and for a reviewer (403)', async () => {
    const e = await refused(withdraw(idOf(5), 'preparer', {}), 400, 'REASON_REQUIRED');
    expect(e.details.field).toBe('reason');
    await refused(withdraw(idOf(5), 'preparer', { reason: '   ' }), 400, 'REASON_REQUIRED');
    await refused(withdraw(idOf(5), 'otherUnit'), 404, 'TARGET_NOT_FOUND');
    await refused(withdraw(idOf(5), 'dept'), 403, 'ROLE_FORBIDDEN');
    await refused(withdraw(idOf(5), 'auditor'), 403, 'ROLE_FORBIDDEN');
  });

  it('is final: withdrawing again, revising or submitting a withdrawn target is a 409', async () => {
    await refused(withdraw(idOf(1), 'admin'), 409, 'TARGET_NOT_WITHDRAWABLE');
    await refused(
      request(t.http)
        .post(`/targets/${idOf(1)}/submit`)
        .set(auth('preparer')),
      409,
      'TARGET_NOT_SUBMITTABLE',
    );
    const v = (
      await request(t.http)
        .get(`/targets/${idOf(1)}`)
        .set(auth('preparer'))
    ).body.version;
    await refused(
      request(t.http)
        .patch(`/targets/${idOf(1)}`)
        .set(auth('preparer'))
        .set('If-Match', String(v))
        .send({ goals: '恢复' }),
      409,
      'TARGET_NOT_EDITABLE',
    );
  });

  it('leaves GET /targets unless status=withdrawn is asked for', async () => {
    const list = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2022 })
      .set(auth('preparer'))
      .expect(200);
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toEqual([idOf(3), idOf(4), idOf(5), idOf(6)]);
    const gone = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2022, status: 'withdrawn' })
      .set(auth('preparer'))
      .expect(200);
    expect(gone.body.items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [idOf(1), 'withdrawn'],
      [idOf(2), 'withdrawn'],
    ]);
  });

  it("leaves the unit's totals and its workbook, and stays in the audit trail", async () => {
    await projectionsCaughtUp(t);
    const units = await request(t.http)
      .get('/monitoring/units')
      .query({ fiscalYear: 2022, asOf: '2022-06-30' })
      .set(auth('admin'))
      .expect(200);
    // only the approved target is monitored: 4000.00 元, one target
    expect(units.body.items).toEqual([
      expect.objectContaining({ unit: '314001', targets: 1, budget: '4000.00' }),
    ]);
    const monitored = await request(t.http)
      .get('/monitoring/targets')
      .query({ fiscalYear: 2022, asOf: '2022-06-30' })
      .set(auth('admin'))
      .expect(200);
    expect(monitored.body.items.map((i: { targetId: string }) => i.targetId)).toEqual([idOf(4)]);

    const xlsx = await asBuffer(
      request(t.http)
        .get('/units/314001/targets/xlsx')
        .query({ fiscalYear: 2022 })
        .set(auth('admin')),
    ).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const sheets = wb.worksheets.map((w) => w.name);
    expect(sheets).toHaveLength(1 + 4); // 汇总 and the four targets not withdrawn
    expect(sheets).not.toContain(code(1));

    const trail = await request(t.http)
      .get('/audit/events')
      .query({ targetId: idOf(1) })
      .set(auth('auditor'))
      .expect(200);
    const last = trail.body.items[trail.body.items.length - 1];
    expect(last).toMatchObject({
      type: 'TargetWithdrawn',
      data: { targetId: idOf(1), reason: '重复录入' },
      actor: { id: 'u1', role: 'preparer', unit: '314001' },
    });
  });
});
