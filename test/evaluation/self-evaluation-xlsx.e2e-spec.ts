import ExcelJS from 'exceljs';
import { writeFileSync } from 'fs';
import request from 'supertest';
import { asBuffer } from '../support/download';
import { createTestApp, TestApp } from '../support/app-factory';
import { approve, importSeed } from '../support/workflow';

// seed table 1: 汽车保险费, 4,000.00 元 (all 财政资金), nine indicators: 1辆, 是/否, 100%, 是/否
// (产出); four 是/否 (效益); ≥85% (满意度)
const T1 = '2022-314001-13030322P00391410001H';
const yes = { kind: 'yesNo', value: true };
const texts = {
  achievement: '全年为1辆公务用车投保，车辆运行正常',
  conclusion: '项目按计划实施，绩效目标基本实现',
  problems: '满意度调查样本偏少',
  improvements: '扩大满意度调查范围',
};
const body = {
  entries: [
    { index: 0, actual: { kind: 'number', value: 1 } },
    { index: 1, actual: yes },
    { index: 2, actual: { kind: 'number', value: 100 } },
    { index: 3, actual: yes },
    { index: 4, actual: { kind: 'notApplicable', explanation: '车辆年检推迟至次年' } },
    ...[5, 6, 7].map((index) => ({ index, actual: yes })),
    { index: 8, actual: { kind: 'number', value: 80 }, explanation: '部分司机未参评' },
  ],
  ...texts,
};

/** Every merged range of a sheet, as 'A1:J1'. */
function mergedRanges(ws: ExcelJS.Worksheet): string[] {
  const model = ws.model as unknown as { merges: string[] };
  return [...model.merges].sort();
}

/** The values of columns A–J of a row, a merged cell's value in its first column only. */
function rowValues(ws: ExcelJS.Worksheet, r: number): unknown[] {
  const out: unknown[] = [];
  for (let c = 1; c <= 10; c++) {
    const cell = ws.getCell(r, c);
    out.push(cell.isMerged && cell.master.address !== cell.address ? '·' : (cell.value ?? ''));
  }
  return out;
}

