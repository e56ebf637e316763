import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  BusinessDate,
  effectivePlan,
  executionSeries,
  formatYuan,
  IllegalState,
  inScope,
  isApproved,
  NotFound,
  SeriesPoint,
  statusNameZh,
  TargetView,
  targetView,
  targetStreamId,
} from '@bp/domain';
import { ReadDatabase } from '../database/read-database';
import { PostgresEventStore } from '../event-store/event-store';
import { Caller, foldTarget, TargetStore } from './target-store';

export interface ExecutionSeriesView {
  readonly targetId: string;
  readonly fiscalYear: number;
  readonly asOf: BusinessDate;
  readonly budget: string;
  readonly disbursed: string;
  readonly checkpoints: readonly {
    checkpoint: string;
    date: string;
    plannedPct: number;
    actualPct: number;
  }[];
  readonly series: readonly SeriesPoint[];
}

export class ExecutionSeriesQuery extends Query<ExecutionSeriesView> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly asOf: BusinessDate,
  ) {
    super();
  }
}

/**
 * GET /targets/:id/execution: planned and actual % over the fiscal year, from the target's own
 * events (the source of truth, so a payment just recorded shows at once): the approved budget
 * and plan in force, and each payment net of its reversals at its payment date, as the
 * execution projection counts them. A target never approved has no execution: 409.
 */
@QueryHandler(ExecutionSeriesQuery)
export class ExecutionSeriesHandler implements IQueryHandler<ExecutionSeriesQuery> {
  constructor(private readonly targets: TargetStore) {}

  async execute({ caller, targetId, asOf }: ExecutionSeriesQuery): Promise<ExecutionSeriesView> {
    const { state } = await this.targets.load(targetId, caller.scope);
    if (!isApproved(state)) {
      throw new IllegalState(
        'TARGET_NOT_APPROVED',
        `绩效目标 ${targetId} 当前为“${statusNameZh(state.status)}”：批复后才有执行进度`,
        state.status,
        { targetId },
      );
    }
    const s = executionSeries(
      {
        fiscalYear: state.fiscalYear,
        budget: state.approved.content.budget.total,
        plan: effectivePlan(state.approved.content.plan),
        payments: state.disbursements.map((d) => ({ date: d.date, amount: d.amount - d.reversed })),
      },
      asOf,
    );
    return {
      targetId,
      fiscalYear: s.fiscalYear,
      asOf: s.asOf,
      budget: formatYuan(s.budget),
      disbursed: formatYuan(s.disbursed),
      checkpoints: s.checkpoints,
      series: s.series,
    };
  }
}

export class UnitTargetsQuery extends Query<{ unitName: string; targets: TargetView[] }> {
  constructor(
    readonly caller: Caller,
    readonly unitCode: string,
    readonly fiscalYear: number,
  ) {
    super();
  }
}

/**
 * Every target of a unit in a fiscal year that the caller may see, in project-code order, folded
 * from their streams. None (unit out of scope, or nothing that year): 404, which confirms nothing.
 */
@QueryHandler(UnitTargetsQuery)
export class UnitTargetsHandler implements IQueryHandler<UnitTargetsQuery> {
  /** A download: read where reads go, the replica when there is one (ReadDatabase). */
  constructor(
    private readonly db: ReadDatabase,
    private readonly store: PostgresEventStore,
  ) {}

  async execute({ caller, unitCode, fiscalYear }: UnitTargetsQuery) {
    const ids = inScope(caller.scope, unitCode)
      ? (
          await this.db.query<{ id: string }>(
            // a withdrawn target (作废) is no longer one of the unit's targets
            `SELECT id FROM target_list WHERE unit_code = $1 AND fiscal_year = $2 AND status <> 'withdrawn'
              ORDER BY project_code, id`,
            [unitCode, fiscalYear],
          )
        ).rows.map((r) => r.id)
      : [];
    if (ids.length === 0) {
      throw new NotFound(
        'UNIT_NOT_FOUND',
        `单位 ${unitCode} 在 ${fiscalYear} 年度没有您可查看的绩效目标`,
        { unit: unitCode, fiscalYear },
      );
    }
    const streams = await this.store.readStreams(ids.map(targetStreamId), this.db);
    const targets = [...streams.values()].map((events) => targetView(foldTarget(events)));
    targets.sort((a, b) =>
      a.projectCode < b.projectCode ? -1 : a.projectCode > b.projectCode ? 1 : 0,
    );
    return { unitName: targets[0].unitName, targets };
  }
}
