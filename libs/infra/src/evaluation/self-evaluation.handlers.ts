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
  EvaluationEntry,
  Forbidden,
  formatYuan,
  NotFound,
  roundPct,
  selfEvaluationScore,
  TargetState,
} from '@bp/domain';
import { Caller, TargetStore } from '../performance-target/target-store';
import { Database } from '../database/sql';
import { monitoringConfigOf } from '../alerts/monitoring-config';

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The self-evaluation as the API shows it: inputs, the score recomputed from them, review. */
export function selfEvaluationView(s: TargetState) {
  const e = s.selfEvaluation;
  if (!e)
    throw new NotFound('SELF_EVALUATION_NOT_FOUND', `target ${s.id} has no self-evaluation yet`, {
      targetId: s.id,
    });
  const score = selfEvaluationScore(s, e.entries, e.confirmedShares, e.weights);
  const indicators = s.approved?.content.indicators ?? [];
  return {
    targetId: s.id,
    projectName: s.approved?.content.projectName ?? '',
    status: e.status,
    budget: formatYuan(s.approved?.content.budget.total ?? 0n),
    disbursed: formatYuan(s.netDisbursed),
    executionRatePct: roundPct(score.executionRate * 100),
    executionScore: round2(score.executionScore),
    indicators: e.entries.map((entry, k) => ({
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
    })),
    total: round2(score.total),
    totalRaw: score.total,
    grade: score.grade,
    unconfirmed: score.unconfirmed,
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

  async execute({ caller, targetId, entries }: FileSelfEvaluationCommand) {
    const role = actingRole(caller.principal, ['preparer', 'unit_head', 'admin']);
    if (!role) throw new Forbidden('ROLE_FORBIDDEN', 'only the unit files its self-evaluation');
    const metadata = this.targets.metadata(caller, role);
    // the fiscal year's weights go into the event: the score stays recomputable with them
    const weights = (await monitoringConfigOf(this.db, Number(targetId.slice(0, 4)))).scoreWeights;
    const o = await this.targets.run(targetId, caller, () => ({
      type: 'FileSelfEvaluation',
      data: { targetId, entries, weights },
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
      throw new Forbidden('ROLE_FORBIDDEN', 'the department reviews self-evaluations');
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
