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
  EvaluationEntry,
  Fen,
  Forbidden,
  formatYuan,
  Indicator,
  ledgerOf,
  NotFound,
  roundPct,
  selfEvaluationScore,
  SelfEvaluationScore,
  SelfEvaluationTexts,
  TargetState,
  targetStreamId,
} from '@bp/domain';
import { Caller, foldTarget, TargetStore } from '../performance-target/target-store';
import { PostgresEventStore, RecordedEvent } from '../event-store/event-store';
import { Database } from '../database/sql';
import { monitoringConfigOf } from '../alerts/monitoring-config';

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Each filed indicator with its actual value, explanation, confirmed share and points. */
function indicatorViews(
  e: {
    readonly entries: readonly EvaluationEntry[];
    readonly confirmedShares: Readonly<Record<string, number>>;
  },
  score: SelfEvaluationScore,
  indicators: readonly Indicator[],
) {
  return e.entries.map((entry, k) => ({
    index: entry.index,
    ...indicators[entry.index],
    actual: entry.actual,
    explanation:
      entry.explanation ??
      (entry.actual.kind === 'notApplicable' ? entry.actual.explanation : null) ??
      null,
    confirmedShare: e.confirmedShares[String(entry.index)] ?? null,
    points: round2(score.indicators[k].points),
    score: round2(score.indicators[k].score),
    applicable: score.indicators[k].applicable,
  }));
}

/** The self-evaluation as the API shows it: inputs, the score recomputed from them, review. */
export function selfEvaluationView(target: TargetState) {
  const s = assertExists(target); // one the handler loaded or has just written to
  const approved = approvedOf(s);
  const e = s.selfEvaluation;
  if (!e)
    throw new NotFound('SELF_EVALUATION_NOT_FOUND', `绩效目标 ${s.id} 尚未填报绩效自评`, {
      targetId: s.id,
    });
  const score = selfEvaluationScore(s, e.entries, e.confirmedShares, e.weights);
  return {
    targetId: s.id,
    projectName: approved?.content.projectName ?? '',
    status: e.status,
    budget: formatYuan(approved?.content.budget.total ?? 0n),
    disbursed: formatYuan(ledgerOf(s).netDisbursed),
    executionRatePct: roundPct(score.executionRate * 100),
    executionScore: round2(score.executionScore),
    indicators: indicatorViews(e, score, approved?.content.indicators ?? []),
    total: round2(score.total),
    totalRaw: score.total,
    grade: score.grade,
    unconfirmed: score.unconfirmed,
    /** Points of the execution rate in the year's weights (10 by default). */
    executionPoints: e.weights.execution,
    achievement: e.texts.achievement ?? null,
    conclusion: e.texts.conclusion ?? null,
    problems: e.texts.problems ?? null,
    improvements: e.texts.improvements ?? null,
    filedBy: { id: e.filedBy.id, name: e.filedBy.name },
    filedAt: e.filedAt,
    reviewedBy: e.reviewedBy && { id: e.reviewedBy.id, name: e.reviewedBy.name },
    opinion: e.opinion,
  };
}

export type SelfEvaluationView = ReturnType<typeof selfEvaluationView>;

export class FileSelfEvaluationCommand extends Command<{
  view: SelfEvaluationView;
  position: bigint;
}> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly entries: EvaluationEntry[],
    readonly texts: SelfEvaluationTexts = {},
  ) {
    super();
  }
}

@CommandHandler(FileSelfEvaluationCommand)
export class FileSelfEvaluationHandler implements ICommandHandler<FileSelfEvaluationCommand> {
  constructor(
    private readonly targets: TargetStore,
    private readonly db: Database,
  ) {}

  async execute({ caller, targetId, entries, texts }: FileSelfEvaluationCommand) {
    const role = actingRole(caller.principal, ['preparer', 'unit_head', 'admin']);
    if (!role) throw new Forbidden('ROLE_FORBIDDEN', '绩效自评由本单位的填报人或单位负责人填报');
    const metadata = this.targets.metadata(caller, role);
    // the fiscal year's weights go into the event: the score stays recomputable with them
    const weights = (await monitoringConfigOf(this.db, Number(targetId.slice(0, 4)))).scoreWeights;
    const o = await this.targets.run(targetId, caller, () => ({
      type: 'FileSelfEvaluation',
      data: { targetId, entries, weights, texts },
      metadata,
    }));
    return { view: selfEvaluationView(o.state), position: o.position };
  }
}

export class ReviewSelfEvaluationCommand extends Command<{
  view: SelfEvaluationView;
  position: bigint;
}> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly outcome: 'accepted' | 'returned',
    readonly opinion: string,
    readonly confirmedShares: Record<string, number>,
  ) {
    super();
  }
}

