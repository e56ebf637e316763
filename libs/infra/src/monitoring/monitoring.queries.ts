import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  BusinessDate,
  Checkpoint,
  checkpointDate,
  CHECKPOINTS,
  EffectivePlan,
  executionAsOf,
  ExecutionView,
  fenOf,
  formatYuan,
  Level,
  roundPct,
  actualPct,
  Scope,
  Thresholds,
} from '@bp/domain';
import { monitoringConfigOf } from '../alerts/monitoring-config';
import { ReadDatabase } from '../database/read-database';
import { Sql } from '../database/sql';
import { Caller } from '../performance-target/target-store';

export interface MonitoringFilters {
  readonly fiscalYear: number;
  readonly unit?: string;
  readonly asOf: BusinessDate;
  readonly level?: Level;
}

export interface MonitoredRow {
  target_id: string;
  unit_code: string;
  department_code: string;
  project_name: string;
  budget: string;
  plan: EffectivePlan;
  d_asof: string;
  d_m3: string;
  d_m6: string;
  d_m10: string;
  d_m12: string;
}

export interface MonitoredTarget {
  readonly targetId: string;
  readonly unit: string;
  readonly name: string;
  readonly budget: string;
  readonly disbursed: string;
  readonly actualPct: number;
  readonly plannedPct: number;
  readonly timePct: number;
  readonly lagPp: number;
  readonly level: Level;
  readonly checkpoints: {
    checkpoint: Checkpoint;
    date: string;
    plannedPct: number;
    actualPct: number;
    lagPp: number;
  }[];
}

/**
 * Execution of every approved target in scope as of a date: SQL sums the net payments dated up to
 * the date and up to each checkpoint (set-based, one statement); the domain turns the sums into
 * planned %, actual %, lag and level.
 */
export async function monitorRows(
  db: Sql,
  scope: Scope,
  f: MonitoringFilters,
  t: Thresholds,
): Promise<{ row: MonitoredRow; view: ExecutionView }[]> {
  const cps = CHECKPOINTS.map((cp) => checkpointDate(f.fiscalYear, cp));
  const { rows } = await db.query<MonitoredRow>(
    `SELECT t.target_id, t.unit_code, t.department_code, t.project_name, t.budget::text AS budget, t.plan,
            COALESCE(SUM(p.amount) FILTER (WHERE p.pay_date <= $3::date), 0)::text AS d_asof,
            COALESCE(SUM(p.amount) FILTER (WHERE p.pay_date <= LEAST($4::date, $3::date)), 0)::text AS d_m3,
            COALESCE(SUM(p.amount) FILTER (WHERE p.pay_date <= LEAST($5::date, $3::date)), 0)::text AS d_m6,
            COALESCE(SUM(p.amount) FILTER (WHERE p.pay_date <= LEAST($6::date, $3::date)), 0)::text AS d_m10,
            COALESCE(SUM(p.amount) FILTER (WHERE p.pay_date <= LEAST($7::date, $3::date)), 0)::text AS d_m12
       FROM exec_targets t LEFT JOIN exec_payments p ON p.target_id = t.target_id
      WHERE t.fiscal_year = $1 AND t.budget IS NOT NULL AND ($2::text IS NULL OR t.unit_code = $2)
        AND ($8::boolean OR t.unit_code = ANY($9::text[]) OR t.department_code = ANY($10::text[]))
      GROUP BY t.target_id ORDER BY t.target_id`,
    [f.fiscalYear, f.unit ?? null, f.asOf, ...cps, scope.all, scope.units, scope.departments],
  );
  return rows.map((row) => ({ row, view: viewOf(row, f, cps, t) }));
}

