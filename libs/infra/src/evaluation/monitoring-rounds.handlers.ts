import {
  Command,
  CommandHandler,
  ICommandHandler,
  IQueryHandler,
  Query,
  QueryHandler,
} from '@nestjs/cqrs';
import {
  actingRole,
  approvedOf,
  assertExists,
  divergenceAlert,
  Forbidden,
  formatYuan,
  Indicator,
  indicatorProgressPct,
  ledgerOf,
  MonitoringRound,
  NotFound,
  MonitoringRoundOpened,
  roundDecider,
  parseIndicatorTarget,
  roundCovers,
  ReportLine,
  roundPct,
  roundStreamId,
  TargetState,
  actualPct,
  timePct,
  TimeProgressMethod,
} from '@bp/domain';
import { randomUUID } from 'crypto';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { monitoringConfigOf } from '../alerts/monitoring-config';
import { todayInShanghai } from '../monitoring/business-date';
import { Caller, TargetStore } from '../performance-target/target-store';
import { Clock, CLOCK } from '../shared/clock';
import { Inject } from '@nestjs/common';
import { handle, Written } from '../event-store/handle';

export class OpenRoundCommand extends Command<{ round: MonitoringRound; position: bigint }> {
  constructor(
    readonly caller: Caller,
    readonly input: Omit<MonitoringRound, 'roundId'>,
  ) {
    super();
  }
}

