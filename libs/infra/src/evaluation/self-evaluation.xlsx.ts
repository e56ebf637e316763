import ExcelJS from 'exceljs';
import { Fen, formatYuan, parseIndicatorTarget } from '@bp/domain';
import { FundFigures, SelfEvaluationSheet } from './self-evaluation.handlers';
import { MonitoringTableView } from './monitoring-rounds.handlers';
import { todayInShanghai } from '../monitoring/business-date';
import { linesOf as linesIn, spanWidth as widthOf, TextMeasure } from '../shared/xlsx-text';

type SheetIndicator = SelfEvaluationSheet['view']['indicators'][number];

const ACTUAL: Record<string, (a: Record<string, unknown>) => ExcelJS.CellValue> = {
  met: () => '已完成',
  number: (a) => a.value as number,
  yesNo: (a) => (a.value ? '是' : '否'),
  band: (a) => `${a.band}（${a.share}%）`,
  notApplicable: () => '不适用',
};
const REVIEW_STATUS = { filed: '待审核', accepted: '已通过', returned: '退回修改' } as const;

const FONT = '宋体';
const COLUMNS = 10;
/**
 * Widths of A–J in characters: 一级 / 二级 / 三级指标 / 指标性质 / 指标值 / 度量单位 / 完成值 /
 * 分值 / 得分 / 未完成原因分析. The funds block lays its seven columns over the same grid.
 */
const WIDTHS = [11, 14, 18, 9, 10, 9, 10, 8, 8, 15];
const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const MONEY = '#,##0.00';
const SCORE = '0.00';
/** Points of a line of text at 11 pt, and the least height of a row. */
const LINE = 14.5;
const MIN_HEIGHT = 20;

/**
 * A Chinese character at 11 pt takes about 1.7 units as LibreOffice prints it (9 in a 14-unit
 * column wrap after 7–8): 1.8 keeps a little spare.
 */
const MEASURE: TextMeasure = { wide: 1.8, padding: 0.5 };
const linesOf = (text: string, width: number) => linesIn(text, width, MEASURE);
const spanWidth = (from: number, to: number) => widthOf(WIDTHS, from, to);

/** A cell of a row: its first and last column, its value, and how it is shown. */
interface Put {
  readonly from: number;
  readonly to?: number;
  readonly value: ExcelJS.CellValue;
  readonly label?: boolean;
  readonly align?: 'left' | 'center' | 'right';
  readonly numFmt?: string;
  /** A label merged down over several rows: it does not set this row's height. */
  readonly spansRows?: boolean;
}

/** Writes the sheet row by row; every cell of a bordered row gets the frame and the font. */
class FormWriter {
  row = 0;
  constructor(readonly ws: ExcelJS.Worksheet) {}

  /** Writes the next row: its cells, merged across their span, and a height that fits them. */
  line(cells: readonly Put[], framed = true): number {
    const r = ++this.row;
    for (const c of cells) {
      const to = c.to ?? c.from;
      if (to > c.from) this.ws.mergeCells(r, c.from, r, to);
      const cell = this.ws.getCell(r, c.from);
      if (c.value !== null && c.value !== undefined && c.value !== '') cell.value = c.value;
      if (c.numFmt) cell.numFmt = c.numFmt;
      cell.font = { name: FONT, size: 11, bold: c.label === true };
      const horizontal = c.align ?? (c.label || typeof c.value === 'number' ? 'center' : 'left');
      cell.alignment = { vertical: 'middle', horizontal, wrapText: true };
    }
    if (framed) this.frame(r);
    const lines = cells
      .filter((c) => !c.spansRows)
      .map((c) => linesOf(String(c.value ?? ''), spanWidth(c.from, c.to ?? c.from)));
    this.ws.getRow(r).height = Math.max(MIN_HEIGHT, LINE * Math.max(1, ...lines) + 5);
    return r;
  }

  private frame(r: number) {
    for (let c = 1; c <= COLUMNS; c++) {
      const cell = this.ws.getCell(r, c);
      cell.border = BORDER;
      if (!cell.font?.name) cell.font = { name: FONT, size: 11 };
    }
  }