describe('the 项目支出绩效自评表 as .xlsx (national template)', () => {
  let t: TestApp;
  let ws: ExcelJS.Worksheet;
  const as = (claims: object) => ({ Authorization: `Bearer ${t.token(claims as never)}` });
  const prep = { sub: 'zhang', name: '张会计', roles: ['preparer'], unit: '314001' };
  const dept = { sub: 'liu', name: '刘科长', roles: ['department_reviewer'], department: '314' };

  beforeAll(async () => {
    t = await createTestApp('self_evaluation_xlsx');
    await importSeed(t);
    await approve(t, T1);
    // an approved adjustment: 5,000.00 of which 1,000.00 其他资金; the 年初预算数 stays 4,000.00
    await request(t.http)
      .post(`/targets/${T1}/adjustments`)
      .set(as(prep))
      .send({
        reason: '增加其他资金',
        budget: { total: '5000.00', fiscal: '4000.00', other: '1000.00' },
      })
      .expect(201);
    await request(t.http)
      .post(`/targets/${T1}/reviews`)
      .set(as(dept))
      .send({ grade: '良' })
      .expect(200);
    await request(t.http)
      .post(`/targets/${T1}/reviews`)
      .set(as({ sub: 'fin1', roles: ['finance_reviewer'] }))
      .send({ grade: '优' })
      .expect(200);
    const pay = (amount: string, source: string, voucherNo: string) =>
      request(t.http)
        .post(`/targets/${T1}/disbursements`)
        .set(as(prep))
        .send({ amount, date: '2022-11-20', voucherNo, source })
        .expect(201);
    const fiscal = await pay('3600.00', 'fiscal', '记-11-020');
    await pay('250.50', 'other', '记-11-021');
    await request(t.http)
      .post(`/targets/${T1}/disbursements/${fiscal.body.id}/reversals`)
      .set(as(prep))
      .send({ amount: '0.01', reason: '多付一分' })
      .expect(201);
  });
  afterAll(() => t.close());

  it('refuses a text that is not a string with a 400 and writes nothing', async () => {
    const before = await t.eventCount();
    const res = await request(t.http)
      .put(`/targets/${T1}/self-evaluation`)
      .set(as(prep))
      .send({ ...body, conclusion: 42 });
    expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const long = await request(t.http)
      .put(`/targets/${T1}/self-evaluation`)
      .set(as(prep))
      .send({ ...body, problems: '问'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(await t.eventCount()).toBe(before);
  });

  it('files the texts with the self-evaluation and downloads the sheet', async () => {
    const filed = await request(t.http)
      .put(`/targets/${T1}/self-evaluation`)
      .set(as(prep))
      .send(body)
      .expect(200);
    expect(filed.body).toMatchObject(texts);
    const res = await asBuffer(
      request(t.http).get(`/targets/${T1}/self-evaluation/xlsx`).set(as(dept)),
    ).expect(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    // the picture in docs/screenshots is made from this download
    if (process.env.SELF_EVALUATION_XLSX)
      writeFileSync(process.env.SELF_EVALUATION_XLSX, res.body as Buffer);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    ws = wb.getWorksheet('绩效自评表')!;
  });

  it('has the heading: title, year, unit of money, project, department and unit', () => {
    expect(ws.getCell('A1').value).toBe('项目支出绩效自评表');
    expect(ws.getCell('A2').value).toBe('（2022年度）');
    expect(ws.getCell('A3').value).toBe('单位：元');
    expect(rowValues(ws, 4)).toEqual([
      '项目名称',
      '·',
      '汽车保险费',
      '·',
      '·',
      '·',
      '项目编码',
      '13030322P00391410001H',
      '·',
      '·',
    ]);
    expect([ws.getCell('A5').value, ws.getCell('C5').value]).toEqual(['主管部门', '314 民政部门']);
    expect([ws.getCell('A6').value, ws.getCell('C6').value]).toEqual([
      '实施单位',
      '314001 民政部门秦皇岛市山海关区民政局本级',
    ]);
  });

  it('has the funds per fund: 年初预算数, 调整后预算数, net 预算执行数 to the fen, 执行率, 分值, 得分', () => {
    expect(rowValues(ws, 7)).toEqual([
      '项目资金',
      '·',
      '年初预算数',
      '调整后预算数',
      '·',
      '预算执行数',
      '·',
      '执行率',
      '分值',
      '得分',
    ]);
    // net 3,599.99 + 250.50 = 3,850.49 of 5,000.00: 77.0098 % → 7.70 of 10
    const money = (r: number) => [3, 4, 6].map((c) => ws.getCell(r, c));
    expect(rowValues(ws, 8)).toEqual([
      '年度资金总额',
      '·',
      4000,
      5000,
      '·',
      3850.49,
      '·',
      '77.01%',
      10,
      7.7,
    ]);
    // 3,599.99 of 4,000.00 is 89.99975 %: half up to 90.00 %
    expect(rowValues(ws, 9)).toEqual([
      '其中：财政资金',
      '·',
      4000,
      4000,
      '·',
      3599.99,
      '·',
      '90.00%',
      '—',
      '—',
    ]);
    expect(rowValues(ws, 10)).toEqual([
      '其他资金',
      '·',
      0,
      1000,
      '·',
      250.5,
      '·',
      '25.05%',
      '—',
      '—',
    ]);
    for (const r of [8, 9, 10])
      expect(money(r).map((c) => c.numFmt)).toEqual(Array(3).fill('#,##0.00'));
    expect(ws.getCell('I8').numFmt).toBe('0.00');
  });

  it('has the year goals beside the account of what was achieved', () => {
    expect([ws.getCell('A11').value, ws.getCell('C11').value, ws.getCell('G11').value]).toEqual([
      '年度总体目标',
      '预期目标',
      '实际完成情况',
    ]);
    expect(ws.getCell('C12').value).toBe('1.保障车辆工作\n2.提高工作效率');
    expect(ws.getCell('G12').value).toBe(texts.achievement);
  });

  it('has each indicator with 指标性质, 指标值, 度量单位, 完成值, 分值, 得分 and 未完成原因分析', () => {
    expect(rowValues(ws, 13)).toEqual([
      '一级指标',
      '二级指标',
      '三级指标',
      '指标性质',
      '指标值',
      '度量单位',
      '完成值',
      '分值',
      '得分',
      '未完成原因分析',
    ]);
    const rows = Array.from({ length: 9 }, (_, k) => rowValues(ws, 14 + k));
    // 产出 50 over four, 效益 30 over four (one does not apply: out of the total), 满意度 10
    expect(rows).toEqual([
      ['产出指标', '数量指标', '投保车辆数量', '=', 1, '辆', 1, 12.5, 12.5, ''],
      ['·', '质量指标', '车辆运行状况', '', '是/否', '', '是', 12.5, 12.5, ''],
      ['·', '时效指标', '车辆到期续保及时率', '=', 100, '%', 100, 12.5, 12.5, ''],
      ['·', '成本指标', '是否超出年度预算', '', '是/否', '', '是', 12.5, 12.5, ''],
      [
        '效益指标',
        '可持续影响指标',
        '年度使用情况',
        '',
        '是/否',
        '',
        '不适用',
        '—',
        '—',
        '车辆年检推迟至次年',
      ],
      ['·', '经济效益指标', '提高工作效率', '', '是/否', '', '是', 7.5, 7.5, ''],
      ['·', '社会效益指标', '业务保障能力', '', '是/否', '', '是', 7.5, 7.5, ''],
      ['·', '生态效益指标', '节能减排', '', '是/否', '', '是', 7.5, 7.5, ''],
      [
        '满意度指标',
        '服务对象满意度指标',
        '使用部门满意度',
        '≥',
        85,
        '%',
        80,
        10,
        9.41,
        '部分司机未参评',
      ],
    ]);
    expect(ws.pageSetup.printTitlesRow).toBe('13:13');
  });

  it('ends with 总分, 评价等级, 评价结论, 存在问题 and 改进措施', () => {
    // (7.70098 + 50 + 22.5 + 9.41176) of the 92.5 points that apply, rescaled to 100 → 96.88
    expect(rowValues(ws, 23)).toEqual(['总分', '·', '·', '·', '·', '·', '·', 100, 96.88, '']);
    const label = (r: number) => [ws.getCell(r, 1).value, ws.getCell(r, 3).value];
    expect([24, 25, 26, 27].map(label)).toEqual([
      ['评价等级', '优'],
      ['评价结论', texts.conclusion],
      ['存在问题', texts.problems],
      ['改进措施', texts.improvements],
    ]);
    const footer = String(ws.getCell('A28').value).split('　');
    expect(footer).toEqual([
      '填报人：张会计',
      expect.stringMatching(/^填报日期：\d{4}-\d{2}-\d{2}$/),
      '审核状态：待审核',
    ]);
  });

  it('merges cells like the paper form and prints on A4 portrait, one page wide', () => {
    expect(mergedRanges(ws)).toEqual(
      [
        'A1:J1',
        'A2:J2',
        'A3:J3',
        'A4:B4',
        'C4:F4',
        'H4:J4',
        'A5:B5',
        'C5:J5',
        'A6:B6',
        'C6:J6',
        ...[7, 8, 9, 10].flatMap((r) => [`A${r}:B${r}`, `D${r}:E${r}`, `F${r}:G${r}`]),
        'A11:B12',
        'C11:F11',
        'G11:J11',
        'C12:F12',
        'G12:J12',
        'A14:A17',
        'A18:A21',
        'A23:G23',
        ...[24, 25, 26, 27].map((r) => `C${r}:J${r}`),
        ...[24, 25, 26, 27].map((r) => `A${r}:B${r}`),
        'A28:J28',
      ].sort(),
    );
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printArea: 'A1:J28',
    });
    expect(ws.getCell('C15').border).toMatchObject({ top: { style: 'thin' } });
    expect(ws.getCell('J22').alignment).toMatchObject({ wrapText: true });
  });
});