@CommandHandler(ReviewSelfEvaluationCommand)
export class ReviewSelfEvaluationHandler implements ICommandHandler<ReviewSelfEvaluationCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute(c: ReviewSelfEvaluationCommand) {
    if (!c.caller.principal.roles.includes('department_reviewer'))
      throw new Forbidden('ROLE_FORBIDDEN', '绩效自评由部门审核人审核');
    const metadata = this.targets.metadata(c.caller, 'department_reviewer');
    const data = {
      targetId: c.targetId,
      outcome: c.outcome,
      opinion: c.opinion,
      confirmedShares: c.confirmedShares,
    };
    const o = await this.targets.run(c.targetId, c.caller, () => ({
      type: 'ReviewSelfEvaluation',
      data,
      metadata,
    }));
    return { view: selfEvaluationView(o.state), position: o.position };
  }
}

export class GetSelfEvaluationQuery extends Query<SelfEvaluationView> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
  ) {
    super();
  }
}

@QueryHandler(GetSelfEvaluationQuery)
export class GetSelfEvaluationHandler implements IQueryHandler<GetSelfEvaluationQuery> {
  constructor(private readonly targets: TargetStore) {}

  async execute({ caller, targetId }: GetSelfEvaluationQuery) {
    return selfEvaluationView((await this.targets.load(targetId, caller.scope)).state);
  }
}

/** Budget, approved budget and money paid of one fund (or both), in fen. */
export interface FundFigures {
  /** 年初预算数: the budget of the first approval. */
  readonly initial: Fen;
  /** 调整后预算数: the budget in force after the approved adjustments. */
  readonly adjusted: Fen;
  /** 预算执行数: net disbursed (reversals deducted). */
  readonly executed: Fen;
}

/** What the 绩效自评表 shows: the self-evaluation and the target's identity, goals and funds. */
export interface SelfEvaluationSheet {
  readonly view: SelfEvaluationView;
  readonly fiscalYear: number;
  readonly unitCode: string;
  readonly unitName: string;
  readonly goals: string;
  readonly funds: Readonly<Record<'total' | 'fiscal' | 'other', FundFigures>>;
}

/** Net disbursed of one fund source: each payment less what reversals took back of it. */
const executedOf = (s: TargetState, source: 'fiscal' | 'other') =>
  ledgerOf(s)
    .disbursements.filter((d) => d.source === source)
    .reduce((sum, d) => sum + d.amount - d.reversed, 0n);

/**
 * The sheet of a target from its state and its stream: the state holds only the budget in
 * force, so the 年初预算数 is the state folded up to the first TargetApproved.
 */
export function selfEvaluationSheet(
  target: TargetState,
  events: readonly RecordedEvent[],
): SelfEvaluationSheet {
  const s = assertExists(target);
  const view = selfEvaluationView(s);
  const first = events.findIndex((e) => e.type === 'TargetApproved');
  const zero = { total: 0n, fiscal: 0n, other: 0n };
  const initial = (first < 0 ? null : approvedOf(foldTarget(events.slice(0, first + 1))))?.content
    .budget;
  const start = initial ?? zero;
  const approved = approvedOf(s);
  const now = approved?.content.budget ?? zero;
  const fiscal = executedOf(s, 'fiscal');
  const other = executedOf(s, 'other');
  return {
    view,
    fiscalYear: s.fiscalYear,
    unitCode: s.unitCode,
    unitName: approved?.content.unitName ?? s.content.unitName,
    goals: approved?.content.goals ?? '',
    funds: {
      total: { initial: start.total, adjusted: now.total, executed: ledgerOf(s).netDisbursed },
      fiscal: { initial: start.fiscal, adjusted: now.fiscal, executed: fiscal },
      other: { initial: start.other, adjusted: now.other, executed: other },
    },
  };
}

export class SelfEvaluationSheetQuery extends Query<SelfEvaluationSheet> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
  ) {
    super();
  }
}

@QueryHandler(SelfEvaluationSheetQuery)
export class SelfEvaluationSheetHandler implements IQueryHandler<SelfEvaluationSheetQuery> {
  constructor(
    private readonly targets: TargetStore,
    private readonly store: PostgresEventStore,
  ) {}

  async execute({ caller, targetId }: SelfEvaluationSheetQuery) {
    // load first: it answers 404 for a target out of the caller's scope
    const { state } = await this.targets.load(targetId, caller.scope);
    const events = await this.store.readStream(targetStreamId(targetId));
    return selfEvaluationSheet(state, events);
  }
}
