import { EffectivePlan } from '../performance-target/spending-plan';
import {
  assertCalendarYear,
  BusinessDate,
  Checkpoint,
  CHECKPOINT_MONTH_DAY,
  CHECKPOINTS,
  checkpointDate,
  daysInMonth,
  isLeapYear,
  ymdOf,
} from '../shared/business-date';
import { Fen } from '../shared/money';

// The calendar moved to shared/business-date (the target's ledger needs it too); its names stay
// exported here for the callers that know them from monitoring.
export {
  type BusinessDate,
  type Period,
  PERIOD_CHECKPOINT,
  isBusinessDate,
  checkpointDate,
  periodOf,
  periodEndDate,
} from '../shared/business-date';

/**
 * How time progress (序时进度) is measured: `days` = days elapsed ÷ days in year; `months` =
 * whole months elapsed ÷ 12, a month counting once its last day is over (30 Jun → 6/12 = 50 %,
 * 29 Jun → 5/12). Offices that report by month use the second, which moves in steps.
 */
export type TimeProgressMethod = 'days' | 'months';
export const TIME_PROGRESS_METHODS: readonly TimeProgressMethod[] = ['days', 'months'];

/** Alert thresholds in percentage points of lag (configuration, per fiscal year). */
export interface Thresholds {
  readonly yellowPp: number;
  readonly redPp: number;
  readonly tolerancePp: number;
  /** The year's time-progress method; `days` when absent. */
  readonly timeProgressMethod?: TimeProgressMethod;
}

/** DOMAIN.md defaults: yellow at 10 pp, red at 20 pp, any lag above 0 pp misses a checkpoint. */
export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  yellowPp: 10,
  redPp: 20,
  tolerancePp: 0,
});

export type Level = 'green' | 'yellow' | 'red';

export interface CheckpointView {
  readonly checkpoint: Checkpoint;
  readonly date: BusinessDate;
  readonly plannedPct: number;
  readonly actualPct: number;
  readonly lagPp: number;
}

export interface ExecutionView {
  readonly budget: Fen;
  readonly disbursed: Fen;
  readonly actualPct: number;
  readonly plannedPct: number;
  readonly timePct: number;
  readonly lagPp: number;
  readonly level: Level;
  readonly checkpoints: readonly CheckpointView[];
}

/** The inputs of one target's execution: its approved budget and plan, and its payments. */
export interface ExecutionInput {
  readonly fiscalYear: number;
  readonly budget: Fen;
  readonly plan: EffectivePlan;
  /** Net amount (after reversals) by payment date; quarterly reports dated on the period end. */
  readonly payments: readonly { readonly date: BusinessDate; readonly amount: Fen }[];
}

/** 366 in a Gregorian leap year, 365 otherwise. */
export function daysInYear(fiscalYear: number): number {
  assertCalendarYear(fiscalYear);
  return isLeapYear(fiscalYear) ? 366 : 365;
}

/** Ordinal day in its year: 1 Jan → 1, 31 Dec → 365 (366 in a leap year). */
export function dayOfYear(date: BusinessDate): number {
  const { y, m, d } = ymdOf(date);
  let day = d;
  for (let month = 1; month < m; month++) day += daysInMonth(y, month);
  return day;
}

/** The checkpoint whose date this is (in the date's own year), or null. */
export function isCheckpointDate(date: BusinessDate): Checkpoint | null {
  const { m, d } = ymdOf(date);
  const hit = CHECKPOINTS.find((cp) => {
    const [cm, cd] = CHECKPOINT_MONTH_DAY[cp];
    return cm === m && cd === d;
  });
  return hit ?? null;
}

/** Before the fiscal year nothing has elapsed or is planned; after it, the year is over. */
function sideOfYear(fiscalYear: number, date: BusinessDate): 'before' | 'within' | 'after' {
  const { y } = ymdOf(date);
  if (y < fiscalYear) return 'before';
  return y > fiscalYear ? 'after' : 'within';
}

/** Whole months over by the end of the date: its own month counts on its last day. */
function monthsElapsed(date: BusinessDate): number {
  const { y, m, d } = ymdOf(date);
  return d === daysInMonth(y, m) ? m : m - 1;
}

function timePctIn(
  fiscalYear: number,
  date: BusinessDate,
  method: TimeProgressMethod = 'days',
): number {
  const side = sideOfYear(fiscalYear, date);
  if (side !== 'within') return side === 'before' ? 0 : 100;
  if (method === 'months') return (monthsElapsed(date) / 12) * 100;
  return (dayOfYear(date) / daysInYear(fiscalYear)) * 100;
}

/**
 * Time progress (序时进度) of the date's year: by default days elapsed ÷ days in year × 100;
 * with `months`, whole months elapsed ÷ 12 × 100. The date itself counts as elapsed because
 * checkpoints are the end of their day (31 Dec → 100 either way).
 */
export function timePct(date: BusinessDate, method: TimeProgressMethod = 'days'): number {
  return timePctIn(ymdOf(date).y, date, method);
}

