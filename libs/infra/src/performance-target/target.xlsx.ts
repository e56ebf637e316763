import ExcelJS from 'exceljs';
import { CHECKPOINTS, formatWan, parseYuan, TargetStatus, TargetView } from '@bp/domain';
import { linesOf as linesIn, spanWidth as widthOf, TextMeasure } from '../shared/xlsx-text';

/** Chinese labels of the workflow states, as a budget officer reads them. */
export const STATUS_LABEL: Readonly<Record<TargetStatus, string>> = {
  draft: '草稿',
  submitted: '待主管部门审核',
  department_approved: '待财政审核',
  approved: '已批复',
  returned: '退回修改',
  rejected: '不予通过',
  withdrawn: '已作废',
};

const FONT = '宋体';
const COLUMNS = 6;
/** Widths of A–F in characters: 一级 / 二级 / 三级指标 / 指标值 / 指标说明 / 确定依据. */
const WIDTHS = [14, 16, 24, 14, 32, 24];
const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const CHECKPOINT_LABEL = { M3: '3月底', M6: '6月底', M10: '10月底', M12: '12月底' } as const;
/** 万元 with two decimals, more (up to six) only when the amount has them. */
const WAN_FORMAT = '0.00####';

/** A budget figure of the API (元) as the table's 万元, exact to the fen. */
const wan = (yuan: string) => Number(formatWan(parseYuan(yuan, 'budget')));

/** In Excel character units a Chinese character takes about two. */
const MEASURE: TextMeasure = { wide: 2, padding: 1 };
const linesOf = (text: string, width: number) => linesIn(text, width, MEASURE);
const spanWidth = (from: number, to: number) => widthOf(WIDTHS, from, to);

class SheetWriter {
  constructor(readonly ws: ExcelJS.Worksheet) {}

  /** Writes `value` at (row, from) and merges it across to `to`; wraps and borders it. */
  put(row: number, from: number, to: number, value: ExcelJS.CellValue, bold = false) {
    if (to > from) this.ws.mergeCells(row, from, row, to);
    const cell = this.ws.getCell(row, from);
    if (value !== null && value !== undefined && value !== '') cell.value = value;
    cell.font = { name: FONT, size: 11, bold };
    cell.alignment = { vertical: 'middle', horizontal: bold ? 'center' : 'left', wrapText: true };
    return cell;
  }

  /** Row height to fit the wrapped texts of the row (15 points a line). */
  fit(row: number, texts: [string, number][]) {
    const lines = Math.max(1, ...texts.map(([t, w]) => linesOf(t, w)));
    this.ws.getRow(row).height = Math.max(20, 15 * lines + 4);
  }

