import { BusinessDate, PERIOD_CHECKPOINT, periodOf } from '../monitoring/execution';
import { AlertCandidate } from './alert-policy';

/** The two progresses of a filed monitoring report (the 执行监控表's figures, in %). */
export interface ReportProgress {
  /** Indicator completion; null when the report has no line that measures progress. */
  readonly indicatorProgressPct: number | null;
  /** Spending: net disbursed by the round's as-of date over the budget. */
  readonly executionRatePct: number;
  /** Indicator minus spending progress, in percentage points. */
  readonly divergencePp: number | null;
}

/**
 * The divergence alert (双监控) a filed monitoring report calls for: indicator and spending
 * progress apart by more than the threshold (the year's yellow one), either way. Yellow, for the
 * period the round's as-of date falls in, so a report filed again in that period raises nothing
 * new (the store keeps one alert per target, period, kind and level). Null when within bounds.
 */
export function divergenceAlert(
  asOf: BusinessDate,
  p: ReportProgress,
  thresholdPp: number,
): AlertCandidate | null {
  if (p.indicatorProgressPct === null || p.divergencePp === null) return null;
  if (Math.abs(p.divergencePp) <= thresholdPp) return null;
  return {
    kind: 'divergence',
    level: 'yellow',
    period: PERIOD_CHECKPOINT[periodOf(asOf)],
    asOf,
    lagPp: p.divergencePp,
    plannedPct: p.indicatorProgressPct,
    actualPct: p.executionRatePct,
  };
}
