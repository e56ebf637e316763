import { Fen, parseWan } from '../shared/money';
import { CHECKPOINTS, PlanCells } from '../performance-target/spending-plan';
import {
  ImportedText,
  Indicator,
  TargetContent,
  TargetProblem,
} from '../performance-target/target-content';
import { DocumentItem, foldWidth, itemsOfText, normalizeLabel } from './document-items';
import { DepartmentGoals, parseDepartmentGoals } from './department-goals.parse';
import { findUnit, isUnitLabel, unitOfLine } from './document-unit';

/** One project table of the document, read into a target's content. */
export interface ParsedTable {
  /** The table's number in the document (as its title says, else its place). */
  readonly table: number;
  readonly title: string;
  readonly line: number;
  readonly unitCode: string;
  readonly projectCode: string;
  /** The table's content, `imported` holding the budget and plan cells as written. */
  readonly content: TargetContent;
  readonly problems: readonly TargetProblem[];
}

/** A heading or title that names a year (「2022年部门预算绩效目标」, 「（2022年度）」). */
export interface YearMention {
  readonly year: number;
  readonly text: string;
  /** The table whose title or project name it is; null for a heading of the document. */
  readonly table: number | null;
}

export interface ParsedDocument {
  readonly tables: readonly ParsedTable[];
  readonly departmentGoals: DepartmentGoals | null;
  /** Problems of the document: tables that could not be read at all, duplicates. */
  readonly problems: readonly string[];
  /** Years named by the document's headings and its tables' titles and project names. */
  readonly years: readonly YearMention[];
}

const ANCHOR = /^项目(编码|代码)$/;
const TITLE = /^\s*(?:\[bookmark:[^\]]*\])?\s*(\d+)\s*[.．、]\s*(.*?)\s*绩效目标表\s*$/;
const TITLE_LIKE = /绩效目标(申报)?表$|^第[一二三四]部分|^(\[bookmark:[^\]]*\])?项目绩效目标$/;
const YEAR_HEADING = /^\(?\d{4}年度\)?$/;
const AMOUNT_UNIT = /^\(?(金额)?单位:(万元|元)\)?$/;
const YEAR = /(20\d{2})\s*年/;
const PERCENT = /^(\d+(?:\.\d+)?)\s*%?$/;

const BUDGET_LABELS = {
  total: /^(预算数|年度资金总额|资金总额|年度预算数|预算金额|项目资金总额)(\((万元|元)\))?$/,
  fiscal: /^(其中:?)?财政(资金|拨款)(\((万元|元)\))?$/,
  other: /^(其中:?)?(其他|其它)资金(\((万元|元)\))?$/,
};
const PURPOSE_LABEL = /^(项目)?(资金用途|主要用途)$/;
const PLAN_LABEL = /^资金支出计划/;
const CHECKPOINT_LABELS = [
  /^(3|三)月(底|末)$/,
  /^(6|六)月(底|末)$/,
  /^10月(底|末)$/,
  /^12月(底|末)$/,
];
const GOALS_LABEL = /^(绩效目标|年度目标|年度绩效目标|项目绩效目标|总体目标|年度总体目标)$/;
const NOT_GOALS = /^(绩效指标|绩效目标)$/;

type IndicatorField = keyof Indicator;
const INDICATOR_COLUMNS: readonly [IndicatorField, RegExp][] = [
  ['level1', /^一级指标$/],
  ['level2', /^二级指标$/],
  ['name', /^三级指标$/],
  ['description', /^(绩效)?指标(描述|解释|内容)$/],
  ['target', /^(指标值|目标值|指标值\(目标值\)|年度指标值)$/],
  ['basis', /^指标值(确定|设定)依据$|^确定依据$/],
];
const REQUIRED: readonly IndicatorField[] = ['level1', 'level2', 'name', 'target'];

/** A cell of a table's body with its normalized label. */
interface BodyCell {
  readonly text: string;
  readonly label: string;
  readonly row?: number;
  readonly col: number;
  readonly span: number;
  readonly continues?: string;
}

/** Reads one table's cells by their labels; problems are collected, never thrown. */
class TableReader {
  readonly problems: TargetProblem[] = [];

  constructor(readonly cells: readonly BodyCell[]) {}

  indexOf(label: RegExp, from = 0): number {
    for (let i = Math.max(from, 0); i < this.cells.length; i++) {
      if (label.test(this.cells[i].label)) return i;
    }
    return -1;
  }

