import { Actor, Command, DomainEvent, eventMetadata } from '../shared/decider';
import { IllegalState, InvalidInput, Refused } from '../shared/errors';
import { statusNameZh } from '../shared/names.zh';
import {
  approvedOf,
  assertApproved,
  assertExists,
  ledgerOf,
  TargetState,
} from '../performance-target/target-phase';
import {
  DEFAULT_SCORE_WEIGHTS,
  IndicatorActual,
  IndicatorInput,
  scoreSelfEvaluation,
  ScoreWeights,
  SelfEvaluationScore,
} from './self-evaluation.score';

/** One indicator's year-end report, by its place in the target's indicator list. */
export interface EvaluationEntry {
  readonly index: number;
  readonly actual: IndicatorActual;
  readonly weight?: number;
  readonly explanation?: string;
}

/**
 * The texts of the 绩效自评表 beside the scores: 实际完成情况 of the year's goals, 评价结论,
 * 存在问题, 改进措施. Each is optional; events filed before they existed have none.
 */
export interface SelfEvaluationTexts {
  readonly achievement?: string;
  readonly conclusion?: string;
  readonly problems?: string;
  readonly improvements?: string;
}

export const SELF_EVALUATION_TEXT_FIELDS = [
  'achievement',
  'conclusion',
  'problems',
  'improvements',
] as const;

/** The texts trimmed, blank ones left out (so an event without texts stays as it was). */
export function cleanTexts(t: SelfEvaluationTexts = {}): SelfEvaluationTexts {
  const out: { -readonly [K in keyof SelfEvaluationTexts]: string } = {};
  for (const k of SELF_EVALUATION_TEXT_FIELDS) {
    const v = t[k]?.trim();
    if (v) out[k] = v;
  }
  return out;
}

export type FileSelfEvaluation = Command<
  'FileSelfEvaluation',
  {
    readonly targetId: string;
    readonly entries: readonly EvaluationEntry[];
    /** The fiscal year's weights (the infrastructure reads the year's configuration). */
    readonly weights?: ScoreWeights;
    readonly texts?: SelfEvaluationTexts;
  }
>;
export type ReviewSelfEvaluation = Command<
  'ReviewSelfEvaluation',
  {
    readonly targetId: string;
    readonly outcome: 'accepted' | 'returned';
    readonly opinion: string;
    /** For qualitative indicators: the share the reviewer confirms, by indicator index. */
    readonly confirmedShares: Readonly<Record<string, number>>;
  }
>;

interface ScoreSummary {
  readonly total: number;
  readonly grade: SelfEvaluationScore['grade'];
  readonly executionRate: number;
}

export type SelfEvaluationFiled = DomainEvent<
  'SelfEvaluationFiled',
  {
    readonly targetId: string;
    readonly entries: readonly EvaluationEntry[];
    /** The weights of the fiscal year when filed: the score is recomputed with them. */
    readonly weights?: ScoreWeights;
    /** Absent in events filed before the texts existed, and when none was given. */
    readonly texts?: SelfEvaluationTexts;
    readonly score: ScoreSummary;
  }
>;
export type SelfEvaluationReviewed = DomainEvent<
  'SelfEvaluationReviewed',
  {
    readonly targetId: string;
    readonly outcome: 'accepted' | 'returned';
    readonly opinion: string;
    readonly confirmedShares: Readonly<Record<string, number>>;
    readonly score: ScoreSummary;
  }
>;

export interface SelfEvaluationState {
  readonly status: 'filed' | 'accepted' | 'returned';
  readonly entries: readonly EvaluationEntry[];
  readonly weights: ScoreWeights;
  readonly texts: SelfEvaluationTexts;
  readonly confirmedShares: Readonly<Record<string, number>>;
  readonly filedBy: Actor;
  readonly filedAt: string;
  readonly reviewedBy: Actor | null;
  readonly opinion: string;
}

/** The score of a target's self-evaluation, recomputed from its inputs (never stored alone). */
export function selfEvaluationScore(
  s: TargetState,
  entries: readonly EvaluationEntry[],
  confirmed: Readonly<Record<string, number>> = {},
  weights: ScoreWeights = DEFAULT_SCORE_WEIGHTS,
): SelfEvaluationScore {
  const approved = approvedOf(s);
  const indicators = approved?.content.indicators ?? [];
  const inputs: IndicatorInput[] = entries.map((e) => ({
    indicator: indicators[e.index],
    actual: e.actual,
    weight: e.weight,
    explanation: e.explanation,
    confirmedShare: confirmed[String(e.index)],
  }));
  return scoreSelfEvaluation(
    approved?.content.budget.total ?? 0n,
    ledgerOf(s).netDisbursed,
    inputs,
    weights,
  );
}

const summary = (x: SelfEvaluationScore): ScoreSummary => ({
  total: x.total,
  grade: x.grade,
  executionRate: x.executionRate,
});