  /** Merges a column over rows `from`–`to` (a label standing beside several rows). */
  mergeDown(col: number, from: number, to: number) {
    if (to > from) this.ws.mergeCells(from, col, to, col);
  }
}

function setUpPage(ws: ExcelJS.Worksheet) {
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.pageSetup = {
    paperSize: 9, // A4
    orientation: 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
  ws.headerFooter = { oddFooter: '&C第 &P 页，共 &N 页' };
}

/** 主管部门: the department code, with its name where the unit's name begins with it (民政部门…). */
function departmentOf(unitCode: string, unitName: string): string {
  const name = /^(\S+?部门)/.exec(unitName)?.[1];
  return name ? `${unitCode.slice(0, 3)} ${name}` : unitCode.slice(0, 3);
}

/** Title, year, unit line, 项目名称 / 主管部门 / 实施单位. */
function writeHeading(w: FormWriter, s: SelfEvaluationSheet) {
  const title = w.line([{ from: 1, to: COLUMNS, value: '项目支出绩效自评表', label: true }], false);
  w.ws.getCell(title, 1).font = { name: FONT, size: 18, bold: true };
  w.ws.getRow(title).height = 34;
  w.line([{ from: 1, to: COLUMNS, value: `（${s.fiscalYear}年度）`, align: 'center' }], false);
  w.line([{ from: 1, to: COLUMNS, value: '单位：元', align: 'right' }], false);
  w.line([
    { from: 1, to: 2, value: '项目名称', label: true },
    { from: 3, to: 6, value: s.view.projectName },
    { from: 7, value: '项目编码', label: true },
    { from: 8, to: COLUMNS, value: s.view.targetId.split('-').slice(2).join('-') },
  ]);
  w.line([
    { from: 1, to: 2, value: '主管部门', label: true },
    { from: 3, to: COLUMNS, value: departmentOf(s.unitCode, s.unitName) },
  ]);
  w.line([
    { from: 1, to: 2, value: '实施单位', label: true },
    { from: 3, to: COLUMNS, value: `${s.unitCode} ${s.unitName}` },
  ]);
}

/** 执行率 to two decimals, exact from fen (half up); a fund without budget has none. */
export function executionRateText(executed: Fen, budget: Fen): string {
  if (budget <= 0n) return '—';
  const basisPoints = (executed * 20000n + budget) / (2n * budget);
  return `${basisPoints / 100n}.${(basisPoints % 100n).toString().padStart(2, '0')}%`;
}

/** 元 as a number cell: the decimal text of the fen, so the two decimals shown are exact. */
const yuan = (fen: Fen) => Number(formatYuan(fen));

/** The funds block: 年度资金总额, 其中：财政资金, 其他资金 by 年初 / 调整后 / 执行数, rate, points. */
function writeFunds(w: FormWriter, s: SelfEvaluationSheet) {
  const head = ['年初预算数', '调整后预算数', '预算执行数', '执行率', '分值', '得分'];
  const spans: [number, number][] = [
    [3, 3],
    [4, 5],
    [6, 7],
    [8, 8],
    [9, 9],
    [10, 10],
  ];
  w.line([
    { from: 1, to: 2, value: '项目资金', label: true },
    ...head.map((value, i) => ({ from: spans[i][0], to: spans[i][1], value, label: true })),
  ]);
  const rows: [string, FundFigures, boolean][] = [
    ['年度资金总额', s.funds.total, true],
    ['其中：财政资金', s.funds.fiscal, false],
    ['其他资金', s.funds.other, false],
  ];
  for (const [label, f, scored] of rows) {
    const values: ExcelJS.CellValue[] = [
      yuan(f.initial),
      yuan(f.adjusted),
      yuan(f.executed),
      executionRateText(f.executed, f.adjusted),
      // the execution rate is scored on the whole budget only, as the national form does
      scored ? s.view.executionPoints : '—',
      scored ? s.view.executionScore : '—',
    ];
    w.line([
      { from: 1, to: 2, value: label, label: true, align: scored ? 'center' : 'left' },
      ...values.map((value, i) => ({
        from: spans[i][0],
        to: spans[i][1],
        value,
        align: (i < 3 ? 'right' : 'center') as Put['align'],
        numFmt: i < 3 ? MONEY : i > 3 && scored ? SCORE : undefined,
      })),
    ]);
  }
}

/** 年度总体目标: 预期目标 (the approved goals) beside 实际完成情况 (the unit's account). */
function writeGoals(w: FormWriter, s: SelfEvaluationSheet) {
  const top = w.line([
    { from: 1, to: 2, value: '年度总体目标', label: true },
    { from: 3, to: 6, value: '预期目标', label: true },
    { from: 7, to: COLUMNS, value: '实际完成情况', label: true },
  ]);
  w.line([
    { from: 3, to: 6, value: s.goals },
    { from: 7, to: COLUMNS, value: s.view.achievement ?? '' },
  ]);
  // the label stands beside both rows
  w.ws.unMergeCells(top, 1, top, 2);
  w.ws.mergeCells(top, 1, top + 1, 2);
}

/** 指标性质, 指标值 and 度量单位 of a target value; a qualitative one is its text alone. */
export function targetColumns(raw: string): [string, ExcelJS.CellValue, string] {
  const t = parseIndicatorTarget(raw);
  if (t.kind === 'quantitative') return [t.operator, t.value, t.unit];
  return ['', raw, ''];
}

/** The cells of one indicator row; `merged` says whether its 一级 / 二级 label spans several rows. */
function indicatorCells(i: SheetIndicator, merged: [boolean, boolean]): Put[] {
  const [operator, value, unit] = targetColumns(i.target);
  const dropped = !i.applicable;
  const cells: [ExcelJS.CellValue, string?][] = [
    [i.level1],
    [i.level2],
    [i.name],
    [operator],
    [value],
    [unit],
    [ACTUAL[i.actual.kind](i.actual as unknown as Record<string, unknown>)],
    // an indicator that does not apply is out of the total (rescaled to 100): no points
    [dropped ? '—' : i.points, dropped ? undefined : SCORE],
    [dropped ? '—' : i.score, dropped ? undefined : SCORE],
    [i.explanation ?? ''],
  ];
  return cells.map(([v, numFmt], k) => ({
    from: k + 1,
    value: v,
    numFmt,
    align: k === 2 || k === 9 ? 'left' : 'center',
    spansRows: k < 2 && merged[k],
  }));
}

/** For each key, whether a neighbour has the same: its cell is merged with theirs. */
const inRuns = (keys: string[]) => keys.map((k, i) => keys[i - 1] === k || keys[i + 1] === k);

/** Merges runs of equal keys in a column (level 1, or level 2 within its level 1). */
function mergeRuns(w: FormWriter, col: number, first: number, keys: string[]) {
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    if (i < keys.length && keys[i] === keys[start]) continue;
    w.mergeDown(col, first + start, first + i - 1);
    start = i;
  }
}