  /** The value of a label: the next cell of its row, or the cell below when the row is all labels. */
  valueOf(i: number, isLabel: (label: string) => boolean): string | null {
    if (i < 0) return null;
    const c = this.cells[i];
    const next = this.cells[i + 1];
    if (c.row === undefined) return next ? next.text : null;
    if (next && next.row === c.row && !isLabel(next.label)) return next.text;
    const below = this.below(i);
    return below ? below.text : next && next.row === c.row ? next.text : null;
  }

  /** The cell under cell i: the next row's cell covering its first grid column. */
  below(i: number): BodyCell | null {
    const c = this.cells[i];
    const nextRowAt = this.cells.findIndex((d, k) => k > i && d.row !== c.row);
    if (nextRowAt < 0) return null;
    const row = this.cells[nextRowAt].row;
    return this.cells.find((d, k) => k >= nextRowAt && d.row === row && covers(d, c.col)) ?? null;
  }

  between(from: number, to: number): BodyCell[] {
    return from < 0 || to < 0 ? [] : this.cells.slice(from + 1, to);
  }

  problem(field: TargetProblem['field'], message: string): void {
    this.problems.push({ field, message });
  }
}

const covers = (c: BodyCell, col: number) => c.col <= col && col < c.col + c.span;

const isBudgetLabel = (label: string) =>
  Object.values(BUDGET_LABELS).some((re) => re.test(label)) || PURPOSE_LABEL.test(label);

function amount(
  r: TableReader,
  text: string,
  label: string,
  unit: '万元' | '元',
  blankIsZero: boolean,
): Fen {
  const t = foldWidth(text);
  if (t === '' && blankIsZero) return 0n;
  const wan = parseWan(t.replace(/,/g, ''));
  if (wan === null) {
    r.problem('budget', `${label}「${text.trim()}」不是金额`);
    return 0n;
  }
  return unit === '万元' ? wan : wan / 10000n;
}

function readBudget(r: TableReader, unit: '万元' | '元') {
  const value = (re: RegExp) => (r.valueOf(r.indexOf(re), isBudgetLabel) ?? '').trim();
  const raw = {
    total: value(BUDGET_LABELS.total),
    fiscal: value(BUDGET_LABELS.fiscal),
    other: value(BUDGET_LABELS.other),
  };
  const budget = {
    total: amount(r, raw.total, '预算数', unit, false),
    fiscal: amount(r, raw.fiscal, '财政资金', unit, true),
    other: amount(r, raw.other, '其他资金', unit, true),
  };
  return { raw, budget };
}

function readPurpose(r: TableReader): string {
  const labelled = r.indexOf(PURPOSE_LABEL);
  if (labelled >= 0) return (r.valueOf(labelled, isBudgetLabel) ?? '').trim();
  const other = r.indexOf(BUDGET_LABELS.other);
  return r
    .between(other + 1, r.indexOf(PLAN_LABEL))
    .filter((c) => c.text !== '' && c.continues === undefined)
    .map((c) => c.text)
    .join('\n');
}

/** The four plan cells: under their headers when rows are known, else the cells that follow. */
function planCells(r: TableReader): string[] | null {
  const header = r.indexOf(PLAN_LABEL);
  const heads = CHECKPOINT_LABELS.map((re) => r.indexOf(re, header));
  if (header < 0 || heads.some((h) => h < 0)) return null;
  if (r.cells[heads[0]].row !== undefined) {
    return heads.map((h) => r.below(h)?.text ?? '');
  }
  const values = r.between(heads[3], r.indexOf(GOALS_LABEL, heads[3])).map((c) => c.text);
  // the row of values starts with the merged cell under the label, left empty
  return values.length === 5 && values[0] === '' ? values.slice(1) : values;
}

function readPlan(r: TableReader): { raw: string[]; plan: PlanCells } {
  const raw = planCells(r) ?? [];
  if (raw.length !== 4) {
    r.problem(
      'plan',
      `资金支出计划应有四个单元格（3月底、6月底、10月底、12月底），实际读到${raw.length}个`,
    );
  }
  const cells = CHECKPOINTS.map((cp, i) => {
    const text = foldWidth(raw[i] ?? '');
    if (text === '') return null;
    const m = PERCENT.exec(text);
    if (!m) r.problem('plan', `资金支出计划${CHECKPOINT_NAMES[i]}「${text}」不是百分数`);
    return m ? Number(m[1]) : null;
  });
  return {
    raw: CHECKPOINTS.map((_, i) => (raw[i] ?? '').trim()),
    plan: { M3: cells[0], M6: cells[1], M10: cells[2], M12: cells[3] },
  };
}

