import { Fen, parseWan } from '../shared/money';
import { CHECKPOINTS, PlanCells } from '../performance-target/spending-plan';
import {
  ImportedText,
  Indicator,
  TargetContent,
  TargetProblem,
} from '../performance-target/target-content';
import { Cell, cellsOf, normalizeLabel } from './document-cells';
import { DepartmentGoals, parseDepartmentGoals } from './department-goals.parse';

/** One project table of the document, read into a target's content. */
export interface ParsedTable {
  /** The table's number in the document (1-based, as its title says). */
  readonly table: number;
  readonly title: string;
  readonly line: number;
  readonly unitCode: string;
  readonly projectCode: string;
  /** The table's content, `imported` holding the budget and plan cells as written. */
  readonly content: TargetContent;
  readonly problems: readonly TargetProblem[];
}

export interface ParsedDocument {
  readonly tables: readonly ParsedTable[];
  readonly departmentGoals: DepartmentGoals | null;
  /** Problems of the document: tables that could not be read at all, duplicates. */
  readonly problems: readonly string[];
}

const TITLE = /^\s*(?:\[bookmark:[^\]]*\])?\s*(\d+)\s*[.．、]\s*(.*?)\s*绩效目标表\s*$/;
const UNIT_LINE = /^(\d{6})\s*(.+)$/;
const INDICATOR_HEADER = [
  '一级指标',
  '二级指标',
  '三级指标',
  '绩效指标描述',
  '指标值',
  '指标值确定依据',
];
const PERCENT = /^(\d+(?:\.\d+)?)\s*[%％]?$/;

/** Splits the document into part 1 and the table sections, by their titles. */
function sections(lines: readonly string[]) {
  const starts = lines.flatMap((l, i) => (TITLE.test(l) ? [i] : []));
  const preamble = lines.slice(0, starts[0] ?? lines.length);
  const tables = starts.map((start, k) => {
    const m = TITLE.exec(lines[start]) as RegExpExecArray;
    return {
      table: Number(m[1]),
      title: m[2],
      line: start + 1,
      body: lines.slice(start + 1, starts[k + 1] ?? lines.length),
    };
  });
  return { preamble, tables };
}

/** Reads the cells of one table by their labels; problems are collected, never thrown. */
class TableReader {
  readonly problems: TargetProblem[] = [];
  private readonly labels: string[];

  constructor(readonly cells: readonly Cell[]) {
    this.labels = cells.map((c) => normalizeLabel(c.text));
  }

  indexOf(label: string | RegExp, from = 0): number {
    for (let i = from; i < this.labels.length; i++) {
      if (typeof label === 'string' ? this.labels[i] === label : label.test(this.labels[i]))
        return i;
    }
    return -1;
  }

  after(label: string | RegExp): string | null {
    const i = this.indexOf(label);
    return i >= 0 && i + 1 < this.cells.length ? this.cells[i + 1].text : null;
  }

  between(from: number, to: number): string[] {
    return from < 0 || to < 0 ? [] : this.cells.slice(from + 1, to).map((c) => c.text);
  }

  problem(field: TargetProblem['field'], message: string): void {
    this.problems.push({ field, message });
  }
}

function amount(
  r: TableReader,
  text: string | null,
  label: string,
  unit: '万元' | '元',
  blankIsZero: boolean,
): Fen {
  const t = (text ?? '').trim();
  if (t === '' && blankIsZero) return 0n;
  const wan = parseWan(t);
  if (wan === null) {
    r.problem('budget', `${label} '${t}' is not an amount`);
    return 0n;
  }
  return unit === '万元' ? wan : wan / 10000n;
}

function readBudget(r: TableReader, unit: '万元' | '元') {
  const raw = {
    total: r.after('预算数') ?? '',
    fiscal: r.after(/^其中[：:]?财政(资金)?$/) ?? '',
    other: r.after('其他资金') ?? '',
  };
  const budget = {
    total: amount(r, raw.total, '预算数', unit, false),
    fiscal: amount(r, raw.fiscal, '财政资金', unit, true),
    other: amount(r, raw.other, '其他资金', unit, true),
  };
  return { raw, budget };
}

function readPlan(r: TableReader): { raw: string[]; plan: PlanCells } {
  const header = r.indexOf(/^资金支出计划/);
  const dec = r.indexOf('12月底', header);
  const values = r.between(dec, r.indexOf('绩效目标', dec));
  // the row of values starts with the merged cell under the label, left empty
  const raw = values.length === 5 && values[0] === '' ? values.slice(1) : values;
  if (header < 0 || dec < 0 || raw.length !== 4) {
    r.problem(
      'plan',
      `资金支出计划 should have four cells (3月底, 6月底, 10月底, 12月底), found ${raw.length}`,
    );
  }
  const cells = CHECKPOINTS.map((cp, i) => {
    const text = (raw[i] ?? '').trim();
    if (text === '') return null;
    const m = PERCENT.exec(text);
    if (!m) r.problem('plan', `资金支出计划 ${cp} '${text}' is not a percentage`);
    return m ? Number(m[1]) : null;
  });
  return {
    raw: CHECKPOINTS.map((_, i) => (raw[i] ?? '').trim()),
    plan: { M3: cells[0], M6: cells[1], M10: cells[2], M12: cells[3] },
  };
}

