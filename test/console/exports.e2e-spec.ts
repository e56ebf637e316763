import ExcelJS from 'exceljs';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { asBuffer } from '../support/download';
import { targetBody } from '../support/fixtures';
import { approve, importSeed } from '../support/workflow';

// seed table 1: 314001 汽车保险费, 0.40 万元, plan ['', 100%, 100%, 100%], 9 indicators
const T1 = '2022-314001-13030322P00391410001H';
// seed table 2: 314001 人事代理专项补助, 20.59 万元 = 205,900.00 元, plan 25% / 50% / 83% / 100%
const T2 = '2022-314001-13030322P00385410001N';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function workbookOf(res: request.Response): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.body);
  return wb;
}

/** The file name of a Content-Disposition's RFC 5987 `filename*`. */
function utf8FileName(header: string): string {
  const m = /filename\*=UTF-8''([^;]+)/.exec(header);
  if (!m) throw new Error(`no filename* in ${header}`);
  return decodeURIComponent(m[1]);
}

describe('target workbooks and the execution series', () => {
  let t: TestApp;
  let admin: string;
  let prep1: string;
  let prep4: string;
  let last = '0';
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const download = (path: string, token: string, query: object = {}) =>
    asBuffer(request(t.http).get(path).query(query).set(as(token)));
  const pay = async (body: object) => {
    const res = await request(t.http)
      .post(`/targets/${T2}/disbursements`)
      .set(as(prep1))
      .send(body)
      .expect(201);
    last = res.headers['x-event-position'];
    return res.body;
  };

  beforeAll(async () => {
    t = await createTestApp('exports', {}, { withWorker: true });
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    prep1 = t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
    prep4 = t.token({ sub: 'p4', roles: ['preparer'], unit: '314004' });
    await importSeed(t);
    await approve(t, T2);
  });
  afterAll(() => t.close());

  describe('GET /targets/:id/xlsx', () => {
    it('is the 项目绩效目标表 of the target, as an .xlsx download with a Chinese file name', async () => {
      const res = await download(`/targets/${T2}/xlsx`, prep1).expect(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toMatch(/^attachment; /);
      expect(utf8FileName(res.headers['content-disposition'])).toBe(
        '项目绩效目标表-13030322P00385410001N.xlsx',
      );
      const wb = await workbookOf(res);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['13030322P00385410001N']);
      const ws = wb.worksheets[0];
      const at = (ref: string) => ws.getCell(ref).value;
      expect(at('A1')).toBe('项目绩效目标表（2022年度）');
      expect([at('A3'), at('B3'), at('E3'), at('F3')]).toEqual([
        '单位名称',
        '民政部门秦皇岛市山海关区民政局本级',
        '单位编码',
        '314001',
      ]);
      expect([at('A4'), at('B4'), at('E4'), at('F4')]).toEqual([
        '项目名称',
        '人事代理专项补助',
        '项目编码',
        '13030322P00385410001N',
      ]);
      // budget in 万元 as the document writes it: 205,900.00 元 = 20.59 万元, no other funds
      expect(at('A5')).toBe('预算资金（万元）');
      expect([at('B5'), at('C5'), at('B6'), at('C6'), at('B7'), at('C7')]).toEqual([
        '总额',
        20.59,
        '财政拨款',
        20.59,
        '其他资金',
        0,
      ]);
      expect(ws.getCell('C5').numFmt).toBe('0.00####');
      // the four cumulative plan cells, as percentages
      expect([at('B8'), at('C8'), at('D8'), at('E8')]).toEqual([
        '3月底',
        '6月底',
        '10月底',
        '12月底',
      ]);
      expect([at('B9'), at('C9'), at('D9'), at('E9')]).toEqual([0.25, 0.5, 0.83, 1]);
      expect(ws.getCell('B9').numFmt).toBe('0%');
      expect([at('A11'), at('B11')]).toEqual(['年度绩效目标', '1.保障人事代理人员工资、保险等']);
      // the indicator tree: header, then 9 indicators (产出 4, 效益 4, 满意度 1)
      expect([1, 2, 3, 4, 5, 6].map((c) => ws.getRow(12).getCell(c).value)).toEqual([
        '一级指标',
        '二级指标',
        '三级指标',
        '指标值',
        '指标说明',
        '指标值确定依据',
      ]);
      expect(ws.getRow(13).values).toEqual([
        undefined,
        '产出指标',
        '数量指标',
        '支付工资及保险人员数量',
        '2人',
        '支付工资及保险人员数量',
        '年度工作计划',
      ]);
      expect(at('C21')).toBe('职工满意度');
      expect(at('D21')).toBe('≥95%');
      expect(ws.rowCount).toBe(21);
      const merges: string[] = (ws.model as unknown as { merges: string[] }).merges;
      expect(merges).toEqual(expect.arrayContaining(['A1:F1', 'A13:A16', 'A17:A20', 'A5:A7']));
      expect(merges.some((m) => m.startsWith('A21'))).toBe(false); // a group of one is not merged
      // a font that renders Chinese, borders, wrapping, A4
      expect(ws.getCell('C13').font.name).toBe('宋体');
      expect(ws.getCell('C13').border.left?.style).toBe('thin');
      expect(ws.getCell('B11').alignment.wrapText).toBe(true);
      expect(ws.pageSetup.paperSize).toBe(9);
      expect(ws.getColumn(3).width).toBeGreaterThan(10);
    });

    it('leaves blank plan cells blank (table 1 plans nothing by March)', async () => {
      const ws = (await workbookOf(await download(`/targets/${T1}/xlsx`, admin).expect(200)))
        .worksheets[0];
      expect(ws.getCell('B9').value).toBeNull();
      expect([ws.getCell('C9').value, ws.getCell('D9').value, ws.getCell('E9').value]).toEqual([
        1, 1, 1,
      ]);
      expect(ws.getCell('C5').value).toBe(0.4);
    });

    it('merges a 二级指标 over its rows within one 一级指标', async () => {
      const body = targetBody({
        projectCode: 'P2022DEMO1',
        projectName: '测试项目',
        budget: { total: '12345.67', fiscal: '10000.00', other: '2345.67' },
        plan: { M3: 12.5, M6: null, M10: 80, M12: 100 },
        indicators: [
          ['产出指标', '数量指标', '甲'],
          ['产出指标', '数量指标', '乙'],
          ['产出指标', '质量指标', '丙'],
          ['效益指标', '社会效益指标', '丁'],
        ].map(([level1, level2, name]) => ({
          level1,
          level2,
          name,
          description: '',
          target: '≥1',
          basis: '',
        })),
      });
      await request(t.http).post('/targets').set(as(prep1)).send(body).expect(201);
      const ws = (
        await workbookOf(await download('/targets/2022-314001-P2022DEMO1/xlsx', prep1).expect(200))
      ).worksheets[0];
      const merges: string[] = (ws.model as unknown as { merges: string[] }).merges;
      expect(merges).toEqual(expect.arrayContaining(['A13:A15', 'B13:B14']));
      expect(merges.some((m) => m.startsWith('B15') || m.startsWith('A16'))).toBe(false);
      // 12,345.67 元 = 1.234567 万元: six decimals when the amount has them
      expect([ws.getCell('C5').value, ws.getCell('C7').value]).toEqual([1.234567, 0.234567]);
      // 12.5% and a blank June
      expect([ws.getCell('B9').value, ws.getCell('C9').value]).toEqual([0.125, null]);
      expect(ws.getCell('B9').numFmt).toBe('0.00%');
    });

    it('answers 404 out of scope and for an asOf before the target existed', async () => {
      for (const [path, token, query] of [
        [`/targets/${T2}/xlsx`, prep4, {}],
        [`/targets/${T2}/xlsx`, admin, { asOf: '2000-01-01' }],
        ['/targets/2022-314001-NOSUCHCODE/xlsx', admin, {}],
      ] as [string, string, object][]) {
        const res = await request(t.http).get(path).query(query).set(as(token));
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('TARGET_NOT_FOUND');
      }
    });
  });

  describe('GET /units/:code/targets/xlsx', () => {
    it('has a 汇总 sheet and one sheet per target of the unit, named by project code', async () => {
      const head4 = t.token({ sub: 'h4', roles: ['unit_head'], unit: '314004' });
      const res = await download('/units/314004/targets/xlsx', head4, { fiscalYear: 2022 }).expect(
        200,
      );
      expect(res.headers['content-type']).toBe(XLSX);
      expect(utf8FileName(res.headers['content-disposition'])).toBe(
        '项目绩效目标表-314004-2022.xlsx',
      );
      const wb = await workbookOf(res);
      const list = await request(t.http)
        .get('/targets')
        .query({ fiscalYear: 2022, unit: '314004' })
        .set(as(head4))
        .expect(200);
      const codes = list.body.items.map((i: { projectCode: string }) => i.projectCode).sort();
      expect(codes).toHaveLength(5); // the seed's 5 tables of 314004
      expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', ...codes]);

      const summary = wb.getWorksheet('汇总')!;
      expect(summary.getCell('A1').value).toBe('项目绩效目标汇总表（2022年度）');
      expect(summary.getCell('B2').value).toBe('秦皇岛市山海关区特困人口集中供养中心');
      expect(summary.getRow(3).values).toEqual([
        undefined,
        '序号',
        '项目编码',
        '项目名称',
        '预算数（万元）',
        '财政拨款（万元）',
        '其他资金（万元）',
        '状态',
        '工作表',
      ]);
      const lines = [4, 5, 6, 7, 8].map((r) => summary.getRow(r));
      expect(lines.map((r) => r.getCell(2).value)).toEqual(codes);
      expect(lines.every((r) => r.getCell(7).value === '草稿')).toBe(true);
      // the unit's total of the document: 1,289,000.00 元 = 128.9 万元
      expect(summary.getRow(9).getCell(1).value).toBe('合计');
      expect(summary.getRow(9).getCell(4).value).toBe(128.9);
      // each sheet is that target's table
      const sheet = wb.getWorksheet(codes[0])!;
      expect(sheet.getCell('F4').value).toBe(codes[0]);
      expect(sheet.getCell('F3').value).toBe('314004');
    });

    it('shows the status of each target in the 汇总', async () => {
      const wb = await workbookOf(
        await download('/units/314001/targets/xlsx', admin, { fiscalYear: 2022 }).expect(200),
      );
      // 31 tables of the seed and the test's own target
      expect(wb.worksheets).toHaveLength(1 + 32);
      const summary = wb.getWorksheet('汇总')!;
      const row = [...Array(32).keys()]
        .map((i) => summary.getRow(4 + i))
        .find((r) => r.getCell(2).value === '13030322P00385410001N')!;
      expect(row.getCell(7).value).toBe('已批复');
      expect(row.getCell(4).value).toBe(20.59);
    });

    it('answers 404 for a unit out of scope or a year without targets, 400 for bad input', async () => {
      const dept315 = t.token({ sub: 'd', roles: ['department_reviewer'], department: '315' });
      for (const [code, token, year] of [
        ['314004', prep1, 2022],
        ['314001', dept315, 2022],
        ['314001', admin, 2023],
        ['999999', admin, 2022],
      ] as [string, string, number][]) {
        const res = await request(t.http)
          .get(`/units/${code}/targets/xlsx`)
          .query({ fiscalYear: year })
          .set(as(token));
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('UNIT_NOT_FOUND');
      }
      const dept314 = t.token({ sub: 'd', roles: ['department_reviewer'], department: '314' });
      await download('/units/314001/targets/xlsx', dept314, { fiscalYear: 2022 }).expect(200);
      const noYear = await request(t.http).get('/units/314001/targets/xlsx').set(as(admin));
      expect([noYear.status, noYear.body.error.details.field]).toEqual([400, 'fiscalYear']);
      const badCode = await request(t.http)
        .get('/units/31400/targets/xlsx')
        .query({ fiscalYear: 2022 })
        .set(as(admin));
      expect([badCode.status, badCode.body.error.details.field]).toEqual([400, 'code']);
    });
  });

  describe('GET /targets/:id/execution', () => {
    beforeAll(async () => {
      const march = await pay({ amount: '40000.00', date: '2022-03-15', voucherNo: '记-03-015' });
      await pay({ amount: '50000.00', period: 'P2', voucherNo: '记-Q2' });
      await pay({ amount: '30000.00', date: '2022-08-01', voucherNo: '记-08-001' });
      await pay({ amount: '5000.00', date: '2022-11-20', voucherNo: '记-11-020' });
      // 10,000 of the March payment was entered wrongly: it counts 30,000 from 15 March
      const res = await request(t.http)
        .post(`/targets/${T2}/disbursements/${march.id}/reversals`)
        .set(as(prep1))
        .send({ amount: '10000.00', reason: '凭证金额录入有误' })
        .expect(201);
      last = res.headers['x-event-position'];
    });

    const series = (query: object, token = admin) =>
      request(t.http).get(`/targets/${T2}/execution`).query(query).set(as(token));
    const point = (
      body: { series: { date: string; plannedPct: number; actualPct: number | null }[] },
      date: string,
    ) => body.series.find((p) => p.date === date);

    it('plots planned and actual % worked out by hand from the payments', async () => {
      const { body } = await series({ asOf: '2022-08-15' }, prep1).expect(200);
      expect(body).toMatchObject({
        targetId: T2,
        fiscalYear: 2022,
        asOf: '2022-08-15',
        budget: '205900.00',
        // 30,000 + 50,000 + 30,000; the 20 Nov payment is after asOf
        disbursed: '110000.00',
      });
      expect(point(body, '2022-01-01')).toEqual({
        date: '2022-01-01',
        plannedPct: 0,
        actualPct: 0,
      });
      // 15 Mar: planned 25 × 73/89 = 20.5056; actual 30,000 / 205,900 = 14.5702
      expect(point(body, '2022-03-15')).toEqual({
        date: '2022-03-15',
        plannedPct: 20.51,
        actualPct: 14.57,
      });
      // 1 Apr: planned 25 + 25 × 1/91 = 25.2747; nothing more paid
      expect(point(body, '2022-04-01')).toEqual({
        date: '2022-04-01',
        plannedPct: 25.27,
        actualPct: 14.57,
      });
      // 30 Jun (M6): planned 50; actual 80,000 / 205,900 = 38.8538
      expect(point(body, '2022-06-30')).toEqual({
        date: '2022-06-30',
        plannedPct: 50,
        actualPct: 38.85,
      });
      // 15 Aug (asOf): planned 50 + 33 × 46/123 = 62.3415; actual 110,000 / 205,900 = 53.4240
      expect(point(body, '2022-08-15')).toEqual({
        date: '2022-08-15',
        plannedPct: 62.34,
        actualPct: 53.42,
      });
      // 1 Sep, after asOf: planned 50 + 33 × 63/123 = 66.9024, actual not known
      expect(point(body, '2022-09-01')).toEqual({
        date: '2022-09-01',
        plannedPct: 66.9,
        actualPct: null,
      });
      // 1 and 15 Sep, 1 and 15 Oct, 31 Oct, 1 and 15 Nov, 1 and 15 Dec, 31 Dec
      expect(body.series.filter((p: { date: string }) => p.date > '2022-08-15').length).toBe(10);
      expect(body.series).toHaveLength(28);
      for (const p of body.series) expect(p.actualPct === null).toBe(p.date > '2022-08-15');
      expect(body.series[0].date).toBe('2022-01-01');
      expect(body.series[body.series.length - 1]).toEqual({
        date: '2022-12-31',
        plannedPct: 100,
        actualPct: null,
      });
      expect(body.checkpoints.map((c: { checkpoint: string }) => c.checkpoint)).toEqual([
        'M3',
        'M6',
        'M10',
        'M12',
      ]);
      expect(body.checkpoints[0]).toEqual({
        checkpoint: 'M3',
        date: '2022-03-31',
        plannedPct: 25,
        actualPct: 14.57,
      });
    });

    it('equals GET /monitoring/targets for the same target and asOf', async () => {
      for (const asOf of ['2022-03-31', '2022-08-15', '2022-11-30', '2022-12-31']) {
        const mon = await request(t.http)
          .get('/monitoring/targets')
          .query({ asOf, minPosition: last })
          .set(as(admin))
          .expect(200);
        expect(mon.headers['x-projection-behind']).toBeUndefined();
        const m = mon.body.items.find((i: { targetId: string }) => i.targetId === T2);
        const { body } = await series({ asOf }).expect(200);
        expect([body.budget, body.disbursed]).toEqual([m.budget, m.disbursed]);
        expect(point(body, asOf)).toEqual({
          date: asOf,
          plannedPct: m.plannedPct,
          actualPct: m.actualPct,
        });
        expect(body.checkpoints).toEqual(
          m.checkpoints.map(({ lagPp: _, ...c }: { lagPp: number }) => c),
        );
      }
    });

    it('defaults asOf to today in Asia/Shanghai; a past year is then wholly known', async () => {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
        new Date(),
      );
      const { body } = await series({}).expect(200);
      expect(body.asOf).toBe(today);
      expect(body.disbursed).toBe('115000.00');
      expect(body.series.every((p: { actualPct: number | null }) => p.actualPct !== null)).toBe(
        true,
      );
      expect(point(body, '2022-12-31')?.actualPct).toBe(55.85); // 115,000 / 205,900 = 55.8524
    });

    it('answers 409 for a target not approved, 404 out of scope, 400 for a bad asOf', async () => {
      const draft = await request(t.http).get(`/targets/${T1}/execution`).set(as(admin));
      expect(draft.status).toBe(409);
      expect(draft.body.error).toMatchObject({
        code: 'TARGET_NOT_APPROVED',
        details: { status: 'draft' },
      });
      const out = await series({ asOf: '2022-06-30' }, prep4);
      expect([out.status, out.body.error.code]).toEqual([404, 'TARGET_NOT_FOUND']);
      for (const asOf of ['2022-02-30', '30/06/2022', '2022-06-30T00:00:00Z']) {
        const bad = await series({ asOf });
        expect([bad.status, bad.body.error.details.field]).toEqual([400, 'asOf']);
      }
    });
  });
});