function assertEntries(s: TargetState, entries: readonly EvaluationEntry[]): void {
  const count = approvedOf(s)?.content.indicators.length ?? 0;
  const seen = new Set(entries.map((e) => e.index));
  if (
    entries.length !== count ||
    seen.size !== count ||
    entries.some((e) => !Number.isInteger(e.index) || e.index < 0 || e.index >= count)
  ) {
    throw new InvalidInput(
      'ENTRIES_INCOMPLETE',
      `请按序号 0 至 ${count - 1} 逐项填报全部 ${count} 项指标，每项一次`,
      'entries',
    );
  }
}

/**
 * The score a filing would get, without filing (the console shows it as the unit types): the
 * same checks of the entries as a filing, but missing explanations are listed, not refused.
 */
export function previewSelfEvaluation(
  s: TargetState,
  entries: readonly EvaluationEntry[],
  confirmed: Readonly<Record<string, number>> = {},
  weights: ScoreWeights = DEFAULT_SCORE_WEIGHTS,
): SelfEvaluationScore {
  assertApproved(s, '自评');
  assertEntries(s, entries);
  return selfEvaluationScore(s, entries, confirmed, weights);
}

/** The unit files its year-end values; explanations are required where an indicator is not fully met. */
export function fileSelfEvaluation(
  cmd: FileSelfEvaluation,
  s: TargetState,
  current: SelfEvaluationState | null,
): SelfEvaluationFiled[] {
  assertApproved(s, '自评');
  if (current && current.status !== 'returned') {
    throw new IllegalState(
      'SELF_EVALUATION_NOT_EDITABLE',
      `该绩效自评当前为“${statusNameZh(current.status)}”，不能修改`,
      s.status,
      { selfEvaluation: current.status },
    );
  }
  assertEntries(s, cmd.data.entries);
  const weights = cmd.data.weights ?? DEFAULT_SCORE_WEIGHTS;
  const score = selfEvaluationScore(s, cmd.data.entries, {}, weights);
  if (score.missingExplanations.length > 0) {
    throw new Refused('EXPLANATIONS_MISSING', '未完全完成的指标都须填写未完成原因', {
      indicators: score.missingExplanations,
    });
  }
  const texts = cleanTexts(cmd.data.texts);
  const data = {
    targetId: assertApproved(s, '自评').id,
    entries: cmd.data.entries,
    weights,
    ...(Object.keys(texts).length > 0 ? { texts } : {}),
    score: summary(score),
  };
  return [{ type: 'SelfEvaluationFiled', data, metadata: eventMetadata(cmd) }];
}

/** The department accepts it (confirming the qualitative shares) or returns it. */
export function reviewSelfEvaluation(
  cmd: ReviewSelfEvaluation,
  s: TargetState,
  current: SelfEvaluationState | null,
): SelfEvaluationReviewed[] {
  if (!current || current.status !== 'filed') {
    throw new IllegalState('SELF_EVALUATION_NOT_FILED', '没有待审核的绩效自评', s.status, {
      selfEvaluation: current?.status ?? 'none',
    });
  }
  if (cmd.metadata.actor.role !== 'department_reviewer') {
    throw new IllegalState('WRONG_REVIEW_STAGE', '绩效自评由部门审核人审核', s.status, {
      requiredRole: 'department_reviewer',
    });
  }
  if (current.filedBy.id === cmd.metadata.actor.id)
    throw new Refused('SEGREGATION_OF_DUTIES', '不相容职责分离：填报绩效自评的人员不能审核它');
  const { outcome, opinion, confirmedShares } = cmd.data;
  if (outcome === 'returned' && !opinion.trim())
    throw new InvalidInput('OPINION_REQUIRED', '退回时须填写审核意见，说明退回原因', 'opinion');
  const score = selfEvaluationScore(s, current.entries, confirmedShares, current.weights);
  if (outcome === 'accepted' && score.unconfirmed.length > 0) {
    throw new Refused('SHARES_UNCONFIRMED', '请确认每项定性指标的得分比例', {
      indicators: score.unconfirmed,
    });
  }
  const data = {
    targetId: assertExists(s).id, // a filed evaluation is of a target that exists
    outcome,
    opinion: opinion.trim(),
    confirmedShares,
    score: summary(score),
  };
  return [{ type: 'SelfEvaluationReviewed', data, metadata: eventMetadata(cmd) }];
}

export function evolveSelfEvaluation(
  current: SelfEvaluationState | null,
  e: SelfEvaluationFiled | SelfEvaluationReviewed,
): SelfEvaluationState | null {
  if (e.type === 'SelfEvaluationFiled') {
    return {
      status: 'filed',
      entries: e.data.entries,
      weights: e.data.weights ?? DEFAULT_SCORE_WEIGHTS,
      texts: e.data.texts ?? {},
      confirmedShares: {},
      filedBy: e.metadata.actor,
      filedAt: e.metadata.at,
      reviewedBy: null,
      opinion: '',
    };
  }
  if (!current) return current;
  return {
    ...current,
    status: e.data.outcome,
    confirmedShares: e.data.confirmedShares,
    reviewedBy: e.metadata.actor,
    opinion: e.data.opinion,
  };
}
