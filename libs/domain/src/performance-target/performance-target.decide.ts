import { sameJson } from '../shared/canonical-json';
import { Actor, assertNever, Decider, eventMetadata, Role } from '../shared/decider';
import {
  assertBudgetCoversDisbursed,
  recordDisbursement,
  requestAdjustment,
  reverseDisbursement,
} from './execution.decide';
import { Forbidden, IllegalState, InvalidInput, Refused } from '../shared/errors';
import { roleNameZh, stageNameZh, statusNameZh } from '../shared/names.zh';
import {
  CreateTarget,
  ReviewTarget,
  ReviseTarget,
  SubmitTarget,
  TargetCommand,
  WithdrawTarget,
} from './performance-target.commands';
import {
  REVIEW_GRADES,
  ReviewGrade,
  ReviewOutcome,
  ReviewStage,
  TargetEvent,
  TargetReviewed,
  targetId,
} from './performance-target.events';
import { evolveTarget, initialTargetState, targetProblems } from './performance-target.state';
import {
  assertExists,
  EditableTarget,
  ExistingTarget,
  isApproved,
  isEditable,
  isUnderReview,
  PendingAdjustment,
  TargetState,
} from './target-phase';
import { changesToJson, invalidityProblems, budgetToJson } from './target-content';
import { assertFiscalYear } from '../shared/fiscal-year';
import { opinionRequired, reviewOutcomeOf } from './review-outcome';

const UNIT_CODE = /^\d{6}$/;
const PROJECT_CODE = /^[0-9A-Za-z]{1,40}$/;

function create(cmd: CreateTarget, state: TargetState): TargetEvent[] {
  const { fiscalYear, unitCode, projectCode, content, source, importProblems, importId } = cmd.data;
  const id = targetId(fiscalYear, unitCode, projectCode);
  if (state.status !== 'none') {
    throw new IllegalState('TARGET_EXISTS', `绩效目标 ${id} 已存在`, state.status, {
      targetId: id,
    });
  }
  assertIdentity(fiscalYear, unitCode, projectCode);
  if (source === 'api') refuseInvalid(invalidityProblems(content));
  const data = {
    targetId: id,
    fiscalYear,
    unitCode,
    projectCode,
    source,
    content: { ...content, budget: budgetToJson(content.budget) },
    ...(importProblems && importProblems.length > 0 ? { importProblems } : {}),
    ...(importId ? { importId } : {}),
  };
  return [{ type: 'TargetCreated', data, metadata: eventMetadata(cmd) }];
}

/** The target as one a preparer may still change, or `code` saying what it is now. */
function assertEditable(target: TargetState, code: string, verb: string): EditableTarget {
  const state = assertExists(target);
  if (!isEditable(state)) {
    throw new IllegalState(
      code,
      `只有草稿或退回修改的目标可以${verb}，该目标当前为“${statusNameZh(state.status)}”`,
      state.status,
    );
  }
  return state;
}

function revise(cmd: ReviseTarget, target: TargetState): TargetEvent[] {
  const state = assertEditable(target, 'TARGET_NOT_EDITABLE', '修改');
  if (cmd.data.source === 'api') refuseInvalid(invalidityProblems(cmd.data.changes));
  const changed = changedFields(cmd.data.changes, state);
  const problems = cmd.data.importProblems;
  const problemsChanged = problems !== undefined && !sameJson(problems, state.importProblems);
  if (Object.keys(changed).length === 0 && !problemsChanged) return [];
  const data = {
    targetId: state.id,
    changes: changed,
    contentRevision: state.contentRevision + 1,
    source: cmd.data.source,
    ...(problems !== undefined ? { importProblems: problems } : {}),
  };
  return [{ type: 'TargetRevised', data, metadata: eventMetadata(cmd) }];
}

function submit(cmd: SubmitTarget, target: TargetState): TargetEvent[] {
  const state = assertEditable(target, 'TARGET_NOT_SUBMITTABLE', '提交');
  const problems = targetProblems(state);
  if (problems.length > 0) {
    throw new Refused('TARGET_HAS_PROBLEMS', '该目标还有问题需要修改，改正后才能提交', {
      problems,
    });
  }
  return [
    {
      type: 'TargetSubmitted',
      data: { targetId: state.id, contentRevision: state.contentRevision },
      metadata: eventMetadata(cmd),
    },
  ];
}

