import { checkpointNameZh } from '../shared/names.zh';
import { Checkpoint, CHECKPOINTS } from '../shared/business-date';

// The checkpoints are the business calendar's (shared); the plan is written against them.
export { CHECKPOINTS, type Checkpoint } from '../shared/business-date';

/** Cumulative planned % of the budget by each checkpoint, as written; null is a blank cell. */
export type PlanCells = Readonly<Record<Checkpoint, number | null>>;
/** The plan with blanks carried forward (0 before the first filled cell). */
export type EffectivePlan = Readonly<Record<Checkpoint, number>>;

export const BLANK_PLAN: PlanCells = { M3: null, M6: null, M10: null, M12: null };

/** Blank cells carry the previous value forward: ['', 50, '', 100] is [0, 50, 50, 100]. */
export function effectivePlan(cells: PlanCells): EffectivePlan {
  let carried = 0;
  const out = {} as Record<Checkpoint, number>;
  for (const cp of CHECKPOINTS) {
    const cell = cells[cp];
    if (cell !== null) carried = cell;
    out[cp] = carried;
  }
  return out;
}

/** Percentages travel as numbers with up to two decimals. */
export function hasAtMostTwoDecimals(value: number): boolean {
  const scaled = value * 100;
  return Number.isFinite(value) && Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/**
 * What keeps a plan from being valid: every cell a number in [0, 100] with at most two
 * decimals, effective values non-decreasing, and 100% by the end of December.
 */
export function planProblems(cells: PlanCells): string[] {
  const problems: string[] = [];
  for (const cp of CHECKPOINTS) {
    const cell = cells[cp];
    if (cell === null) continue;
    if (!Number.isFinite(cell) || cell < 0 || cell > 100 || !hasAtMostTwoDecimals(cell)) {
      problems.push(
        `资金支出计划${checkpointNameZh(cp)}（${cell}）应为 0 到 100 之间的百分数，最多两位小数`,
      );
    }
  }
  if (problems.length > 0) return problems;
  const eff = effectivePlan(cells);
  for (let i = 1; i < CHECKPOINTS.length; i++) {
    const [prev, cur] = [CHECKPOINTS[i - 1], CHECKPOINTS[i]];
    if (eff[cur] < eff[prev]) {
      problems.push(
        `资金支出计划应为累计数：${checkpointNameZh(cur)}（${eff[cur]}%）低于${checkpointNameZh(prev)}（${eff[prev]}%）`,
      );
    }
  }
  if (eff.M12 !== 100) problems.push(`资金支出计划到12月底应达到100%，现为${eff.M12}%`);
  return problems;
}
