import { Fen, fenOf, formatYuan } from '../shared/money';
import {
  DEFAULT_INDICATOR_TEMPLATE,
  IndicatorTemplate,
  templateProblem,
} from './indicator-template';
import { PlanCells, planProblems } from './spending-plan';

/** One row of the indicator table, exactly as written. */
export interface Indicator {
  readonly level1: string;
  readonly level2: string;
  readonly name: string;
  readonly description: string;
  /** 指标值, raw text. Its parsed form is derived, never stored instead of it. */
  readonly target: string;
  readonly basis: string;
}

export interface Budget {
  readonly total: Fen;
  readonly fiscal: Fen;
  readonly other: Fen;
}

/** The editable part of a target table; identity (year, unit, project code) is not in it. */
export interface TargetContent {
  readonly unitName: string;
  readonly projectName: string;
  readonly budget: Budget;
  readonly purpose: string;
  readonly plan: PlanCells;
  readonly goals: string;
  readonly indicators: readonly Indicator[];
  /** Set by an import: the document's text of budget and plan. */
  readonly imported?: ImportedText;
}

export type ContentChanges = Partial<TargetContent>;

/** The cells of an imported table exactly as written, kept beside their parsed values. */
export interface ImportedText {
  readonly amountUnit: '万元' | '元';
  readonly budget: { readonly total: string; readonly fiscal: string; readonly other: string };
  readonly plan: readonly string[];
}

/**
 * A problem an import found in a table that the content alone cannot show (a cut-off row, a
 * cell that is not a number). Revising `field` clears it.
 */
export interface TargetProblem {
  readonly field: 'budget' | 'plan' | 'indicators' | 'goals' | 'purpose' | 'projectName';
  readonly message: string;
}

/** Content as it travels in event payloads: money as strings of fen. */
export interface TargetContentJson extends Omit<TargetContent, 'budget'> {
  readonly budget: { readonly total: string; readonly fiscal: string; readonly other: string };
}

export function budgetToJson(b: Budget): TargetContentJson['budget'] {
  return { total: b.total.toString(), fiscal: b.fiscal.toString(), other: b.other.toString() };
}

export function budgetFromJson(b: TargetContentJson['budget']): Budget {
  return { total: fenOf(b.total), fiscal: fenOf(b.fiscal), other: fenOf(b.other) };
}

export function changesToJson(c: ContentChanges): Partial<TargetContentJson> {
  const { budget, ...rest } = c;
  return budget ? { ...rest, budget: budgetToJson(budget) } : rest;
}

export function changesFromJson(c: Partial<TargetContentJson>): ContentChanges {
  const { budget, ...rest } = c;
  return budget ? { ...rest, budget: budgetFromJson(budget) } : rest;
}

/** Problems no table may be saved with through the API: the numbers contradict themselves. */
export function invalidityProblems(c: ContentChanges): string[] {
  const problems: string[] = [];
  if (c.budget && c.budget.total !== c.budget.fiscal + c.budget.other) {
    problems.push(
      `预算数 ${formatYuan(c.budget.total)} 元不等于财政资金 ${formatYuan(c.budget.fiscal)} 元与其他资金 ${formatYuan(c.budget.other)} 元之和`,
    );
  }
  if (c.plan) problems.push(...planProblems(c.plan));
  return problems;
}

/** Everything that keeps a draft from being submitted; empty when it can be. */
export function contentProblems(
  c: TargetContent,
  template: IndicatorTemplate = DEFAULT_INDICATOR_TEMPLATE,
): string[] {
  const problems = invalidityProblems(c);
  if (c.budget.total <= 0n) problems.push('预算数应大于 0');
  if (!c.unitName.trim()) problems.push('缺少单位名称');
  if (!c.projectName.trim()) problems.push('缺少项目名称');
  if (!c.goals.trim()) problems.push('缺少绩效目标');
  if (c.indicators.length === 0) problems.push('绩效指标为空：至少填写一项指标');
  c.indicators.forEach((ind, i) => problems.push(...indicatorProblems(ind, i + 1, template)));
  return problems;
}

function indicatorProblems(ind: Indicator, n: number, template: IndicatorTemplate): string[] {
  const problems: string[] = [];
  const tp = templateProblem(template, ind.level1, ind.level2);
  if (tp) problems.push(`第${n}项指标：${tp}`);
  if (!ind.name.trim()) problems.push(`第${n}项指标：缺少三级指标`);
  if (!ind.target.trim()) problems.push(`第${n}项指标：缺少指标值`);
  return problems;
}
