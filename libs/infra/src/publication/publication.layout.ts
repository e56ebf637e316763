import { CHECKPOINTS, DepartmentGoals, Fen, formatWan, Indicator, PlanCells } from '@bp/domain';

/** One approved 项目绩效目标表 as published: the version in force, with its identity. */
export interface PublishedTable {
  readonly targetId: string;
  readonly unitCode: string;
  readonly unitName: string;
  readonly projectCode: string;
  readonly projectName: string;
  readonly budget: { readonly total: Fen; readonly fiscal: Fen; readonly other: Fen };
  readonly purpose: string;
  readonly plan: PlanCells;
  readonly goals: string;
  readonly indicators: readonly Indicator[];
}

/** What the department publishes for a year: part 1 and the approved tables, in order. */
export interface Publication {
  readonly departmentCode: string;
  readonly departmentName: string;
  readonly fiscalYear: number;
  readonly goals: DepartmentGoals | null;
  readonly tables: readonly PublishedTable[];
}

/**
 * The department's name from its units': the 本级 unit (code …001) names the bureau itself,
 * written as the document writes it, "民政部门秦皇岛市山海关区民政局本级": the 主管部门 class
 * before the bureau ("民政部门") and "本级" after it are not part of the bureau's name.
 */
export function departmentNameOf(
  departmentCode: string,
  units: readonly { code: string; name: string }[],
): string {
  const own = units.find((u) => u.code === `${departmentCode}001`) ?? units[0];
  if (!own) return `${departmentCode}部门`;
  const name = own.name.replace(/本级$/, '').trim();
  const bureau = /^[^\s]{1,10}?部门(.+)$/.exec(name);
  return bureau ? bureau[1] : name;
}

/** `<YYYY>年<部门名>预算绩效目标.docx`, and an ASCII name for clients without RFC 5987. */
export function publicationFileNames(p: Publication): { name: string; fallback: string } {
  return {
    name: `${p.fiscalYear}年${p.departmentName}预算绩效目标.docx`,
    fallback: `publication-${p.departmentCode}-${p.fiscalYear}.docx`,
  };
}

/**
 * An amount as the document writes it, in 万元 from integer fen: two decimals, more only when the
 * fen need them (formatWan), so the figure reads back exactly. The 其中 rows leave a zero blank,
 * as the bureau's tables do (a blank 其他资金 is 0).
 */
export function amountText(fen: Fen, blankWhenZero = false): string {
  return blankWhenZero && fen === 0n ? '' : formatWan(fen);
}

/** The four 资金支出计划 cells: a cumulative percentage, or blank where the plan leaves it blank. */
export function planTexts(plan: PlanCells): string[] {
  return CHECKPOINTS.map((cp) => {
    const v = plan[cp];
    return v === null || v === undefined ? '' : `${v}%`;
  });
}

/** Where a merged (w:vMerge) 一级 or 二级 cell starts: its rows continue it with empty cells. */
export interface IndicatorRowLayout {
  readonly startsLevel1: boolean;
  readonly startsLevel2: boolean;
}

/**
 * The merges of the indicator table: 一级 over the consecutive rows of the same 一级, and 二级
 * over the consecutive rows of the same 二级 within one 一级 (a 二级 merge never crosses a 一级
 * boundary, since a new 一级 starts its 二级 afresh in the document too).
 */
export function indicatorLayout(indicators: readonly Indicator[]): IndicatorRowLayout[] {
  return indicators.map((ind, i) => {
    const prev = i > 0 ? indicators[i - 1] : undefined;
    const startsLevel1 = !prev || prev.level1 !== ind.level1;
    return { startsLevel1, startsLevel2: startsLevel1 || prev?.level2 !== ind.level2 };
  });
}
