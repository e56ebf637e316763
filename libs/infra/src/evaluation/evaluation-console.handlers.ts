import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  approvedOf,
  EvaluationEntry,
  Forbidden,
  formatYuan,
  ledgerOf,
  MonitoringRound,
  parseIndicatorTarget,
  previewSelfEvaluation,
  roundPct,
  Scope,
} from '@bp/domain';
import { Database } from '../database/sql';
import { monitoringConfigOf } from '../alerts/monitoring-config';
import { todayInShanghai } from '../monitoring/business-date';
import { Caller, TargetStore } from '../performance-target/target-store';
import { Clock, CLOCK } from '../shared/clock';
import { loadRound } from './monitoring-rounds.handlers';
import { selfEvaluationView } from './self-evaluation.handlers';

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The score a self-evaluation would get, computed by the server's scoring and written nowhere. */
export class ScoreSelfEvaluationQuery extends Query<ReturnType<typeof scoreView>> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly entries: EvaluationEntry[],
    readonly confirmedShares: Record<string, number> = {},
  ) {
    super();
  }
}

function scoreView(score: ReturnType<typeof previewSelfEvaluation>, executionPoints: number) {
  return {
    executionRatePct: roundPct(score.executionRate * 100),
    executionScore: round2(score.executionScore),
    executionPoints,
    indicators: score.indicators.map((i) => ({
      name: i.name,
      level1: i.level1,
      points: round2(i.points),
      score: round2(i.score),
      ratio: i.ratio,
      applicable: i.applicable,
      fullyMet: i.fullyMet,
    })),
    total: round2(score.total),
    totalRaw: score.total,
    grade: score.grade,
    missingExplanations: score.missingExplanations,
    unconfirmed: score.unconfirmed,
  };
}

@QueryHandler(ScoreSelfEvaluationQuery)
export class ScoreSelfEvaluationHandler implements IQueryHandler<ScoreSelfEvaluationQuery> {
  constructor(
    private readonly targets: TargetStore,
    private readonly db: Database,
  ) {}

  async execute({ caller, targetId, entries, confirmedShares }: ScoreSelfEvaluationQuery) {
    const roles = ['preparer', 'unit_head', 'admin', 'department_reviewer'];
    if (!caller.principal.roles.some((r) => roles.includes(r)))
      throw new Forbidden(
        'ROLE_FORBIDDEN',
        '绩效自评的试算由本单位填报人、单位负责人或部门审核人使用',
      );
    const { state } = await this.targets.load(targetId, caller.scope);
    // a filed evaluation keeps the weights it was filed with; a new one takes the year's
    const weights =
      state.selfEvaluation?.weights ??
      (await monitoringConfigOf(this.db, state.fiscalYear)).scoreWeights;
    const score = previewSelfEvaluation(state, entries, confirmedShares, weights);
    return scoreView(score, weights.execution);
  }
}

/** The monitoring rounds of a year that cover something in the caller's scope. */
export class ListRoundsQuery extends Query<MonitoringRound[]> {
  constructor(
    readonly caller: Caller,
    readonly fiscalYear: number,
  ) {
    super();
  }
}

@QueryHandler(ListRoundsQuery)
export class ListRoundsHandler implements IQueryHandler<ListRoundsQuery> {
  constructor(private readonly db: Database) {}

  async execute({ caller, fiscalYear }: ListRoundsQuery) {
    const s = caller.scope;
    const { rows } = await this.db.query<{ round_id: string }>(
      `SELECT r.round_id FROM monitoring_rounds r
        WHERE r.fiscal_year = $1
          AND ($2::boolean OR r.department_code IS NULL OR r.department_code = ANY($3::text[])
               OR EXISTS (SELECT 1 FROM target_list t WHERE t.department_code = r.department_code
                                                     AND t.unit_code = ANY($4::text[])))
        ORDER BY r.as_of DESC, r.opened_at DESC`,
      [fiscalYear, s.all, s.departments, s.units],
    );
    return Promise.all(rows.map((r) => loadRound(this.db, r.round_id)));
  }
}

/** Each approved target a round covers (in the caller's scope) and where its report stands. */
export class RoundTargetsQuery extends Query<unknown> {
  constructor(
    readonly caller: Caller,
    readonly roundId: string,
  ) {
    super();
  }
}

interface RoundTargetRow {
  id: string;
  unit_code: string;
  unit_name: string;
  project_name: string;
  status: string | null;
  at: string | null;
  actor: string | null;
  opinion: string | null;
}

/** The approved targets a round covers in scope, each with the last filing or review of its report. */
async function roundTargetRows(
  db: Database,
  round: MonitoringRound,
  roundId: string,
  s: Scope,
): Promise<RoundTargetRow[]> {
  const { rows } = await db.query<RoundTargetRow>(
    `SELECT t.id, t.unit_code, t.unit_name, t.project_name, r.status, r.at, r.actor, r.opinion
       FROM target_list t
       LEFT JOIN LATERAL (
         SELECT CASE e.type WHEN 'MonitoringReportFiled' THEN 'filed' ELSE e.data->>'outcome' END AS status,
                e.metadata->>'at' AS at, e.metadata->'actor'->>'name' AS actor, e.data->>'opinion' AS opinion
           FROM events e WHERE e.target_id = t.id AND e.type IN ('MonitoringReportFiled', 'MonitoringReportReviewed') AND e.data->>'roundId' = $2
          ORDER BY e.global_position DESC LIMIT 1) r ON true
      WHERE t.fiscal_year = $1 AND t.status = 'approved'
        AND ($3::boolean OR t.unit_code = ANY($4::text[]) OR t.department_code = ANY($5::text[]))
        AND ($6::text IS NULL OR t.department_code = $6)
      ORDER BY t.unit_code, t.id`,
    [round.fiscalYear, roundId, s.all, s.units, s.departments, round.departmentCode ?? null],
  );
  return rows;
}