function plannedPctIn(plan: EffectivePlan, fiscalYear: number, date: BusinessDate): number {
  const side = sideOfYear(fiscalYear, date);
  if (side !== 'within') return side === 'before' ? 0 : plan.M12;
  const day = dayOfYear(date);
  // The segment before M3 starts at 0 on 1 Jan (day 1), per DOMAIN.md.
  let [prevDay, prevPct] = [1, 0];
  for (const cp of CHECKPOINTS) {
    const cpDay = dayOfYear(checkpointDate(fiscalYear, cp));
    // Return the plan value itself on the day so float arithmetic cannot perturb it.
    if (day === cpDay) return plan[cp];
    if (day < cpDay) return prevPct + ((plan[cp] - prevPct) * (day - prevDay)) / (cpDay - prevDay);
    [prevDay, prevPct] = [cpDay, plan[cp]];
  }
  return plan.M12; // unreachable: 31 Dec is M12
}

/**
 * Planned % on a date of its own year: the checkpoint's effective value on a checkpoint date,
 * linear by calendar days in between, from 0 on 1 Jan to M3 on 31 Mar and so on.
 */
export function plannedPct(plan: EffectivePlan, date: BusinessDate): number {
  return plannedPctIn(plan, ymdOf(date).y, date);
}

/** n ÷ d rounded half away from zero, in bigint so large fen amounts lose nothing. */
function divRound(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const [an, ad] = [n < 0n ? -n : n, d < 0n ? -d : d];
  const q = an / ad + (2n * (an % ad) >= ad ? 1n : 0n);
  return negative ? -q : q;
}

/**
 * Execution rate (预算执行率): net disbursed ÷ budget × 100, exact to 4 decimals (rounded half
 * away from zero in bigint; only the final percentage becomes a number). 0 when budget is 0n.
 */
export function actualPct(netDisbursed: Fen, budget: Fen): number {
  if (budget === 0n) return 0;
  // × 100 for percent, × 10^4 for four decimals.
  return Number(divRound(netDisbursed * 1_000_000n, budget)) / 10_000;
}

/** Rounding to 6 decimals absorbs float noise such as 10.000000000000002 before comparing. */
function levelAt(lagPp: number, atCheckpoint: boolean, t: Thresholds): Level {
  const lag = Math.round(lagPp * 1e6) / 1e6;
  if (lag >= t.redPp) return 'red';
  if (lag >= t.yellowPp || (atCheckpoint && lag > t.tolerancePp)) return 'yellow';
  return 'green';
}

/**
 * Alert level of a lag on a date: red at or above the red threshold; yellow at or above the
 * yellow threshold, or on a checkpoint date when the lag is strictly above the tolerance.
 */
export function levelOf(lagPp: number, date: BusinessDate, t: Thresholds): Level {
  return levelAt(lagPp, isCheckpointDate(date) !== null, t);
}

/**
 * A percentage for display, to 2 decimals, half away from zero, never -0. toPrecision(15)
 * first strips binary noise so 1.005 (stored as 1.00499…) still rounds to 1.01.
 */
export function roundPct(x: number): number {
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  const rounded = Math.round(scaled) / 100;
  if (rounded === 0) return 0;
  return x < 0 ? -rounded : rounded;
}

/** Net disbursed with payment date ≤ `date`; strict ISO dates compare correctly as strings. */
function disbursedAsOf(payments: ExecutionInput['payments'], date: BusinessDate): Fen {
  return payments.reduce((sum, p) => (p.date <= date ? sum + p.amount : sum), 0n);
}

/**
 * A checkpoint's planned vs actual. For a checkpoint still ahead of asOf, the actual is what
 * is known as of asOf (payments ≤ asOf), not a projection: the view shows how far the money
 * paid so far is from that checkpoint's target.
 */
function checkpointView(input: ExecutionInput, cp: Checkpoint, asOf: BusinessDate): CheckpointView {
  const date = checkpointDate(input.fiscalYear, cp);
  const cutoff = date <= asOf ? date : asOf;
  const actual = actualPct(disbursedAsOf(input.payments, cutoff), input.budget);
  const planned = input.plan[cp];
  return {
    checkpoint: cp,
    date,
    plannedPct: roundPct(planned),
    actualPct: roundPct(actual),
    lagPp: roundPct(planned - actual),
  };
}

/**
 * Execution of one target as of a date: actual, planned and time progress, lag and level, and
 * the four checkpoints (all percentages rounded for display; lag and level come from the
 * unrounded values). Outside the fiscal year the plan is 0 before it and M12 after it.
 */
export function executionAsOf(
  input: ExecutionInput,
  asOf: BusinessDate,
  t: Thresholds = DEFAULT_THRESHOLDS,
): ExecutionView {
  ymdOf(asOf, 'asOf');
  input.payments.forEach((p) => ymdOf(p.date, 'payments.date'));
  const { fiscalYear, budget, plan } = input;
  const disbursed = disbursedAsOf(input.payments, asOf);
  const actual = actualPct(disbursed, budget);
  const planned = plannedPctIn(plan, fiscalYear, asOf);
  // Only the fiscal year's own checkpoints count as a checkpoint review day.
  const atCheckpoint = sideOfYear(fiscalYear, asOf) === 'within' && isCheckpointDate(asOf) !== null;
  return {
    budget,
    disbursed,
    actualPct: roundPct(actual),
    plannedPct: roundPct(planned),
    timePct: roundPct(timePctIn(fiscalYear, asOf, t.timeProgressMethod)),
    lagPp: roundPct(planned - actual),
    level: levelAt(planned - actual, atCheckpoint, t),
    checkpoints: CHECKPOINTS.map((cp) => checkpointView(input, cp, asOf)),
  };
}