/** The indicator block: a header row (repeated on every printed page), one row per 三级指标. */
function writeIndicators(w: FormWriter, s: SelfEvaluationSheet) {
  const head = ['一级指标', '二级指标', '三级指标', '指标性质', '指标值', '度量单位'];
  const header = w.line(
    [...head, '完成值', '分值', '得分', '未完成原因分析'].map((value, k) => ({
      from: k + 1,
      value,
      label: true,
    })),
  );
  w.ws.pageSetup.printTitlesRow = `${header}:${header}`;
  const list = s.view.indicators;
  const level1 = list.map((i) => i.level1);
  const level2 = list.map((i) => `${i.level1}\u0000${i.level2}`);
  const [run1, run2] = [inRuns(level1), inRuns(level2)];
  list.forEach((i, k) => w.line(indicatorCells(i, [run1[k], run2[k]])));
  mergeRuns(w, 1, header + 1, level1);
  mergeRuns(w, 2, header + 1, level2);
}

/** 总分, 评价等级, then the texts: 评价结论, 存在问题, 改进措施. */
function writeConclusion(w: FormWriter, s: SelfEvaluationSheet) {
  const v = s.view;
  w.line([
    { from: 1, to: 7, value: '总分', label: true },
    { from: 8, value: 100, numFmt: SCORE },
    { from: 9, value: v.total, numFmt: SCORE },
    { from: 10, value: null },
  ]);
  const texts: [string, string | null][] = [
    ['评价等级', v.grade],
    ['评价结论', v.conclusion],
    ['存在问题', v.problems],
    ['改进措施', v.improvements],
  ];
  for (const [label, text] of texts)
    w.line([
      { from: 1, to: 2, value: label, label: true },
      { from: 3, to: COLUMNS, value: text ?? '' },
    ]);
}

