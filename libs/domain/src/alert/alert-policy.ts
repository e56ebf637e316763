import { Checkpoint, CHECKPOINTS } from '../performance-target/spending-plan';
import { InvalidInput } from '../shared/errors';
import {
  BusinessDate,
  checkpointDate,
  ExecutionView,
  isBusinessDate,
  isCheckpointDate,
  PERIOD_CHECKPOINT,
  periodOf,
  Thresholds,
} from '../monitoring/execution';
import { MAX_FISCAL_YEAR, MIN_FISCAL_YEAR } from '../shared/fiscal-year';

/** checkpoint and early come from sweeps; divergence from a monitoring report (双监控); reminder: a report is due. */
export type AlertKind = 'checkpoint' | 'early' | 'divergence' | 'reminder';
/** The kinds of sweep. */
export const ALERT_KINDS: readonly AlertKind[] = ['checkpoint', 'early'];
export type AlertLevel = 'yellow' | 'red';

/** An alert a sweep would raise; the store keeps one per (target, period, kind, level). */
export interface AlertCandidate {
  readonly kind: AlertKind;
  readonly level: AlertLevel;
  /** The checkpoint the as-of date leads to (the period's name); for a reminder, the round's id. */
  readonly period: Checkpoint | string;
  readonly asOf: BusinessDate;
  readonly lagPp: number;
  readonly plannedPct: number;
  readonly actualPct: number;
}

/** Checks a sweep's date: a real date of a fiscal year we keep; a checkpoint for a checkpoint sweep. */
export function assertSweepDate(kind: AlertKind, asOf: string): void {
  if (!isBusinessDate(asOf))
    throw new InvalidInput('INVALID_AS_OF', '截至日期应为有效日期，格式 YYYY-MM-DD', 'asOf');
  const year = Number(asOf.slice(0, 4));
  if (year < MIN_FISCAL_YEAR || year > MAX_FISCAL_YEAR) {
    throw new InvalidInput(
      'AS_OF_OUTSIDE_FISCAL_YEARS',
      `截至日期应在 ${MIN_FISCAL_YEAR} 至 ${MAX_FISCAL_YEAR} 预算年度内`,
      'asOf',
    );
  }
  if (kind === 'checkpoint' && !isCheckpointDate(asOf)) {
    throw new InvalidInput(
      'NOT_A_CHECKPOINT',
      '节点检查的截至日期应为 3月31日、6月30日、10月31日或 12月31日',
      'asOf',
    );
  }
}

/**
 * The alerts one target's execution calls for (DOMAIN.md "Monitoring and alerts"). A checkpoint
 * sweep: any lag above the tolerance, red when it reaches the red threshold, yellow otherwise.
 * An early warning: red from the red threshold, yellow from the yellow one. Raising the same
 * (period, kind, level) twice is left to the store's unique key.
 */
export function alertsFor(
  kind: AlertKind,
  asOf: BusinessDate,
  view: ExecutionView,
  t: Thresholds,
): AlertCandidate[] {
  const lag = Math.round(view.lagPp * 1e6) / 1e6;
  const base = {
    kind,
    asOf,
    period: PERIOD_CHECKPOINT[periodOf(asOf)],
    lagPp: view.lagPp,
    plannedPct: view.plannedPct,
    actualPct: view.actualPct,
  };
  if (kind === 'checkpoint') {
    if (lag <= t.tolerancePp) return [];
    return [{ ...base, level: lag >= t.redPp ? 'red' : 'yellow' }];
  }
  if (lag >= t.redPp) return [{ ...base, level: 'red' }];
  if (lag >= t.yellowPp) return [{ ...base, level: 'yellow' }];
  return [];
}

/** Whether a red alert raised as of `raisedAsOf` and not acknowledged is due to go to the department. */
export function dueForEscalation(
  raisedAsOf: BusinessDate,
  sweepAsOf: BusinessDate,
  days: number,
): boolean {
  const ms =
    Date.UTC(+sweepAsOf.slice(0, 4), +sweepAsOf.slice(5, 7) - 1, +sweepAsOf.slice(8, 10)) -
    Date.UTC(+raisedAsOf.slice(0, 4), +raisedAsOf.slice(5, 7) - 1, +raisedAsOf.slice(8, 10));
  return ms / 86400000 >= days;
}

/** Days since 1970-01-01 of a business date (calendar arithmetic, no time zone involved). */
const dayNumber = (d: BusinessDate) =>
  Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000;

/** The hour of the day after a checkpoint from which its checkpoint sweep is overdue. */
export const CHECKPOINT_SWEEP_OVERDUE_HOUR = 8;
/** How long after a checkpoint a missed checkpoint sweep is still run by itself. */
export const CHECKPOINT_SWEEP_GRACE_DAYS = 7;

/**
 * The checkpoint whose sweep should have run by now: the scheduled one runs the day after the
 * checkpoint at 07:00 Asia/Shanghai, so from 08:00 that day, and for a week, a checkpoint with
 * no recorded checkpoint sweep is swept by the worker itself (Redis lost the job, or was down
 * that morning). `today` and `hour` are Asia/Shanghai's. null when none is due.
 */
export function checkpointSweepDue(today: BusinessDate, hour: number): BusinessDate | null {
  const year = Number(today.slice(0, 4));
  const t = dayNumber(today);
  const due = [checkpointDate(year - 1, 'M12'), ...CHECKPOINTS.map((c) => checkpointDate(year, c))]
    .map((date) => ({ date, after: t - dayNumber(date) }))
    .filter(
      ({ after }) =>
        (after > 1 || (after === 1 && hour >= CHECKPOINT_SWEEP_OVERDUE_HOUR)) &&
        after <= CHECKPOINT_SWEEP_GRACE_DAYS,
    );
  return due.length > 0 ? due[due.length - 1].date : null;
}