const WITHDRAWAL_REASON_MAX = 2000;

/** The reason of a withdrawal (作废原因), trimmed; missing or too long is a 400. */
export function withdrawalReason(reason: unknown): string {
  const r = typeof reason === 'string' ? reason.trim() : '';
  if (!r || r.length > WITHDRAWAL_REASON_MAX) {
    throw new InvalidInput(
      'REASON_REQUIRED',
      `作废须填写原因（不超过 ${WITHDRAWAL_REASON_MAX} 字）`,
      'reason',
    );
  }
  return r;
}

/** Whether the target can still be withdrawn: a draft or returned target never approved. */
export function isWithdrawable(s: TargetState): s is EditableTarget {
  return isEditable(s); // an approved target stays approved: it is never editable again
}

/** 作废: by an admin or a preparer / unit head of the target's own unit; final. */
function withdraw(cmd: WithdrawTarget, target: TargetState): TargetEvent[] {
  const state = assertExists(target);
  const reason = withdrawalReason(cmd.data.reason);
  const { actor } = cmd.metadata;
  const ownUnit =
    (actor.role === 'preparer' || actor.role === 'unit_head') && actor.unit === state.unitCode;
  if (actor.role !== 'admin' && !ownUnit) {
    throw new Forbidden('ROLE_FORBIDDEN', '只有本单位的填报人、单位负责人或系统管理员可以作废目标');
  }
  if (!isWithdrawable(state)) {
    throw new IllegalState(
      'TARGET_NOT_WITHDRAWABLE',
      '只有从未批复的草稿或退回修改的目标可以作废',
      state.status,
    );
  }
  const importId = cmd.data.importId;
  return [
    {
      type: 'TargetWithdrawn',
      data: { targetId: state.id, reason, ...(importId ? { importId } : {}) },
      metadata: eventMetadata(cmd),
    },
  ];
}

const ROLE_OF: Record<ReviewStage, Role> = {
  department: 'department_reviewer',
  finance: 'finance_reviewer',
};

/** What a review would be of: the target itself, or its pending adjustment. */
export interface ReviewSubject {
  readonly stage: ReviewStage;
  readonly role: Role;
  readonly adjustmentId?: string;
  readonly authors: readonly string[];
  readonly departmentPassedBy: Actor | null;
}

export function reviewSubjectOf(s: TargetState): ReviewSubject | null {
  if (isApproved(s)) return adjustmentSubjectOf(s.pendingAdjustment);
  if (!isUnderReview(s)) return null;
  const { authors, departmentPassedBy } = s;
  return awaiting(s.status === 'submitted', { authors, departmentPassedBy });
}

/** What awaits the department (submitted) or finance (passed by the department). */
function awaiting(
  submitted: boolean,
  by: Pick<ReviewSubject, 'authors' | 'departmentPassedBy'> & { adjustmentId?: string },
): ReviewSubject {
  const stage: ReviewStage = submitted ? 'department' : 'finance';
  return { stage, role: ROLE_OF[stage], ...by };
}

function adjustmentSubjectOf(p: PendingAdjustment | null): ReviewSubject | null {
  if (p && p.status !== 'returned') {
    const { authors, departmentPassedBy } = p;
    return awaiting(p.status === 'submitted', { adjustmentId: p.id, authors, departmentPassedBy });
  }
  return null;
}

function review(cmd: ReviewTarget, target: TargetState): TargetEvent[] {
  const state = assertExists(target);
  const subject = reviewSubjectOf(state);
  if (!subject) {
    throw new IllegalState(
      'TARGET_NOT_UNDER_REVIEW',
      `该目标当前为“${statusNameZh(state.status)}”，不在审核中`,
      state.status,
    );
  }
  const { stage, role, adjustmentId } = subject;
  if (cmd.metadata.actor.role !== role) {
    throw new IllegalState(
      'WRONG_REVIEW_STAGE',
      `该目标正等待${stageNameZh(stage)}，应由${roleNameZh(role)}审核`,
      state.status,
      { stage, requiredRole: role },
    );
  }
  assertSegregation(subject, cmd.metadata.actor.id);
  const outcome = outcomeOf(cmd.data.grade, cmd.data.opinion);
  const data = {
    targetId: state.id,
    ...(adjustmentId ? { adjustmentId } : {}),
    stage,
    grade: cmd.data.grade,
    opinion: cmd.data.opinion.trim(),
    outcome,
    contentRevision: state.contentRevision,
  };
  const reviewed: TargetReviewed = { type: 'TargetReviewed', data, metadata: eventMetadata(cmd) };
  if (stage === 'department' || outcome !== 'passed') return [reviewed];
  return [reviewed, approval(cmd, state, adjustmentId)];
}