const CHECKPOINT_NAMES = ['3月底', '6月底', '10月底', '12月底'];

function readGoals(r: TableReader, indicatorsAt: number): string {
  const goalsAt = r.indexOf(GOALS_LABEL, Math.max(r.indexOf(PLAN_LABEL), 0));
  return r
    .between(goalsAt, indicatorsAt < 0 ? r.cells.length : indicatorsAt)
    .filter((c) => c.text !== '' && c.continues === undefined && !NOT_GOALS.test(c.label))
    .map((c) => c.text)
    .join('\n');
}

/** The header of the indicator block: which field each header cell holds. */
function indicatorHeader(r: TableReader, at: number): { field: IndicatorField; cell: BodyCell }[] {
  const header: { field: IndicatorField; cell: BodyCell }[] = [];
  if (at < 0) return header;
  for (let i = at; i < r.cells.length; i++) {
    const column = INDICATOR_COLUMNS.find(([, re]) => re.test(r.cells[i].label));
    if (!column || header.some((h) => h.field === column[0])) break;
    header.push({ field: column[0], cell: r.cells[i] });
  }
  return header;
}

type Header = ReturnType<typeof indicatorHeader>;
type Row = Partial<Record<IndicatorField, string>> & { complete: boolean };

/** Rows of a .docx table: each field from the cell under its header column. */
function rowsByColumn(cells: readonly BodyCell[], header: Header): Row[] {
  const rows = new Map<number, BodyCell[]>();
  for (const c of cells) rows.set(c.row as number, [...(rows.get(c.row as number) ?? []), c]);
  return [...rows.values()]
    .filter((row) => !row.some((c) => INDICATOR_COLUMNS[0][1].test(c.label)))
    .map((row) => {
      const out: Row = { complete: true };
      for (const h of header) {
        const c = row.find((d) => covers(d, h.cell.col));
        if (!c) out.complete = false;
        out[h.field] = c ? (c.continues ?? c.text) : '';
      }
      return out;
    })
    .filter((row) => header.some((h) => (row[h.field] ?? '') !== ''));
}

/** Rows of the text form: the cells in groups of the header's width, repeated headers skipped. */
function rowsInOrder(cells: readonly BodyCell[], header: Header): Row[] {
  const width = header.length;
  const rows: Row[] = [];
  for (let i = 0; i < cells.length;) {
    const group = cells.slice(i, i + width);
    i += width;
    if (group.every((c, k) => c.label === header[k].cell.label)) continue;
    const out: Row = { complete: group.length === width };
    header.forEach((h, k) => (out[h.field] = group[k]?.text ?? ''));
    rows.push(out);
  }
  return rows;
}

function readIndicators(r: TableReader, at: number): Indicator[] {
  const header = indicatorHeader(r, at);
  if (at < 0 || REQUIRED.some((f) => !header.some((h) => h.field === f))) {
    r.problem('indicators', '缺少绩效指标表（一级指标、二级指标、三级指标、指标值……）');
    return [];
  }
  const body = r.cells.slice(at + header.length);
  const rows =
    header[0].cell.row !== undefined
      ? rowsByColumn(
          body.filter((c) => c.row !== undefined),
          header,
        )
      : rowsInOrder(body, header);
  return indicatorsOfRows(r, rows);
}

function indicatorsOfRows(r: TableReader, rows: readonly Row[]): Indicator[] {
  let level1 = '';
  let level2 = '';
  return rows.map((row, n) => {
    const text = (f: IndicatorField) => (row[f] ?? '').trim();
    const name = text('name');
    if (!row.complete) {
      r.problem('indicators', `第${n + 1}个指标不完整：表格在它的单元格写完之前就结束了`);
    }
    const l1 = text('level1');
    if (l1) {
      if (l1 !== level1) level2 = '';
      level1 = l1;
    }
    if (text('level2')) level2 = text('level2');
    if (!level1 || !level2)
      r.problem('indicators', `第${n + 1}个指标（「${name}」）没有可沿用的一级或二级指标`);
    const [description, target, basis] = [text('description'), text('target'), text('basis')];
    return { level1, level2, name, description, target, basis };
  });
}