function readIndicators(r: TableReader): Indicator[] {
  const start = r.indexOf(INDICATOR_HEADER[0]);
  if (
    start < 0 ||
    INDICATOR_HEADER.some(
      (h, k) => r.cells[start + k] && normalizeLabel(r.cells[start + k].text) !== h,
    )
  ) {
    r.problem('indicators', 'the indicator table (一级指标 … 指标值确定依据) is missing');
    return [];
  }
  const rows: string[][] = [];
  const body = r.cells.slice(start + INDICATOR_HEADER.length).map((c) => c.text);
  for (let i = 0; i < body.length; i += 6) rows.push(body.slice(i, i + 6));
  let level1 = '';
  let level2 = '';
  return rows.map((row, n) => {
    if (row.length < 6) {
      r.problem(
        'indicators',
        `indicator ${n + 1} is cut off: the table ends after ${row.length} of its 6 cells`,
      );
    }
    const [l1 = '', l2 = '', name = '', description = '', target = '', basis = ''] = row;
    if (l1) {
      if (l1 !== level1) level2 = '';
      level1 = l1;
    }
    if (l2) level2 = l2;
    if (!level1 || !level2)
      r.problem('indicators', `indicator ${n + 1} ('${name}') has no 一级 or 二级指标 to continue`);
    return { level1, level2, name, description, target, basis };
  });
}

function readTable(section: ReturnType<typeof sections>['tables'][number]): ParsedTable | string {
  const r = new TableReader(cellsOf(section.body, section.line + 1));
  const where = `table ${section.table} (line ${section.line})`;
  const unit = r.cells.map((c) => UNIT_LINE.exec(c.text)).find((m) => m !== null);
  if (!unit)
    return `${where}: no unit line (six-digit unit code and name); the table was not imported`;
  const projectCode = (r.after('项目编码') ?? '').trim();
  if (!/^[0-9A-Za-z]{1,40}$/.test(projectCode)) {
    return `${where}: 项目编码 '${projectCode}' is missing or not a project code; the table was not imported`;
  }
  const amountUnit = r.indexOf('单位：元') >= 0 ? '元' : '万元';
  const projectName = (r.after('项目名称') ?? '').trim();
  if (!projectName) r.problem('projectName', '项目名称 is missing');
  const { raw: budgetRaw, budget } = readBudget(r, amountUnit);
  const purpose = r
    .between(r.indexOf('其他资金') + 1, r.indexOf(/^资金支出计划/))
    .filter((t) => t !== '')
    .join('\n');
  const { raw: planRaw, plan } = readPlan(r);
  const goalsAt = r.indexOf('绩效目标', r.indexOf(/^资金支出计划/));
  const goals = r
    .between(goalsAt, r.indexOf(INDICATOR_HEADER[0], goalsAt))
    .filter((t) => t !== '')
    .join('\n');
  const indicators = readIndicators(r);
  const imported: ImportedText = { amountUnit, budget: budgetRaw, plan: planRaw };
  const content: TargetContent = {
    unitName: unit[2].trim(),
    projectName,
    budget,
    purpose,
    plan,
    goals,
    indicators,
    imported,
  };
  return {
    table: section.table,
    title: section.title,
    line: section.line,
    unitCode: unit[1],
    projectCode,
    content,
    problems: r.problems,
  };
}

/**
 * Parses a performance-target document in its text form (a Word file's text, each table cell on
 * a line starting with a tab): part 1's department-wide goals, then one table per project.
 * Pure, and never throws: what cannot be read becomes a problem of its table or the document.
 */
export function parseTargetDocument(text: string): ParsedDocument {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const { preamble, tables } = sections(lines);
  const problems: string[] = [];
  const parsed: ParsedTable[] = [];
  const seen = new Map<string, number>();
  for (const section of tables) {
    const t = readTable(section);
    if (typeof t === 'string') {
      problems.push(t);
      continue;
    }
    const key = `${t.unitCode}-${t.projectCode}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        `table ${t.table}: unit ${t.unitCode} has 项目编码 ${t.projectCode} already in table ${first}; this table was not imported`,
      );
      continue;
    }
    seen.set(key, t.table);
    parsed.push(t);
  }
  return { tables: parsed, departmentGoals: parseDepartmentGoals(preamble), problems };
}
