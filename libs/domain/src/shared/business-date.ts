import { InvalidInput } from './errors';
import { fieldNameZh } from './names.zh';

/*
 * The business calendar: dates, checkpoints and plan periods. It sits in shared because both the
 * target's ledger (a payment's date, a quarter's end) and monitoring (time progress) use it, and
 * neither slice may depend on the other for it (issue 16: arrows in the domain run one way).
 */

/** The four checkpoints of a fiscal year: end of March, June, October and December. */
export const CHECKPOINTS = ['M3', 'M6', 'M10', 'M12'] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

/**
 * An Asia/Shanghai business date as a plain calendar date, 'YYYY-MM-DD'. Calendar arithmetic
 * is done on (year, month, day) integers so that no host time zone can shift a day.
 */
export type BusinessDate = string;

/** A plan period: the span of the fiscal year that ends at one checkpoint. */
export type Period = 'P1' | 'P2' | 'P3' | 'P4';

/** P1 Jan–Mar ends at M3, P2 Apr–Jun at M6, P3 Jul–Oct at M10, P4 Nov–Dec at M12. */
export const PERIOD_CHECKPOINT: Readonly<Record<Period, Checkpoint>> = Object.freeze({
  P1: 'M3',
  P2: 'M6',
  P3: 'M10',
  P4: 'M12',
});

export interface Ymd {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
export const CHECKPOINT_MONTH_DAY: Readonly<Record<Checkpoint, readonly [number, number]>> = {
  M3: [3, 31],
  M6: [6, 30],
  M10: [10, 31],
  M12: [12, 31],
};

export function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1];
}

function parseDate(s: string): Ymd | null {
  const match = DATE_TEXT.exec(s);
  if (match === null) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/** Malformed dates usually come from a request (an as-of query), hence a 400, not a crash. */
export function ymdOf(date: BusinessDate, field = 'date'): Ymd {
  const ymd = parseDate(date);
  if (ymd === null) {
    throw new InvalidInput(
      'INVALID_DATE',
      `${fieldNameZh(field)}应为有效日期，格式 YYYY-MM-DD`,
      field,
      {
        value: date,
      },
    );
  }
  return ymd;
}

/** A sane calendar year (the fiscal-year bounds of the workflow are `assertFiscalYear`). */
export function assertCalendarYear(fiscalYear: number): void {
  if (!Number.isInteger(fiscalYear) || fiscalYear < 1 || fiscalYear > 9999) {
    throw new InvalidInput('INVALID_FISCAL_YEAR', '预算年度应为有效年份', 'fiscalYear', {
      value: fiscalYear,
    });
  }
}

function formatDate(y: number, m: number, d: number): BusinessDate {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** True when `s` is strictly 'YYYY-MM-DD' and a real calendar date (2022-02-30 is not). */
export function isBusinessDate(s: string): boolean {
  return parseDate(s) !== null;
}

/** The date of a checkpoint in a fiscal year: M3 → 31 Mar, M6 → 30 Jun, M10 → 31 Oct, M12 → 31 Dec. */
export function checkpointDate(fiscalYear: number, cp: Checkpoint): BusinessDate {
  assertCalendarYear(fiscalYear);
  const [m, d] = CHECKPOINT_MONTH_DAY[cp];
  return formatDate(fiscalYear, m, d);
}

/** The plan period a date falls in (the span that ends at the next checkpoint on or after it). */
export function periodOf(date: BusinessDate): Period {
  const { m } = ymdOf(date);
  if (m <= 3) return 'P1';
  if (m <= 6) return 'P2';
  if (m <= 10) return 'P3';
  return 'P4';
}

/** The last day of a plan period: its checkpoint's date. */
export function periodEndDate(fiscalYear: number, p: Period): BusinessDate {
  return checkpointDate(fiscalYear, PERIOD_CHECKPOINT[p]);
}

/** The date `days` calendar days after `date` (before it when negative); UTC arithmetic, no zone. */
export function addDays(date: BusinessDate, days: number): BusinessDate {
  const { y, m, d } = ymdOf(date);
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}