/** A finance pass approves the target, or puts its adjustment in force as the next version. */
function approval(cmd: ReviewTarget, state: ExistingTarget, adjustmentId?: string): TargetEvent {
  const metadata = eventMetadata(cmd);
  if (!adjustmentId || !isApproved(state)) {
    // the table's first approved version; each adjustment that passes is the next one
    return {
      type: 'TargetApproved',
      data: { targetId: state.id, contentRevision: state.contentRevision, approvedVersion: 1 },
      metadata,
    };
  }
  // payments may have been made while the adjustment was under review
  assertBudgetCoversDisbursed(state, state.pendingAdjustment?.changes.budget?.total);
  const approvedVersion = state.approved.approvedVersion + 1;
  return {
    type: 'AdjustmentApproved',
    data: { targetId: state.id, adjustmentId, approvedVersion },
    metadata,
  };
}

function outcomeOf(grade: string, opinion: string): ReviewOutcome {
  if (!REVIEW_GRADES.includes(grade as never)) {
    throw new InvalidInput('INVALID_GRADE', '评级应为优、良、中、差之一', 'grade');
  }
  const valid = grade as ReviewGrade;
  if (opinionRequired(valid) && !opinion.trim()) {
    throw new InvalidInput('OPINION_REQUIRED', `评级为“${grade}”时必须填写审核意见`, 'opinion');
  }
  return reviewOutcomeOf(valid);
}

/** Whoever created, revised or submitted the content may not review it; nor pass both stages. */
function assertSegregation(subject: ReviewSubject, reviewerId: string): void {
  const { stage } = subject;
  if (subject.authors.includes(reviewerId)) {
    throw new Refused(
      'SEGREGATION_OF_DUTIES',
      '不相容职责分离：创建、修改或提交该目标的人员不能审核它',
      { stage },
    );
  }
  if (stage === 'finance' && subject.departmentPassedBy?.id === reviewerId) {
    throw new Refused('SEGREGATION_OF_DUTIES', '不相容职责分离：同一人不能通过同一版本的两级审核', {
      stage,
    });
  }
}

function assertIdentity(fiscalYear: number, unitCode: string, projectCode: string): void {
  assertFiscalYear(fiscalYear);
  if (!UNIT_CODE.test(unitCode))
    throw new InvalidInput('INVALID_UNIT_CODE', '单位编码应为六位数字', 'unitCode');
  if (!PROJECT_CODE.test(projectCode)) {
    throw new InvalidInput(
      'INVALID_PROJECT_CODE',
      '项目编码应为 1 至 40 位字母或数字',
      'projectCode',
    );
  }
}

function refuseInvalid(problems: string[]): void {
  if (problems.length === 0) return;
  const field = problems[0].startsWith('预算数') ? 'budget' : 'plan';
  throw new InvalidInput('INVALID_TARGET', problems.join('；'), field, { problems });
}

/** The changes that really change something, as they go into the event. */
function changedFields(changes: ReviseTarget['data']['changes'], state: EditableTarget) {
  const next = changesToJson(changes) as Record<string, unknown>;
  const current = changesToJson(state.content) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(next).filter(([k, v]) => v !== undefined && !sameJson(v, current[k])),
  );
}

export function decideTarget(command: TargetCommand, state: TargetState): TargetEvent[] {
  switch (command.type) {
    case 'CreateTarget':
      return create(command, state);
    case 'ReviseTarget':
      return revise(command, state);
    case 'SubmitTarget':
      return submit(command, state);
    case 'ReviewTarget':
      return review(command, state);
    case 'RecordDisbursement':
      return recordDisbursement(command, state);
    case 'ReverseDisbursement':
      return reverseDisbursement(command, state);
    case 'RequestAdjustment':
      return requestAdjustment(command, state);
    case 'WithdrawTarget':
      return withdraw(command, state);
    default:
      return assertNever(command);
  }
}

export const targetDecider: Decider<TargetCommand, TargetEvent, TargetState> = {
  initialState: initialTargetState,
  evolve: evolveTarget,
  decide: decideTarget,
};