  /** Thin borders and the font on every cell of rows `from`–`to` (merged cells included). */
  frame(from: number, to: number) {
    for (let r = from; r <= to; r++) {
      for (let c = 1; c <= COLUMNS; c++) {
        const cell = this.ws.getCell(r, c);
        cell.border = BORDER;
        if (!cell.font?.name) cell.font = { name: FONT, size: 11 };
      }
    }
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
}

/** Title, unit and project: rows 1–4. */
function writeIdentity(w: SheetWriter, v: TargetView): void {
  const title = w.put(1, 1, COLUMNS, `项目绩效目标表（${v.fiscalYear}年度）`, true);
  title.font = { name: FONT, size: 16, bold: true };
  w.ws.getRow(1).height = 32;
  w.put(2, 1, COLUMNS, '单位：万元').alignment = { horizontal: 'right', vertical: 'middle' };
  w.put(3, 1, 1, '单位名称', true);
  w.put(3, 2, 4, v.unitName);
  w.put(3, 5, 5, '单位编码', true);
  w.put(3, 6, 6, v.unitCode);
  w.fit(3, [[v.unitName, spanWidth(2, 4)]]);
  w.put(4, 1, 1, '项目名称', true);
  w.put(4, 2, 4, v.projectName);
  w.put(4, 5, 5, '项目编码', true);
  w.put(4, 6, 6, v.projectCode);
  w.fit(4, [
    [v.projectName, spanWidth(2, 4)],
    [v.projectCode, WIDTHS[5]],
  ]);
}

/** The budget in 万元: rows 5–7. */
function writeBudget(w: SheetWriter, v: TargetView): void {
  w.ws.mergeCells(5, 1, 7, 1);
  w.put(5, 1, 1, '预算资金（万元）', true);
  const budget: [string, string][] = [
    ['总额', v.budget.total],
    ['财政拨款', v.budget.fiscal],
    ['其他资金', v.budget.other],
  ];
  budget.forEach(([label, yuan], i) => {
    w.put(5 + i, 2, 2, label, true);
    w.put(5 + i, 3, COLUMNS, wan(yuan)).numFmt = WAN_FORMAT;
  });
}

/** The spending plan by checkpoint, in percent: rows 8–9. */
function writePlan(w: SheetWriter, v: TargetView): void {
  w.ws.mergeCells(8, 1, 9, 1);
  w.put(8, 1, 1, '项目资金支出计划（%）', true);
  w.fit(8, [['项目资金支出计划（%）', WIDTHS[0]]]);
  CHECKPOINTS.forEach((cp, i) => {
    const to = cp === 'M12' ? COLUMNS : 2 + i;
    w.put(8, 2 + i, to, CHECKPOINT_LABEL[cp], true);
    const pct = v.plan[cp];
    // a blank cell of the plan stays blank: "nothing new planned in that period"
    const cell = w.put(9, 2 + i, to, pct === null ? null : pct / 100);
    if (pct !== null) cell.numFmt = Number.isInteger(pct) ? '0%' : '0.00%';
    cell.alignment = { horizontal: 'center', vertical: 'middle' };
  });
}

/** Title, unit, project, budget, plan, purpose and goals: rows 1–11. Answers the next row. */
function writeHeader(w: SheetWriter, v: TargetView): number {
  writeIdentity(w, v);
  writeBudget(w, v);
  writePlan(w, v);
  w.put(10, 1, 1, '资金用途', true);
  w.put(10, 2, COLUMNS, v.purpose);
  w.fit(10, [[v.purpose, spanWidth(2, COLUMNS)]]);
  w.put(11, 1, 1, '年度绩效目标', true);
  w.put(11, 2, COLUMNS, v.goals);
  w.fit(11, [[v.goals, spanWidth(2, COLUMNS)]]);
  return 12;
}

/** Merges runs of equal cells in a column (level 1, or level 2 within its level 1). */
function mergeRuns(w: SheetWriter, col: number, first: number, keys: string[]) {
  let start = 0;
  for (let i = 1; i <= keys.length; i++) {
    if (i < keys.length && keys[i] === keys[start]) continue;
    if (i - 1 > start) w.ws.mergeCells(first + start, col, first + i - 1, col);
    start = i;
  }
}

/** The indicator table: header, one row per 三级指标, 一级/二级 merged over their rows. */
function writeIndicators(w: SheetWriter, v: TargetView, top: number): number {
  const header = ['一级指标', '二级指标', '三级指标', '指标值', '指标说明', '指标值确定依据'];
  header.forEach((h, i) => w.put(top, i + 1, i + 1, h, true));
  const first = top + 1;
  v.indicators.forEach((ind, k) => {
    const row = first + k;
    const cells = [ind.level1, ind.level2, ind.name, ind.target, ind.description, ind.basis];
    cells.forEach((text, i) => w.put(row, i + 1, i + 1, text));
    w.ws.getCell(row, 4).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    w.fit(
      row,
      cells.map((t, i) => [t, WIDTHS[i]]),
    );
  });
  mergeRuns(
    w,
    1,
    first,
    v.indicators.map((i) => i.level1),
  );
  mergeRuns(
    w,
    2,
    first,
    v.indicators.map((i) => `${i.level1}\u0000${i.level2}`),
  );
  for (let r = first; r < first + v.indicators.length; r++) {
    for (const c of [1, 2])
      w.ws.getCell(r, c).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  }
  return first + v.indicators.length - 1;
}

/** One 绩效目标表 as a worksheet of `wb`. */
export function addTargetSheet(wb: ExcelJS.Workbook, v: TargetView, name: string): void {
  const ws = wb.addWorksheet(name, { views: [{ showGridLines: false }] });
  setUpPage(ws);
  const w = new SheetWriter(ws);
  const top = writeHeader(w, v);
  const last = writeIndicators(w, v, top);
  w.frame(3, Math.max(last, top));
  ws.pageSetup.printArea = `A1:F${Math.max(last, top)}`;
}

/** The 项目绩效目标表 of one target as an .xlsx workbook. */
export async function targetWorkbook(v: TargetView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  addTargetSheet(wb, v, sheetName(v.projectCode, new Set()));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A worksheet name Excel accepts (≤ 31 characters, none of []:*?/\), unique in the workbook. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 31 - `~${n}`.length)}~${n}`;
  taken.add(name);
  return name;
}

export interface UnitOfTargets {
  readonly code: string;
  readonly name: string;
  readonly fiscalYear: number;
}

const SUMMARY_HEADER = [
  '序号',
  '项目编码',
  '项目名称',
  '预算数（万元）',
  '财政拨款（万元）',
  '其他资金（万元）',
  '状态',
  '工作表',
];

const SUMMARY_FONT = { name: FONT, size: 11 };

/** The 汇总 sheet's page, title (row 1), unit (row 2) and column header (row 3). */
function summaryHeader(ws: ExcelJS.Worksheet, unit: UnitOfTargets): void {
  [6, 24, 36, 16, 16, 16, 16, 24].forEach((wd, i) => (ws.getColumn(i + 1).width = wd));
  ws.pageSetup = {
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
  };
  ws.mergeCells(1, 1, 1, SUMMARY_HEADER.length);
  const title = ws.getCell(1, 1);
  title.value = `项目绩效目标汇总表（${unit.fiscalYear}年度）`;
  title.font = { ...SUMMARY_FONT, size: 16, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 32;
  ws.getRow(2).values = ['单位名称', unit.name, '', '', '单位编码', unit.code];
  ws.mergeCells(2, 2, 2, 4);
  ws.getRow(3).values = SUMMARY_HEADER;
}

/** One line per target, then the 合计 line; amounts in 万元. */
function summaryLines(
  ws: ExcelJS.Worksheet,
  views: readonly TargetView[],
  names: readonly string[],
): void {
  const total = { total: 0n, fiscal: 0n, other: 0n };
  views.forEach((v, i) => {
    const fen = {
      total: parseYuan(v.budget.total, 'budget.total'),
      fiscal: parseYuan(v.budget.fiscal, 'budget.fiscal'),
      other: parseYuan(v.budget.other, 'budget.other'),
    };
    total.total += fen.total;
    total.fiscal += fen.fiscal;
    total.other += fen.other;
    ws.addRow([
      i + 1,
      v.projectCode,
      v.projectName,
      ...amountsInWan(fen),
      STATUS_LABEL[v.status as TargetStatus] ?? v.status,
      names[i],
    ]);
  });
  ws.addRow(['合计', '', `${views.length} 个项目`, ...amountsInWan(total), '', '']);
}

const amountsInWan = (fen: { total: bigint; fiscal: bigint; other: bigint }) => [
  Number(formatWan(fen.total)),
  Number(formatWan(fen.fiscal)),
  Number(formatWan(fen.other)),
];

/** The 汇总 sheet: one line per target with its budget and status, and the total. */
function addSummarySheet(
  wb: ExcelJS.Workbook,
  unit: UnitOfTargets,
  views: readonly TargetView[],
  names: readonly string[],
) {
  const ws = wb.addWorksheet('汇总', { views: [{ state: 'frozen', ySplit: 3 }] });
  summaryHeader(ws, unit);
  summaryLines(ws, views, names);
  for (let r = 2; r <= ws.rowCount; r++) {
    ws.getRow(r).eachCell({ includeEmpty: true }, (cell, c) => {
      cell.font = { ...SUMMARY_FONT, bold: r === 3 || r === ws.rowCount };
      cell.border = BORDER;
      cell.alignment = { vertical: 'middle', wrapText: true };
      if (c >= 4 && c <= 6 && r > 3) cell.numFmt = WAN_FORMAT;
    });
  }
}

/** Every target of a unit: a 汇总 sheet first, then one 绩效目标表 sheet per target, named by project code. */
export async function unitTargetsWorkbook(
  unit: UnitOfTargets,
  views: readonly TargetView[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const taken = new Set(['汇总']);
  const names = views.map((v) => sheetName(v.projectCode, taken));
  addSummarySheet(wb, unit, views, names);
  views.forEach((v, i) => addTargetSheet(wb, v, names[i]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