/** Cumulative sums as payments: each step's increase, dated where the sum was taken. */
function viewOf(
  row: MonitoredRow,
  f: MonitoringFilters,
  cps: string[],
  t: Thresholds,
): ExecutionView {
  const least = (d: string) => (d < f.asOf ? d : f.asOf);
  const points = [
    ...cps.map((d, i) => ({
      date: least(d),
      sum: fenOf([row.d_m3, row.d_m6, row.d_m10, row.d_m12][i]),
    })),
    { date: f.asOf, sum: fenOf(row.d_asof) },
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.sum < b.sum ? -1 : 1));
  let before = 0n;
  const payments = points.map((p) => {
    const amount = p.sum - before;
    before = p.sum;
    return { date: p.date, amount };
  });
  return executionAsOf(
    { fiscalYear: f.fiscalYear, budget: fenOf(row.budget), plan: row.plan, payments },
    f.asOf,
    t,
  );
}

export class MonitoringTargetsQuery extends Query<{ items: MonitoredTarget[] }> {
  /** `sql`: where to read (readAt's choice for a read that names a position); none: the reads. */
  constructor(
    readonly caller: Caller,
    readonly filters: MonitoringFilters,
    readonly sql?: Sql,
  ) {
    super();
  }
}

@QueryHandler(MonitoringTargetsQuery)
export class MonitoringTargetsHandler implements IQueryHandler<MonitoringTargetsQuery> {
  constructor(private readonly reads: ReadDatabase) {}

  async execute({ caller, filters, sql = this.reads }: MonitoringTargetsQuery) {
    const t = await monitoringConfigOf(sql, filters.fiscalYear);
    const items = (await monitorRows(sql, caller.scope, filters, t))
      .filter(({ view }) => !filters.level || view.level === filters.level)
      .map(({ row, view }) => ({
        targetId: row.target_id,
        unit: row.unit_code,
        name: row.project_name,
        budget: formatYuan(view.budget),
        disbursed: formatYuan(view.disbursed),
        actualPct: view.actualPct,
        plannedPct: view.plannedPct,
        timePct: view.timePct,
        lagPp: view.lagPp,
        level: view.level,
        checkpoints: view.checkpoints.map((c) => ({ ...c })),
      }));
    return { items };
  }
}

export interface MonitoredUnit {
  readonly unit: string;
  readonly targets: number;
  readonly budget: string;
  readonly disbursed: string;
  readonly actualPct: number;
  readonly behind: { readonly yellow: number; readonly red: number };
}

export class MonitoringUnitsQuery extends Query<{ items: MonitoredUnit[] }> {
  constructor(
    readonly caller: Caller,
    readonly filters: MonitoringFilters,
    readonly sql?: Sql,
  ) {
    super();
  }
}

/** Per unit: budget, disbursed as of the date, execution rate, and targets behind by level. */
@QueryHandler(MonitoringUnitsQuery)
export class MonitoringUnitsHandler implements IQueryHandler<MonitoringUnitsQuery> {
  constructor(private readonly reads: ReadDatabase) {}

  async execute({ caller, filters, sql = this.reads }: MonitoringUnitsQuery) {
    const units = new Map<
      string,
      { targets: number; budget: bigint; disbursed: bigint; yellow: number; red: number }
    >();
    const t = await monitoringConfigOf(sql, filters.fiscalYear);
    for (const { row, view } of await monitorRows(sql, caller.scope, filters, t)) {
      const u = units.get(row.unit_code) ?? {
        targets: 0,
        budget: 0n,
        disbursed: 0n,
        yellow: 0,
        red: 0,
      };
      units.set(row.unit_code, {
        targets: u.targets + 1,
        budget: u.budget + view.budget,
        disbursed: u.disbursed + view.disbursed,
        yellow: u.yellow + (view.level === 'yellow' ? 1 : 0),
        red: u.red + (view.level === 'red' ? 1 : 0),
      });
    }
    const items = [...units].map(([unit, u]) => ({
      unit,
      targets: u.targets,
      budget: formatYuan(u.budget),
      disbursed: formatYuan(u.disbursed),
      actualPct: roundPct(actualPct(u.disbursed, u.budget)),
      behind: { yellow: u.yellow, red: u.red },
    }));
    return { items };
  }
}
