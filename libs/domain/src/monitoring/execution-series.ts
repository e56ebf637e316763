import { Checkpoint, CHECKPOINTS } from '../performance-target/spending-plan';
import { Fen } from '../shared/money';
import { BusinessDate, checkpointDate, executionAsOf, ExecutionInput } from './execution';

export interface SeriesPoint {
  readonly date: BusinessDate;
  readonly plannedPct: number;
  /** null after the as-of date: what is not known yet is not drawn. */
  readonly actualPct: number | null;
}

export interface ExecutionSeries {
  readonly fiscalYear: number;
  readonly asOf: BusinessDate;
  readonly budget: Fen;
  /** Net disbursed with payment date ≤ asOf. */
  readonly disbursed: Fen;
  readonly checkpoints: readonly {
    readonly checkpoint: Checkpoint;
    readonly date: BusinessDate;
    readonly plannedPct: number;
    readonly actualPct: number;
  }[];
  readonly series: readonly SeriesPoint[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The dates a chart plots for a fiscal year: the 1st and the 15th of every month, the four
 * checkpoints, asOf and the `extra` dates (payment dates) when they fall within the year; in
 * order, each once. 1 Jan (planned 0) opens the line and 31 Dec (M12) closes it.
 */
export function seriesDates(
  fiscalYear: number,
  asOf: BusinessDate,
  extra: readonly BusinessDate[] = [],
): BusinessDate[] {
  const dates = new Set<BusinessDate>();
  for (let m = 1; m <= 12; m++) {
    dates.add(`${fiscalYear}-${pad(m)}-01`);
    dates.add(`${fiscalYear}-${pad(m)}-15`);
  }
  for (const cp of CHECKPOINTS) dates.add(checkpointDate(fiscalYear, cp));
  for (const d of [asOf, ...extra]) if (d.startsWith(`${fiscalYear}-`)) dates.add(d);
  return [...dates].sort();
}

/**
 * A target's planned and actual execution over its fiscal year, for a chart. Every figure is
 * `executionAsOf` of that date (the planned % of DOMAIN.md, actual % = net disbursed up to the
 * date ÷ budget), so the point at asOf and the checkpoints are exactly what monitoring answers
 * for asOf. Actual % is null for dates after asOf.
 */
export function executionSeries(input: ExecutionInput, asOf: BusinessDate): ExecutionSeries {
  const now = executionAsOf(input, asOf);
  // each payment known by asOf is a point of its own, so the actual line steps on its day
  const paid = input.payments.filter((p) => p.date <= asOf).map((p) => p.date);
  const series = seriesDates(input.fiscalYear, asOf, paid).map((date) => {
    const v = executionAsOf(input, date);
    return { date, plannedPct: v.plannedPct, actualPct: date <= asOf ? v.actualPct : null };
  });
  return {
    fiscalYear: input.fiscalYear,
    asOf,
    budget: now.budget,
    disbursed: now.disbursed,
    checkpoints: now.checkpoints.map(({ checkpoint, date, plannedPct, actualPct }) => ({
      checkpoint,
      date,
      plannedPct,
      actualPct,
    })),
    series,
  };
}