/** The department or finance opens a round; units report in it until its deadline. */
/** The `monitoring_rounds` row of an opened round, in the transaction of its event. */
async function insertRoundRow(
  sql: Sql,
  w: Written<MonitoringRound | null, MonitoringRoundOpened>,
): Promise<void> {
  for (const { data: r, metadata: m } of w.events) {
    await sql.query(
      `INSERT INTO monitoring_rounds (round_id, fiscal_year, name, as_of, deadline, opened_by, opened_at, department_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        r.roundId,
        r.fiscalYear,
        r.name,
        r.asOf,
        r.deadline,
        JSON.stringify({ id: m.actor.id, name: m.actor.name }),
        m.at,
        r.departmentCode ?? null,
      ],
    );
  }
}

@CommandHandler(OpenRoundCommand)
export class OpenRoundHandler implements ICommandHandler<OpenRoundCommand> {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
  ) {}

  async execute({ caller, input }: OpenRoundCommand) {
    const role = actingRole(caller.principal, ['department_reviewer', 'finance_reviewer', 'admin']);
    if (!role) throw new Forbidden('ROLE_FORBIDDEN', '运行监控轮次由部门审核人或财政审核人发起');
    // a department's round covers its own units; finance's and an admin's cover all
    const departmentCode = role === 'department_reviewer' ? caller.principal.department : null;
    if (departmentCode === undefined)
      throw new Forbidden('ROLE_FORBIDDEN', '部门审核人须属于某个部门才能发起运行监控轮次');
    const round = { ...input, roundId: randomUUID(), departmentCode };
    const metadata = this.targets.metadata(caller, role);
    const ctx = { db: this.db, store: this.store };
    const command = { type: 'OpenMonitoringRound' as const, data: round, metadata };
    const r = await handle(ctx, roundDecider, roundStreamId(round.roundId), command, {
      alsoWrite: insertRoundRow,
    });
    return { round: r.events[0].data, position: r.position };
  }
}

export async function loadRound(db: Database, roundId: string): Promise<MonitoringRound> {
  const { rows } = await db.query<{
    round_id: string;
    fiscal_year: number;
    name: string;
    as_of: string;
    deadline: string;
    department_code: string | null;
  }>(
    `SELECT round_id, fiscal_year, name, to_char(as_of, 'YYYY-MM-DD') AS as_of, to_char(deadline, 'YYYY-MM-DD') AS deadline, department_code FROM monitoring_rounds WHERE round_id = $1`,
    [roundId],
  );
  const r = rows[0];
  if (!r) throw new NotFound('ROUND_NOT_FOUND', `监控轮次 ${roundId} 不存在`, { roundId });
  return {
    roundId: r.round_id,
    fiscalYear: r.fiscal_year,
    name: r.name,
    asOf: r.as_of,
    deadline: r.deadline,
    departmentCode: r.department_code,
  };
}

/** Net disbursed by a date, from the target's own events. */
function disbursedBy(s: TargetState, date: string): bigint {
  return ledgerOf(s)
    .disbursements.filter((d) => d.date <= date)
    .reduce((sum, d) => sum + d.amount - d.reversed, 0n);
}

/**
 * The year's money at the pace of time so far (the year's 序时进度 method), never above the
 * budget.
 */
function expectedFullYear(
  disbursed: bigint,
  budget: bigint,
  asOf: string,
  method: TimeProgressMethod,
): bigint {
  const elapsed = timePct(asOf, method);
  const expected =
    elapsed > 0 ? (disbursed * 10000n) / BigInt(Math.max(1, Math.round(elapsed * 100))) : 0n;
  return expected > budget ? budget : expected;
}

/** Each indicator of the approved target beside what the report says of it (if filed). */
function indicatorLines(
  indicators: readonly Indicator[],
  lines: readonly ReportLine[] | undefined,
) {
  return indicators.map((ind, index) => {
    const line = lines?.find((l) => l.index === index);
    return {
      index,
      level1: ind.level1,
      level2: ind.level2,
      name: ind.name,
      target: ind.target,
      // the kind of value 完成值 takes (数值 / 是否 / 文字), so a form can ask for the right one
      targetKind: parseIndicatorTarget(ind.target).kind,
      completed: line?.completed ?? null,
      expected: line?.expected ?? null,
      likelihood: line?.likelihood ?? null,
      causes: line?.causes ?? [],
      causeText: line?.causeText ?? null,
      correction: line?.correction ?? null,
    };
  });
}

/** The 执行监控表 of a target in a round: the money side beside each indicator's target and completion. */
export function monitoringTableView(
  target: TargetState,
  round: MonitoringRound,
  method: TimeProgressMethod = 'days',
) {
  const s = assertExists(target); // one the caller loaded or has just reported on
  const approved = approvedOf(s);
  const budget = approved?.content.budget.total ?? 0n;
  const disbursed = disbursedBy(s, round.asOf);
  const spending = actualPct(disbursed, budget);
  const expected = expectedFullYear(disbursed, budget, round.asOf, method);
  const report = s.reports[round.roundId];
  const progress = report ? indicatorProgressPct(s, report.lines) : null;
  return {
    targetId: s.id,
    projectName: approved?.content.projectName ?? '',
    round: { roundId: round.roundId, name: round.name, asOf: round.asOf },
    budget: formatYuan(budget),
    disbursed: formatYuan(disbursed),
    executionRatePct: roundPct(spending),
    expectedFullYear: formatYuan(expected),
    report: report
      ? {
          status: report.status,
          filedBy: { id: report.filedBy.id, name: report.filedBy.name },
          opinion: report.opinion,
        }
      : null,
    indicatorProgressPct: progress === null ? null : roundPct(progress),
    divergencePp: progress === null ? null : roundPct(progress - spending),
    indicators: indicatorLines(approved?.content.indicators ?? [], report?.lines),
  };
}

export type MonitoringTableView = ReturnType<typeof monitoringTableView>;

export class FileReportCommand extends Command<{
  table: MonitoringTableView;
  position: bigint;
  divergence: boolean;
}> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly roundId: string,
    readonly lines: ReportLine[],
  ) {
    super();
  }
}

/**
 * A unit files its monitoring report in a round; when indicator and spending progress differ
 * by more than the threshold (the yellow one of the year, 10 pp by default), a divergence alert
 * follows, raised by the divergence reactor from the committed event, not by this request.
 */
@CommandHandler(FileReportCommand)
export class FileReportHandler implements ICommandHandler<FileReportCommand> {
  constructor(
    private readonly db: Database,
    private readonly targets: TargetStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caller, targetId, roundId, lines }: FileReportCommand) {
    const role = actingRole(caller.principal, ['preparer', 'unit_head', 'admin']);
    if (!role)
      throw new Forbidden('ROLE_FORBIDDEN', '运行监控报告由本单位的填报人或单位负责人填报');
    const round = await loadRound(this.db, roundId);
    const metadata = this.targets.metadata(caller, role);
    const today = todayInShanghai(this.clock);
    const o = await this.targets.run(targetId, caller, () => ({
      type: 'FileMonitoringReport',
      data: { targetId, round, today, lines },
      metadata,
    }));
    const config = await monitoringConfigOf(this.db, round.fiscalYear);
    const table = monitoringTableView(o.state, round, config.timeProgressMethod);
    // the answer says whether an alert follows; the divergence reactor raises it after commit
    const divergence = divergenceAlert(round.asOf, table, config.yellowPp) !== null;
    return { table, position: o.position, divergence };
  }
}

export class ReviewReportCommand extends Command<{ table: MonitoringTableView; position: bigint }> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly roundId: string,
    readonly outcome: 'accepted' | 'returned',
    readonly opinion: string,
  ) {
    super();
  }
}

@CommandHandler(ReviewReportCommand)
export class ReviewReportHandler implements ICommandHandler<ReviewReportCommand> {
  constructor(
    private readonly db: Database,
    private readonly targets: TargetStore,
  ) {}

  async execute(c: ReviewReportCommand) {
    if (!c.caller.principal.roles.includes('department_reviewer'))
      throw new Forbidden('ROLE_FORBIDDEN', '运行监控报告由部门审核人审核');
    const round = await loadRound(this.db, c.roundId);
    const metadata = this.targets.metadata(c.caller, 'department_reviewer');
    const data = {
      targetId: c.targetId,
      roundId: c.roundId,
      outcome: c.outcome,
      opinion: c.opinion,
    };
    const o = await this.targets.run(c.targetId, c.caller, () => ({
      type: 'ReviewMonitoringReport',
      data,
      metadata,
    }));
    const { timeProgressMethod } = await monitoringConfigOf(this.db, round.fiscalYear);
    return {
      table: monitoringTableView(o.state, round, timeProgressMethod),
      position: o.position,
    };
  }
}

export class MonitoringTableQuery extends Query<MonitoringTableView> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly roundId: string,
  ) {
    super();
  }
}

@QueryHandler(MonitoringTableQuery)
export class MonitoringTableHandler implements IQueryHandler<MonitoringTableQuery> {
  constructor(
    private readonly db: Database,
    private readonly targets: TargetStore,
  ) {}

  async execute({ caller, targetId, roundId }: MonitoringTableQuery) {
    const round = await loadRound(this.db, roundId);
    const { state } = await this.targets.load(targetId, caller.scope);
    if (!roundCovers(round, state.unitCode))
      throw new NotFound('ROUND_NOT_FOUND', `监控轮次 ${roundId} 不存在`, { roundId });
    const { timeProgressMethod } = await monitoringConfigOf(this.db, round.fiscalYear);
    return monitoringTableView(state, round, timeProgressMethod);
  }
}

export class RoundStatusQuery extends Query<unknown> {
  constructor(
    readonly caller: Caller,
    readonly roundId: string,
  ) {
    super();
  }
}

/** A round with how many approved targets of its year (in the caller's scope) have reported. */
@QueryHandler(RoundStatusQuery)
export class RoundStatusHandler implements IQueryHandler<RoundStatusQuery> {
  constructor(private readonly db: Database) {}

  async execute({ caller, roundId }: RoundStatusQuery) {
    const round = await loadRound(this.db, roundId);
    const s = caller.scope;
    const { rows } = await this.db.query<{ status: string | null; n: string }>(
      `SELECT r.status, count(*)::text AS n
         FROM target_list t
         LEFT JOIN LATERAL (
           SELECT CASE e.type WHEN 'MonitoringReportFiled' THEN 'filed' ELSE e.data->>'outcome' END AS status
             FROM events e WHERE e.target_id = t.id AND e.type IN ('MonitoringReportFiled', 'MonitoringReportReviewed') AND e.data->>'roundId' = $2
            ORDER BY e.global_position DESC LIMIT 1) r ON true
        WHERE t.fiscal_year = $1 AND t.status = 'approved'
          AND ($3::boolean OR t.unit_code = ANY($4::text[]) OR t.department_code = ANY($5::text[]))
          AND ($6::text IS NULL OR t.department_code = $6)
        GROUP BY r.status`,
      [round.fiscalYear, roundId, s.all, s.units, s.departments, round.departmentCode ?? null],
    );
    const count = (k: string | null) => Number(rows.find((r) => r.status === k)?.n ?? 0);
    const targets = rows.reduce((sum, r) => sum + Number(r.n), 0);
    return {
      ...round,
      targets,
      reported: targets - count(null),
      filed: count('filed'),
      accepted: count('accepted'),
      returned: count('returned'),
    };
  }
}
