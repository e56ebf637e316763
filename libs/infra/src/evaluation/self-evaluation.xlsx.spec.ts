import ExcelJS from 'exceljs';
import { writeFileSync } from 'fs';
import { fold, Indicator, targetDecider, TargetEvent } from '@bp/domain';
import {
  approvedHistory,
  content,
  created,
  emeta,
  ID,
  meta,
  PREPARER,
} from '../../../domain/src/performance-target/target.testing';
import { RecordedEvent } from '../event-store/event-store';
import { selfEvaluationSheet } from './self-evaluation.handlers';
import { executionRateText, selfEvaluationWorkbook, targetColumns } from './self-evaluation.xlsx';

const indicator = (level1: string, level2: string, name: string, target: string): Indicator => ({
  level1,
  level2,
  name,
  description: '',
  target,
  basis: '',
});
// a longer table than the seed's: two 数量 rows, a qualitative and a ≤ target, long texts
const indicators = [
  indicator('产出指标', '数量指标', '救助人数', '≥120人'),
  indicator('产出指标', '数量指标', '发放次数', '12次'),
  indicator('产出指标', '质量指标', '政策落实情况', '应保尽保'),
  indicator('产出指标', '时效指标', '发放及时率', '100％'),
  indicator('效益指标', '社会效益指标', '投诉率', '≤2%'),
  indicator('满意度指标', '服务对象满意度指标', '救助对象满意度', '≥90%'),
];
const goals = '1.' + '确保困难群众基本生活得到保障，'.repeat(6) + '\n2.提高救助工作规范化水平';

/** Events as the store hands them back: the domain event with a place in the stream. */
const recorded = (events: TargetEvent[]): RecordedEvent[] =>
  events.map((e, k) => ({
    ...e,
    position: BigInt(k + 1),
    transactionId: '1',
    id: `e${k}`,
    streamId: `target-${ID}`,
    streamVersion: k + 1,
    schemaVersion: 1,
    recordedAt: new Date(0),
  }));

function history(unitName: string): TargetEvent[] {
  const data = created.data as Extract<TargetEvent, { type: 'TargetCreated' }>['data'];
  const c = { ...data.content, unitName, goals, indicators };
  const start: TargetEvent[] = [
    { ...created, data: { ...data, content: c } } as TargetEvent,
    ...approvedHistory().slice(1),
  ];
  const filed = targetDecider.decide(
    {
      type: 'FileSelfEvaluation',
      data: {
        targetId: ID,
        entries: [
          { index: 0, actual: { kind: 'number', value: 120 } },
          { index: 1, actual: { kind: 'met' } },
          {
            index: 2,
            actual: { kind: 'band', band: '部分达成', share: 70 },
            explanation: '个别乡镇核查滞后',
          },
          { index: 3, actual: { kind: 'number', value: 100 } },
          { index: 4, actual: { kind: 'number', value: 1.5 } },
          { index: 5, actual: { kind: 'number', value: 95 } },
        ],
        texts: { conclusion: '较好完成年度目标。'.repeat(12) },
      },
      metadata: meta(PREPARER),
    },
    fold(targetDecider, start),
  );
  return [...start, ...filed];
}

async function sheetOf(unitName = content.unitName): Promise<ExcelJS.Worksheet> {
  const events = history(unitName);
  const buffer = await selfEvaluationWorkbook(
    selfEvaluationSheet(fold(targetDecider, events), recorded(events)),
  );
  if (process.env.SELF_EVALUATION_XLSX_LONG)
    writeFileSync(process.env.SELF_EVALUATION_XLSX_LONG, buffer);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as never);
  return wb.getWorksheet('绩效自评表')!;
}

describe('the 项目支出绩效自评表 workbook', () => {
  it('reads 执行率 from fen, half up, and has none for a fund without budget', () => {
    expect(executionRateText(399_999n, 400_000n)).toBe('100.00%');
    expect(executionRateText(399_979n, 400_000n)).toBe('99.99%');
    expect(executionRateText(1n, 3n)).toBe('33.33%');
    expect(executionRateText(2n, 3n)).toBe('66.67%');
    expect(executionRateText(0n, 0n)).toBe('—');
  });

  it('splits a target value into 指标性质, 指标值 and 度量单位; a qualitative one stays whole', () => {
    expect(targetColumns('≥120人')).toEqual(['≥', 120, '人']);
    expect(targetColumns('12次')).toEqual(['=', 12, '次']);
    expect(targetColumns('≤2%')).toEqual(['≤', 2, '%']);
    expect(targetColumns('100％')).toEqual(['=', 100, '%']);
    expect(targetColumns('应保尽保')).toEqual(['', '应保尽保', '']);
    expect(targetColumns('是/否')).toEqual(['', '是/否', '']);
  });

  it('merges runs of 一级 and 二级指标 and shows a band as its name and share', async () => {
    const ws = await sheetOf();
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    expect(merges).toEqual(expect.arrayContaining(['A14:A17', 'B14:B15']));
    expect(merges).not.toContain('A18:A19');
    expect([16, 17, 18].map((r) => ws.getCell(r, 7).value)).toEqual(['部分达成（70%）', 100, 1.5]);
    expect(ws.getCell('J16').value).toBe('个别乡镇核查滞后');
    // the texts that wrap get the rows they need: no spreadsheet sizes merged rows itself
    expect(ws.getRow(12).height).toBeGreaterThan(ws.getRow(11).height!);
    // six indicators on rows 14–19: 总分 20, 评价等级 21, 评价结论 22
    expect(ws.getCell('A22').value).toBe('评价结论');
    expect(ws.getRow(22).height).toBeGreaterThan(ws.getRow(21).height!);
  });

  it('names the department by the start of the unit name, else by its code', async () => {
    expect((await sheetOf()).getCell('C5').value).toBe('314 民政部门');
    expect((await sheetOf('山海关区民政局')).getCell('C5').value).toBe('314');
  });

  it('keeps 年初预算数 of the first approval when an adjustment changed the budget', () => {
    const events = history(content.unitName);
    const adjusted = { total: '500000', fiscal: '400000', other: '100000' };
    const later: TargetEvent[] = [
      ...events,
      {
        type: 'AdjustmentRequested',
        data: { targetId: ID, adjustmentId: 'a1', reason: '追加', changes: { budget: adjusted } },
        metadata: emeta(PREPARER, 'RequestAdjustment'),
      } as TargetEvent,
      {
        type: 'AdjustmentApproved',
        data: { targetId: ID, adjustmentId: 'a1', approvedVersion: 2 },
        metadata: emeta(PREPARER, 'ReviewTarget'),
      },
    ];
    const sheet = selfEvaluationSheet(fold(targetDecider, later), recorded(later));
    expect(sheet.funds.total).toMatchObject({ initial: 400000n, adjusted: 500000n });
    expect(sheet.funds.other).toMatchObject({ initial: 0n, adjusted: 100000n, executed: 0n });
  });
});