/** A table of the document: its preface (title, unit line…) and its body (from 项目编码 on). */
interface Region {
  readonly ordinal: number;
  readonly preface: readonly DocumentItem[];
  readonly body: readonly DocumentItem[];
  readonly headerUnit: ReturnType<typeof unitOfLine>;
}

function bodyCells(items: readonly DocumentItem[]): BodyCell[] {
  return items.flatMap((i) =>
    i.kind === 'cell'
      ? [
          {
            text: i.text,
            label: normalizeLabel(i.text),
            row: i.row,
            col: i.col ?? 0,
            span: i.span ?? 1,
            continues: i.continues,
          },
        ]
      : [],
  );
}

function amountUnitOf(items: readonly DocumentItem[]): '万元' | '元' {
  for (const i of items) {
    const label = normalizeLabel(i.text);
    const m = AMOUNT_UNIT.exec(label) ?? /单位:(万元|元)\)?$/.exec(label);
    if (m) return m[m.length - 1] as '万元' | '元';
  }
  for (const i of items) {
    const m = /^(预算数|年度资金总额|项目资金|资金总额)\((万元|元)\)$/.exec(normalizeLabel(i.text));
    if (m) return m[2] as '万元' | '元';
  }
  return '万元';
}

function titleOf(region: Region): { table: number; title: string | null; line: number } {
  const first = region.preface[0] ?? region.body[0];
  for (const i of region.preface) {
    const m = TITLE.exec(i.text);
    if (m) return { table: Number(m[1]), title: m[2], line: i.line };
  }
  return { table: region.ordinal, title: null, line: first.line };
}

/** The target's content from the body of its table, in the order its problems are reported. */
function readContent(r: TableReader, region: Region, unitName: string): TargetContent {
  const amountUnit = amountUnitOf([...region.preface, ...region.body]);
  const projectName = (r.valueOf(r.indexOf(/^项目名称$/), () => false) ?? '').trim();
  if (!projectName) r.problem('projectName', '缺少项目名称');
  const { raw: budgetRaw, budget } = readBudget(r, amountUnit);
  const purpose = readPurpose(r);
  const { raw: planRaw, plan } = readPlan(r);
  const indicatorsAt = r.indexOf(INDICATOR_COLUMNS[0][1], Math.max(r.indexOf(PLAN_LABEL), 0));
  const goals = readGoals(r, indicatorsAt);
  const indicators = readIndicators(r, indicatorsAt);
  const imported: ImportedText = { amountUnit, budget: budgetRaw, plan: planRaw };
  return {
    unitName,
    projectName,
    budget,
    purpose,
    plan,
    goals,
    indicators,
    imported,
  };
}

function readTable(region: Region): ParsedTable | string {
  const { table, title, line } = titleOf(region);
  const r = new TableReader(bodyCells([...region.preface, ...region.body]));
  const where = `第${table}张表（第${line}行）`;
  const projectCode = foldWidth(r.valueOf(r.indexOf(ANCHOR), () => false) ?? '');
  if (!/^[0-9A-Za-z]{1,40}$/.test(projectCode)) {
    return `${where}：项目编码「${projectCode}」缺失或不是项目编码，该表未导入`;
  }
  const unit = findUnit(r.cells, region.preface) ?? region.headerUnit;
  if (!unit) {
    return `${where}：找不到预算单位（六位单位编码和单位名称，应写在表格上方、表内“预算单位”行或页眉中），该表未导入`;
  }
  const content = readContent(r, region, unit.name);
  const projectName = content.projectName;
  return {
    table,
    title: title ?? projectName,
    line,
    unitCode: unit.code,
    projectCode,
    content,
    problems: r.problems,
  };
}

/** Labels that may come before 项目编码: the unit's, and 项目名称 (the print form starts with it). */
const isPrefaceLabel = (label: string) => isUnitLabel(label) || label === '项目名称';

/** Items that may stand between one table's body and the next table's 项目编码. */
function prefaceLike(items: readonly DocumentItem[], i: number): boolean {
  const item = items[i];
  const label = normalizeLabel(item.text);
  if (item.kind === 'paragraph' && item.header) return true;
  if (label === '' || TITLE_LIKE.test(label) || YEAR_HEADING.test(label)) return true;
  if (AMOUNT_UNIT.test(label) || unitOfLine(item.text) !== null || isPrefaceLabel(label))
    return true;
  const before = items[i - 1];
  return (
    before !== undefined && before.kind === 'cell' && isPrefaceLabel(normalizeLabel(before.text))
  );
}