@QueryHandler(RoundTargetsQuery)
export class RoundTargetsHandler implements IQueryHandler<RoundTargetsQuery> {
  constructor(
    private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ caller, roundId }: RoundTargetsQuery) {
    const round = await loadRound(this.db, roundId);
    const rows = await roundTargetRows(this.db, round, roundId, caller.scope);
    // late: the deadline has passed and nothing stands filed or accepted (returned means redo)
    const past = todayInShanghai(this.clock) > round.deadline;
    return {
      ...round,
      targets: rows.map((r) => ({
        targetId: r.id,
        unitCode: r.unit_code,
        unitName: r.unit_name,
        projectName: r.project_name,
        status: r.status ?? 'none',
        at: r.at,
        by: r.actor,
        opinion: r.opinion || null,
        late: past && (r.status === null || r.status === 'returned'),
      })),
    };
  }
}

/** What the self-evaluation form needs: the indicators with the kind of value each takes, the money, and any filing. */
export class SelfEvaluationFormQuery extends Query<unknown> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
  ) {
    super();
  }
}

@QueryHandler(SelfEvaluationFormQuery)
export class SelfEvaluationFormHandler implements IQueryHandler<SelfEvaluationFormQuery> {
  constructor(
    private readonly targets: TargetStore,
    private readonly db: Database,
  ) {}

  async execute({ caller, targetId }: SelfEvaluationFormQuery) {
    const { state } = await this.targets.load(targetId, caller.scope);
    const content = approvedOf(state)?.content;
    const weights =
      state.selfEvaluation?.weights ??
      (await monitoringConfigOf(this.db, state.fiscalYear)).scoreWeights;
    return {
      targetId: state.id,
      fiscalYear: state.fiscalYear,
      unitCode: state.unitCode,
      projectName: content?.projectName ?? state.content.projectName,
      status: state.status,
      budget: formatYuan(content?.budget.total ?? 0n),
      disbursed: formatYuan(ledgerOf(state).netDisbursed),
      weights,
      indicators: (content?.indicators ?? []).map((ind, index) => {
        const parsed = parseIndicatorTarget(ind.target);
        return {
          index,
          level1: ind.level1,
          level2: ind.level2,
          name: ind.name,
          target: ind.target,
          targetKind: parsed.kind,
          unit: parsed.kind === 'quantitative' ? parsed.unit : '',
        };
      }),
      evaluation: state.selfEvaluation ? selfEvaluationView(state) : null,
    };
  }
}

/** Each approved target of a year in the caller's scope with where its self-evaluation stands. */
export class ListSelfEvaluationsQuery extends Query<unknown> {
  constructor(
    readonly caller: Caller,
    readonly fiscalYear: number,
  ) {
    super();
  }
}

@QueryHandler(ListSelfEvaluationsQuery)
export class ListSelfEvaluationsHandler implements IQueryHandler<ListSelfEvaluationsQuery> {
  constructor(private readonly db: Database) {}

  async execute({ caller, fiscalYear }: ListSelfEvaluationsQuery) {
    const s = caller.scope;
    const { rows } = await this.db.query<{
      id: string;
      unit_name: string;
      project_name: string;
      status: string | null;
      total: number | null;
      grade: string | null;
      at: string | null;
      actor: string | null;
    }>(
      `SELECT t.id, t.unit_name, t.project_name, r.status, r.total, r.grade, r.at, r.actor
         FROM target_list t
         LEFT JOIN LATERAL (
           SELECT CASE e.type WHEN 'SelfEvaluationFiled' THEN 'filed' ELSE e.data->>'outcome' END AS status,
                  (e.data->'score'->>'total')::float8 AS total, e.data->'score'->>'grade' AS grade,
                  e.metadata->>'at' AS at, e.metadata->'actor'->>'name' AS actor
             FROM events e WHERE e.target_id = t.id AND e.type IN ('SelfEvaluationFiled', 'SelfEvaluationReviewed')
            ORDER BY e.global_position DESC LIMIT 1) r ON true
        WHERE t.fiscal_year = $1 AND t.status = 'approved'
          AND ($2::boolean OR t.unit_code = ANY($3::text[]) OR t.department_code = ANY($4::text[]))
        ORDER BY t.unit_code, t.id`,
      [fiscalYear, s.all, s.units, s.departments],
    );
    return rows.map((r) => ({
      targetId: r.id,
      unitName: r.unit_name,
      projectName: r.project_name,
      status: r.status ?? 'none',
      total: r.total === null ? null : round2(r.total),
      grade: r.grade,
      at: r.at,
      by: r.actor,
    }));
  }
}
