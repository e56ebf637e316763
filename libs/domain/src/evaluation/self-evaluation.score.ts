import { InvalidInput } from '../shared/errors';
import { Fen } from '../shared/money';
import { parseIndicatorTarget } from '../performance-target/indicator-target.parse';
import { Indicator } from '../performance-target/target-content';

/** Points of the four parts of a self-evaluation (财预〔2020〕10号 style), configurable per year. */
export interface ScoreWeights {
  readonly execution: number;
  readonly groups: Readonly<Record<string, number>>;
}

export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = {
  execution: 10,
  groups: { 产出指标: 50, 效益指标: 30, 满意度指标: 10 },
};

export type Band = '达成' | '部分达成' | '未达成';
/** The share of its points a qualitative indicator may get in each band, in percent. */
export const BANDS: Readonly<Record<Band, readonly [number, number]>> = {
  达成: [80, 100],
  部分达成: [60, 80],
  未达成: [0, 60],
};

/** What the unit reports as achieved for one indicator at year end. */
export type IndicatorActual =
  | { readonly kind: 'notApplicable'; readonly explanation: string }
  | { readonly kind: 'met' }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'yesNo'; readonly value: boolean }
  | { readonly kind: 'band'; readonly band: Band; readonly share: number };

export interface IndicatorInput {
  readonly indicator: Indicator;
  readonly actual: IndicatorActual;
  /** Points of this indicator within its group; when none in the group has one, they share equally. */
  readonly weight?: number;
  /** 未完成原因: required when the indicator is not fully met. */
  readonly explanation?: string;
  /** For a qualitative indicator: the share the reviewer confirmed (else the unit's proposal counts, unconfirmed). */
  readonly confirmedShare?: number;
}

export interface IndicatorScore {
  readonly name: string;
  readonly level1: string;
  readonly points: number;
  /** Raw, unrounded. */
  readonly score: number;
  readonly ratio: number;
  readonly applicable: boolean;
  readonly fullyMet: boolean;
}

export interface SelfEvaluationScore {
  readonly executionRate: number;
  readonly executionScore: number;
  readonly indicators: readonly IndicatorScore[];
  /** Raw total out of 100 (rescaled when indicators do not apply). */
  readonly total: number;
  readonly grade: '优' | '良' | '中' | '差';
  /** Indicators not fully met that lack an explanation (未完成原因). */
  readonly missingExplanations: readonly string[];
  /** Qualitative indicators whose share the reviewer has not confirmed yet. */
  readonly unconfirmed: readonly string[];
}

/** Ratio in [0, 1] of an indicator's points that its actual value earns. */
export function achievement(input: IndicatorInput): number {
  const a = input.actual;
  if (a.kind === 'met') return 1;
  if (a.kind === 'notApplicable') return 0;
  if (a.kind === 'yesNo') return a.value ? 1 : 0;
  if (a.kind === 'band') return (input.confirmedShare ?? a.share) / 100;
  const t = parseIndicatorTarget(input.indicator.target);
  if (t.kind !== 'quantitative') {
    throw new InvalidInput(
      'WRONG_KIND_OF_VALUE',
      `指标“${input.indicator.name}”（${input.indicator.target}）不是数值指标：请填报已完成、是/否或完成档次`,
      'actual',
    );
  }
  if (t.direction === 'negative') return a.value <= t.value ? 1 : Math.min(1, t.value / a.value);
  if (t.value === 0) return 1;
  return Math.min(1, a.value / t.value); // positive, and "=" when under
}

function assertBand(input: IndicatorInput): void {
  const a = input.actual;
  if (a.kind !== 'band') return;
  const [lo, hi] = BANDS[a.band];
  for (const share of [a.share, input.confirmedShare]) {
    if (share !== undefined && (share < lo || share > hi)) {
      throw new InvalidInput(
        'SHARE_OUTSIDE_BAND',
        `指标“${input.indicator.name}”：“${a.band}”的得分比例应为 ${lo}%–${hi}%，而不是 ${share}%`,
        'share',
      );
    }
  }
}