/** Where a table's preface starts: back from its 项目编码 over preface items, blanks left behind. */
function prefaceStart(items: readonly DocumentItem[], anchor: number, floor: number): number {
  let start = anchor;
  for (let i = anchor - 1; i >= floor && prefaceLike(items, i); i--) {
    if (items[i].text.trim() !== '') start = i;
  }
  return start;
}

function regionsOf(items: readonly DocumentItem[]): {
  preamble: DocumentItem[];
  regions: Region[];
} {
  const anchors = items.flatMap((it, i) =>
    it.kind === 'cell' && ANCHOR.test(normalizeLabel(it.text)) ? [i] : [],
  );
  const starts = anchors.map((a, k) => prefaceStart(items, a, k === 0 ? 0 : anchors[k - 1] + 2));
  let headerUnit: Region['headerUnit'] = null;
  let scanned = 0;
  const regions = anchors.map((anchor, k) => {
    for (; scanned < anchor; scanned++) {
      const it = items[scanned];
      if (it.kind === 'paragraph' && it.header) headerUnit = unitOfLine(it.text) ?? headerUnit;
    }
    return {
      ordinal: k + 1,
      preface: items.slice(starts[k], anchor),
      body: items.slice(anchor, starts[k + 1] ?? items.length),
      headerUnit,
    };
  });
  return { preamble: items.slice(0, starts[0] ?? items.length), regions };
}

const yearIn = (text: string) => {
  const m = YEAR.exec(foldWidth(text));
  return m ? Number(m[1]) : null;
};

/** Headings that name a year (「（2022年度）」), and each table whose title or project name does. */
function yearsOf(
  preamble: readonly DocumentItem[],
  regions: readonly Region[],
  tables: readonly ParsedTable[],
): YearMention[] {
  // a cell is a heading only when it reads like one; the print form's 项目名称 value is not
  const heading = (i: DocumentItem) =>
    i.kind === 'paragraph' ||
    YEAR_HEADING.test(normalizeLabel(i.text)) ||
    TITLE_LIKE.test(normalizeLabel(i.text));
  const headings = [...preamble, ...regions.flatMap((r) => r.preface)]
    .filter(heading)
    .map((i) => i.text.trim())
    .filter((t) => t.length <= 60 && !TITLE.test(t) && /预算|绩效|目标|年度/.test(t));
  const out = new Map<string, YearMention>();
  for (const text of headings) {
    const year = yearIn(text);
    if (year !== null) out.set(text, { year, text, table: null });
  }
  for (const t of tables) {
    const year = yearIn(t.title) ?? yearIn(t.content.projectName);
    if (year !== null) out.set(`table ${t.table}`, { year, text: t.title, table: t.table });
  }
  return [...out.values()];
}

/**
 * Parses a performance-target document: part 1's department-wide goals, then one table per
 * project. A table is found by its 项目编码 cell, not by its title or layout; its unit by a
 * labelled row, a line above it or the page header, never by the project code. Takes the text
 * form (a Word file's text, each table cell on a line starting with a tab) or the items of a
 * .docx. Pure, and never throws: what cannot be read becomes a problem of its table or the
 * document.
 */
export function parseTargetDocument(input: string | readonly DocumentItem[]): ParsedDocument {
  const items = typeof input === 'string' ? itemsOfText(input) : input;
  const { preamble, regions } = regionsOf(items);
  const problems: string[] = [];
  const parsed: ParsedTable[] = [];
  const seen = new Map<string, number>();
  for (const region of regions) {
    const t = readTable(region);
    if (typeof t === 'string') {
      problems.push(t);
      continue;
    }
    const key = `${t.unitCode}-${t.projectCode}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        `第${t.table}张表：单位${t.unitCode}的项目编码${t.projectCode}已在第${first}张表中出现，该表未导入`,
      );
      continue;
    }
    seen.set(key, t.table);
    parsed.push(t);
  }
  const goalLines = preamble.filter((i) => i.kind === 'paragraph' && !i.header).map((i) => i.text);
  return {
    tables: parsed,
    departmentGoals: parseDepartmentGoals(goalLines),
    problems,
    years: yearsOf(preamble, regions, parsed),
  };
}
