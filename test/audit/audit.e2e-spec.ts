import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import request from 'supertest';
import { asBuffer } from '../support/download';
import { targetBody } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/app-factory';
import { until } from '../support/processes';
import { importSeed, projectionsCaughtUp } from '../support/workflow';

// seed table 1: 314001 汽车保险费, 4,000.00 元
const T1 = '2022-314001-13030322P00391410001H';

describe("the audit trail of a target's whole life", () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const as = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });
  const ok = async (req: request.Test, status = 200) => {
    const res = await req;
    if (res.status !== status) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const trail = async (query: Record<string, string>, who = 'auditor') =>
    (
      await ok(
        request(t.http)
          .get('/audit/events')
          .query({ limit: '1000', ...query })
          .set(as(who)),
      )
    ).body.items as {
      type: string;
      actor: { id: string; role: string };
      data: Record<string, unknown>;
      requestId: string;
      streamId: string;
      position: string;
      at: string;
    }[];
  const recordedAt = async (type: string, nth = 0) =>
    (
      await t.sql<{ at: Date }>(
        `SELECT recorded_at AS at FROM events WHERE target_id = $1 AND type = $2 ORDER BY global_position`,
        [T1, type],
      )
    )[nth].at;

  beforeAll(async () => {
    t = await createTestApp('audit', { catchUpIntervalMs: 500 }, { withWorker: true });
    tok.prep = t.token({ sub: 'zhang', name: '张会计', roles: ['preparer'], unit: '314001' });
    tok.dept = t.token({
      sub: 'liu',
      name: '刘科长',
      roles: ['department_reviewer'],
      department: '314',
    });
    tok.dept2 = t.token({
      sub: 'sun',
      name: '孙科员',
      roles: ['department_reviewer'],
      department: '314',
    });
    tok.fin = t.token({ sub: 'chen', name: '陈处长', roles: ['finance_reviewer'] });
    tok.fin2 = t.token({ sub: 'zhou', name: '周科员', roles: ['finance_reviewer'] });
    tok.auditor = t.token({ sub: 'audit1', name: '审计员', roles: ['auditor'] });
    tok.admin = t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
    tok.head4 = t.token({ sub: 'zhao', name: '赵主任', roles: ['unit_head'], unit: '314004' });

    await importSeed(t); // by admin1
    const v = (await ok(request(t.http).get(`/targets/${T1}`).set(as('prep')))).body.version;
    await ok(
      request(t.http)
        .patch(`/targets/${T1}`)
        .set(as('prep'))
        .set('If-Match', String(v))
        .send({ goals: '1.保障车辆工作\n2.提高工作效率\n3.按期续保' }),
    );
    await ok(request(t.http).post(`/targets/${T1}/submit`).set(as('prep')));
    await ok(
      request(t.http)
        .post(`/targets/${T1}/reviews`)
        .set(as('dept'))
        .send({ grade: '中', opinion: '请补充续保依据' }),
    );
    await ok(request(t.http).post(`/targets/${T1}/submit`).set(as('prep')));
    await ok(request(t.http).post(`/targets/${T1}/reviews`).set(as('dept')).send({ grade: '优' }));
    await ok(
      request(t.http)
        .post(`/targets/${T1}/reviews`)
        .set(as('fin'))
        .send({ grade: '良', opinion: '同意' }),
    );
    await ok(
      request(t.http)
        .post(`/targets/${T1}/adjustments`)
        .set(as('prep'))
        .send({
          reason: '增加一辆车',
          budget: { total: '6000.00', fiscal: '6000.00', other: '0.00' },
        }),
      201,
    );
    await ok(request(t.http).post(`/targets/${T1}/reviews`).set(as('dept2')).send({ grade: '良' }));
    await ok(request(t.http).post(`/targets/${T1}/reviews`).set(as('fin2')).send({ grade: '优' }));
    const first = await ok(
      request(t.http)
        .post(`/targets/${T1}/disbursements`)
        .set(as('prep'))
        .send({ amount: '1000.00', date: '2022-05-10', voucherNo: '记-001' }),
      201,
    );
    await ok(
      request(t.http)
        .post(`/targets/${T1}/disbursements`)
        .set(as('prep'))
        .send({ amount: '500.00', date: '2022-06-10', voucherNo: '记-002' }),
      201,
    );
    await ok(
      request(t.http)
        .post(`/targets/${T1}/disbursements/${first.body.id}/reversals`)
        .set(as('prep'))
        .send({ amount: '200.00', reason: '金额有误' }),
      201,
    );
    await projectionsCaughtUp(t);
    const sweep = await ok(
      request(t.http)
        .post('/monitoring/sweeps')
        .set(as('admin'))
        .send({ asOf: '2022-06-30', kind: 'checkpoint' }),
      202,
    );
    await until(
      async () =>
        (await request(t.http).get(`/jobs/${sweep.body.jobId}`).set(as('admin'))).body.state ===
        'completed',
      20000,
      'the sweep',
    );
  }, 60000);
  afterAll(() => t.close());

  it('reads the whole life back in order, with the right actors', async () => {
    const items = await trail({ targetId: T1 });
    expect(items.map((e) => `${e.type}:${e.actor.id}`)).toEqual([
      'TargetCreated:admin1',
      'TargetRevised:zhang',
      'TargetSubmitted:zhang',
      'TargetReviewed:liu',
      'TargetSubmitted:zhang',
      'TargetReviewed:liu',
      'TargetReviewed:chen',
      'TargetApproved:chen',
      'AdjustmentRequested:zhang',
      'TargetReviewed:sun',
      'TargetReviewed:zhou',
      'AdjustmentApproved:zhou',
      'DisbursementRecorded:zhang',
      'DisbursementRecorded:zhang',
      'DisbursementReversed:zhang',
      'AlertRaised:system', // 1,300 of 6,000 by 30 Jun against a plan of 100%: red
    ]);
    expect(items[3]).toMatchObject({
      actor: { role: 'department_reviewer' },
      data: { grade: '中', opinion: '请补充续保依据', outcome: 'returned' },
    });
    expect(items.every((e) => e.requestId && e.at)).toBe(true);
  });

  it('filters by unit, actor, type and time', async () => {
    expect((await trail({ actor: 'liu' })).map((e) => e.type)).toEqual([
      'TargetReviewed',
      'TargetReviewed',
    ]);
    expect((await trail({ type: 'DisbursementRecorded' })).map((e) => e.data.voucherNo)).toEqual([
      '记-001',
      '记-002',
    ]);
    const unit = await trail({ unit: '314004' });
    expect(unit.length).toBeGreaterThan(0);
    expect(unit.every((e) => e.streamId.includes('314004'))).toBe(true);
    const approvedAt = await recordedAt('TargetApproved');
    const before = await trail({ targetId: T1, to: approvedAt.toISOString() });
    expect(before.map((e) => e.type)).not.toContain('TargetApproved');
    const after = await trail({ targetId: T1, from: approvedAt.toISOString() });
    // the finance pass and the approval are one transaction: recorded at the same moment
    expect(after.slice(0, 2).map((e) => `${e.type}:${e.actor.id}`)).toEqual([
      'TargetReviewed:chen',
      'TargetApproved:chen',
    ]);
    expect(before.length + after.length).toBe(16);
  });

  it('pages with a cursor, and lets a unit head read only its unit', async () => {
    const p1 = (
      await ok(
        request(t.http)
          .get('/audit/events')
          .query({ targetId: T1, limit: '10' })
          .set(as('auditor')),
      )
    ).body;
    const p2 = (
      await ok(
        request(t.http)
          .get('/audit/events')
          .query({ targetId: T1, limit: '10', cursor: p1.nextCursor })
          .set(as('auditor')),
      )
    ).body;
    expect([p1.items.length, p2.items.length, p2.nextCursor]).toEqual([10, 6, null]);
    expect((await trail({ targetId: T1 }, 'head4')).length).toBe(0);
    await ok(request(t.http).get('/audit/events').set(as('prep')), 403);
  });

  const COLUMNS = [
    '序号',
    '时间（北京时间）',
    '事件',
    '事件类型代码',
    '事件流',
    '版本',
    '操作人账号',
    '操作人',
    '角色',
    '单位',
    '金额（元）',
    '请求编号',
    '来源IP',
    '数据（金额为元）',
  ];
  const download = async (format: 'csv' | 'xlsx', query: Record<string, string>) =>
    (
      await ok(
        asBuffer(
          request(t.http)
            .get('/audit/events')
            .query({ ...query, format })
            .set(as('auditor')),
        ),
      )
    ).body as Buffer;
  const csvRows = async (query: Record<string, string>) => {
    const body = await download('csv', query);
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return parse(body.subarray(3).toString('utf8'), { columns: true }) as Record<string, string>[];
  };
  /** The sheet's rows as objects keyed by its header row, as csv-parse answers the CSV. */
  const xlsxRows = async (query: Record<string, string>) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download('xlsx', query)) as never);
    const ws = wb.getWorksheet('审计记录')!;
    const text = (r: number) =>
      Array.from({ length: COLUMNS.length }, (_, i) =>
        String(ws.getRow(r).getCell(i + 1).value ?? ''),
      );
    const header = text(1);
    return Array.from({ length: ws.rowCount - 1 }, (_, r) =>
      Object.fromEntries(text(r + 2).map((v, i) => [header[i], v])),
    );
  };

  it('exports a CSV that opens in Excel: UTF-8 BOM, Chinese header, Beijing time, 元, roles in Chinese', async () => {
    const rows = await csvRows({ targetId: T1 });
    expect(Object.keys(rows[0])).toEqual(COLUMNS);
    expect(rows).toHaveLength(16);
    const reviewedAt = await recordedAt('TargetReviewed');
    expect(rows[3]).toMatchObject({
      事件: '审核',
      事件类型代码: 'TargetReviewed',
      操作人账号: 'liu',
      操作人: '刘科长',
      角色: '部门审核人',
      '金额（元）': '',
      // recorded_at is the server's clock in UTC; the sheet shows it 8 hours on
      '时间（北京时间）': new Date(reviewedAt.getTime() + 8 * 3600e3)
        .toISOString()
        .slice(0, 19)
        .replace('T', ' '),
    });
    expect(rows[3]['时间（北京时间）']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(rows[12]).toMatchObject({ 事件: '登记支出', 角色: '填报人', '金额（元）': '1000.00' });
    expect(JSON.parse(rows[12]['数据（金额为元）'])).toMatchObject({
      amount: '1000.00',
      voucherNo: '记-001',
    });
    expect(rows[8]).toMatchObject({ 事件类型代码: 'AdjustmentRequested', '金额（元）': '6000.00' });
    expect(JSON.parse(rows[8]['数据（金额为元）']).changes.budget).toEqual({
      total: '6000.00',
      fiscal: '6000.00',
      other: '0.00',
    });
    expect(rows[0]).toMatchObject({
      事件: '创建目标',
      角色: '系统管理员',
      '金额（元）': '4000.00',
    });
  });

  it('documents both exports in the OpenAPI document', async () => {
    const doc = (await ok(request(t.http).get('/docs-json'))).body;
    const get = doc.paths['/audit/events'].get;
    const format = get.parameters.find((p: { name: string }) => p.name === 'format');
    expect(format.schema.enum).toEqual(['json', 'csv', 'xlsx']);
    expect(JSON.stringify(get.responses)).toContain('时间（北京时间）');
  });

  it('exports the same trail as an .xlsx, with the same columns and cells', async () => {
    const [csv, xlsx] = [await csvRows({ targetId: T1 }), await xlsxRows({ targetId: T1 })];
    expect(Object.keys(xlsx[0])).toEqual(COLUMNS);
    expect(xlsx).toEqual(csv);
  });

  it('neutralises cells a spreadsheet would run as a formula (=, +, -, @)', async () => {
    const names = ['=HYPERLINK("http://example.com","点我")', '+1+2', '-3+4', '@SUM(1)'];
    for (const [i, name] of names.entries()) {
      const prep = t.token({ sub: `inj${i}`, name, roles: ['preparer'], unit: '314001' });
      await ok(
        request(t.http)
          .post('/targets')
          .set('Authorization', `Bearer ${prep}`)
          .send(targetBody({ projectCode: `INJ${i}`, projectName: '注入测试' })),
        201,
      );
    }
    for (const rows of [
      await csvRows({ type: 'TargetCreated' }),
      await xlsxRows({ type: 'TargetCreated' }),
    ]) {
      const made = rows.filter((r) => /^inj\d$/.test(r['操作人账号']));
      expect(made.map((r) => r['操作人'])).toEqual(names.map((n) => `'${n}`));
      expect(rows.every((r) => Object.values(r).every((v) => !/^[=+\-@]/.test(v)))).toBe(true);
    }
  }, 30000); // four commands and four exports: more than jest's 5 s on a loaded machine

  it('shows the target as it was before approval, after approval and after the first disbursement', async () => {
    const at = async (when: Date) =>
      (
        await ok(
          request(t.http)
            .get(`/targets/${T1}`)
            .query({ asOf: when.toISOString() })
            .set(as('auditor')),
        )
      ).body;
    const returned = await at(await recordedAt('TargetReviewed', 0));
    expect(returned).toMatchObject({
      status: 'returned',
      approvedVersion: null,
      disbursed: '0.00',
    });
    const approved = await at(await recordedAt('TargetApproved'));
    expect(approved).toMatchObject({
      status: 'approved',
      approvedVersion: 1,
      budget: { total: '4000.00' },
      disbursed: '0.00',
    });
    const paid = await at(await recordedAt('DisbursementRecorded', 0));
    expect(paid).toMatchObject({
      approvedVersion: 2,
      budget: { total: '6000.00' },
      disbursed: '1000.00',
    });
    expect(paid.effectivePlan).toEqual({ M3: 0, M6: 100, M10: 100, M12: 100 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events in the database itself', async () => {
    for (const statement of [
      'UPDATE events SET type = type',
      'DELETE FROM events',
      'TRUNCATE events',
    ]) {
      await expect(t.sql(statement)).rejects.toThrow(/append-only/);
    }
  });

  it('verifies every hash chain, then names exactly the event a superuser altered', async () => {
    expect(
      await ok(request(t.http).get('/audit/verify').set(as('auditor'))).then((r) => r.body),
    ).toMatchObject({ ok: true, broken: [] });
    const [victim] = await t.sql<{ p: string }>(
      `SELECT global_position::text AS p FROM events WHERE target_id = $1 AND type = 'DisbursementRecorded' ORDER BY global_position LIMIT 1`,
      [T1],
    );
    const su = new Client({ connectionString: t.config.databaseUrl });
    await su.connect();
    try {
      await su.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
      await su.query(
        `UPDATE events SET data = jsonb_set(data, '{amount}', '"10000"') WHERE global_position = $1`,
        [victim.p],
      );
      await su.query('ALTER TABLE events ENABLE TRIGGER events_no_update_delete');
    } finally {
      await su.end();
    }
    const all = (await ok(request(t.http).get('/audit/verify').set(as('auditor')))).body;
    expect(all).toMatchObject({
      ok: false,
      broken: [
        {
          position: victim.p,
          streamId: `target-${T1}`,
          type: 'DisbursementRecorded',
          reason: expect.stringMatching(/^内容被篡改/),
        },
      ],
    });
    const one = (
      await ok(request(t.http).get('/audit/verify').query({ targetId: T1 }).set(as('auditor')))
    ).body;
    expect(one.broken.map((b: { position: string }) => b.position)).toEqual([victim.p]);
  });
});