/** Each applicable indicator's points: the weights given, or the group's points shared equally. */
function pointsOf(inputs: readonly IndicatorInput[], w: ScoreWeights): number[] {
  const groups = new Map<string, IndicatorInput[]>();
  inputs.forEach((i) =>
    groups.set(i.indicator.level1, [...(groups.get(i.indicator.level1) ?? []), i]),
  );
  for (const [level1, list] of groups) {
    const total = w.groups[level1];
    if (total === undefined)
      throw new InvalidInput('UNKNOWN_GROUP', `没有为“${level1}”设置分值`, 'indicators');
    const weighted = list.filter((i) => i.weight !== undefined);
    if (
      weighted.length > 0 &&
      (weighted.length !== list.length ||
        Math.abs(weighted.reduce((s, i) => s + (i.weight ?? 0), 0) - total) > 1e-9)
    ) {
      throw new InvalidInput(
        'WEIGHTS_DO_NOT_ADD_UP',
        `“${level1}”的权重应为其每项指标都填写，且合计为 ${total}`,
        'weight',
      );
    }
  }
  return inputs.map(
    (i) => i.weight ?? w.groups[i.indicator.level1] / (groups.get(i.indicator.level1)?.length ?? 1),
  );
}

export function gradeOf(total: number): SelfEvaluationScore['grade'] {
  return total >= 90 ? '优' : total >= 80 ? '良' : total >= 60 ? '中' : '差';
}

/** Each indicator's share of its points; one that does not apply scores nothing. */
function indicatorScores(
  inputs: readonly IndicatorInput[],
  points: readonly number[],
): SelfEvaluationScore['indicators'] {
  return inputs.map((input, k) => {
    const applicable = input.actual.kind !== 'notApplicable';
    const ratio = applicable ? achievement(input) : 0;
    return {
      name: input.indicator.name,
      level1: input.indicator.level1,
      points: points[k],
      score: ratio * points[k],
      ratio,
      applicable,
      fullyMet: ratio >= 1,
    };
  });
}

/** Indicators not fully met, or not applying, whose explanation is missing (by name). */
function missingExplanationsOf(
  inputs: readonly IndicatorInput[],
  indicators: SelfEvaluationScore['indicators'],
): string[] {
  return inputs
    .filter(
      (input, k) =>
        (indicators[k].applicable && !indicators[k].fullyMet) ||
        input.actual.kind === 'notApplicable',
    )
    .filter(
      (input) =>
        !(
          input.explanation ??
          (input.actual.kind === 'notApplicable' ? input.actual.explanation : '')
        )?.trim(),
    )
    .map((input) => input.indicator.name);
}

/**
 * The year-end self-evaluation score (DOMAIN.md): execution rate × 10 (capped), each
 * indicator's share of its points, indicators that do not apply dropped and the total rescaled
 * to 100, and the grade. Raw values are kept; round only for display.
 */
export function scoreSelfEvaluation(
  budget: Fen,
  disbursed: Fen,
  inputs: readonly IndicatorInput[],
  w: ScoreWeights = DEFAULT_SCORE_WEIGHTS,
): SelfEvaluationScore {
  inputs.forEach(assertBand);
  const points = pointsOf(inputs, w);
  const executionRate = budget > 0n ? Number((disbursed * 1_000_000n) / budget) / 1_000_000 : 0;
  const executionScore = Math.min(w.execution, executionRate * w.execution);
  const indicators = indicatorScores(inputs, points);
  const available =
    w.execution + indicators.filter((i) => i.applicable).reduce((s, i) => s + i.points, 0);
  const earned = executionScore + indicators.reduce((s, i) => s + i.score, 0);
  const total = available > 0 ? (earned / available) * 100 : 0;
  const missingExplanations = missingExplanationsOf(inputs, indicators);
  const unconfirmed = inputs
    .filter((i) => i.actual.kind === 'band' && i.confirmedShare === undefined)
    .map((i) => i.indicator.name);
  return {
    executionRate,
    executionScore,
    indicators,
    total,
    grade: gradeOf(total),
    missingExplanations,
    unconfirmed,
  };
}