/** Below the table: who filed it when, and where its review stands. */
function writeFooter(w: FormWriter, s: SelfEvaluationSheet) {
  const v = s.view;
  const filedOn = todayInShanghai({ now: () => new Date(v.filedAt) });
  const review = v.reviewedBy ? `（${v.reviewedBy.name}）` : '';
  const parts = [
    `填报人：${v.filedBy.name}`,
    `填报日期：${filedOn}`,
    `审核状态：${REVIEW_STATUS[v.status]}${review}`,
    ...(v.opinion ? [`审核意见：${v.opinion}`] : []),
  ];
  // parted by an ideographic space, as a typed form is
  w.line([{ from: 1, to: COLUMNS, value: parts.join('　') }], false);
}

/** The 项目支出绩效自评表 of one target (the national template) as an .xlsx workbook. */
export async function selfEvaluationWorkbook(s: SelfEvaluationSheet): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('绩效自评表', { views: [{ showGridLines: false }] });
  setUpPage(ws);
  const w = new FormWriter(ws);
  writeHeading(w, s);
  writeFunds(w, s);
  writeGoals(w, s);
  writeIndicators(w, s);
  writeConclusion(w, s);
  writeFooter(w, s);
  ws.pageSetup.printArea = `A1:J${w.row}`;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const MONITORING_COLUMNS = [
  '一级指标',
  '二级指标',
  '三级指标',
  '指标值',
  '完成值',
  '全年预计完成情况',
  '完成目标可能性',
  '偏差原因',
  '纠偏措施',
];

/** A cell of the 执行监控表: blank for nothing, 是/否 for a yes-no answer. */
const monitoringText = (x: unknown) =>
  x === null || x === undefined ? '' : x === true ? '是' : x === false ? '否' : String(x);

/** The title (A1:I1) and the money line of the 执行监控表. */
function monitoringHeading(ws: ExcelJS.Worksheet, v: MonitoringTableView): void {
  ws.addRow([
    `${v.projectName}（${v.targetId}）绩效目标执行监控表（${v.round.name}，截至${v.round.asOf}）`,
  ]);
  ws.mergeCells('A1:I1');
  ws.addRow([
    '预算数（元）',
    v.budget,
    '执行数（元）',
    v.disbursed,
    '预算执行率（%）',
    v.executionRatePct,
    '全年预计支出（元）',
    v.expectedFullYear,
  ]);
}

/** The 执行监控表 of one target in a round as an .xlsx workbook. */
export async function monitoringTableWorkbook(v: MonitoringTableView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('执行监控表');
  monitoringHeading(ws, v);
  ws.addRow(MONITORING_COLUMNS);
  for (const i of v.indicators) {
    const causes = [...i.causes, ...(i.causeText ? [i.causeText] : [])].join('；');
    ws.addRow([
      i.level1,
      i.level2,
      i.name,
      i.target,
      monitoringText(i.completed),
      monitoringText(i.expected),
      monitoringText(i.likelihood),
      causes,
      monitoringText(i.correction),
    ]);
  }
  ws.columns.forEach((c) => (c.width = 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
