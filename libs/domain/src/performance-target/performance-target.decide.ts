import { sameJson } from '../shared/canonical-json';
import { assertNever, Decider, eventMetadata, Role } from '../shared/decider';
import { IllegalState, InvalidInput, Refused } from '../shared/errors';
import {
  CreateTarget,
  ReviewTarget,
  ReviseTarget,
  SubmitTarget,
  TargetCommand,
} from './performance-target.commands';
import {
  REVIEW_GRADES,
  ReviewOutcome,
  ReviewStage,
  TargetEvent,
  TargetReviewed,
  targetId,
} from './performance-target.events';
import {
  evolveTarget,
  initialTargetState,
  TargetState,
  targetProblems,
} from './performance-target.state';
import { changesToJson, invalidityProblems, budgetToJson } from './target-content';

export const MIN_FISCAL_YEAR = 2000;
export const MAX_FISCAL_YEAR = 2099;
const UNIT_CODE = /^\d{6}$/;
const PROJECT_CODE = /^[0-9A-Za-z]{1,40}$/;

function create(cmd: CreateTarget, state: TargetState): TargetEvent[] {
  const { fiscalYear, unitCode, projectCode, content, source, importProblems } = cmd.data;
  const id = targetId(fiscalYear, unitCode, projectCode);
  if (state.status !== 'none') {
    throw new IllegalState('TARGET_EXISTS', `target ${id} already exists`, state.status, {
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
  };
  return [{ type: 'TargetCreated', data, metadata: eventMetadata(cmd) }];
}

function revise(cmd: ReviseTarget, state: TargetState): TargetEvent[] {
  assertExists(state);
  if (state.status !== 'draft' && state.status !== 'returned') {
    throw new IllegalState(
      'TARGET_NOT_EDITABLE',
      `only a draft or returned target can be revised; it is ${state.status}`,
      state.status,
    );
  }
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

function submit(cmd: SubmitTarget, state: TargetState): TargetEvent[] {
  assertExists(state);
  if (state.status !== 'draft' && state.status !== 'returned') {
    throw new IllegalState(
      'TARGET_NOT_SUBMITTABLE',
      `only a draft or returned target can be submitted; it is ${state.status}`,
      state.status,
    );
  }
  const problems = targetProblems(state);
  if (problems.length > 0) {
    throw new Refused(
      'TARGET_HAS_PROBLEMS',
      'the target has problems to fix before it can be submitted',
      { problems },
    );
  }
  return [
    {
      type: 'TargetSubmitted',
      data: { targetId: state.id, contentRevision: state.contentRevision },
      metadata: eventMetadata(cmd),
    },
  ];
}

const STAGE_OF: Partial<Record<TargetState['status'], ReviewStage>> = {
  submitted: 'department',
  department_approved: 'finance',
};
const ROLE_OF: Record<ReviewStage, Role> = {
  department: 'department_reviewer',
  finance: 'finance_reviewer',
};

function review(cmd: ReviewTarget, state: TargetState): TargetEvent[] {
  assertExists(state);
  const stage = STAGE_OF[state.status];
  if (!stage) {
    throw new IllegalState(
      'TARGET_NOT_UNDER_REVIEW',
      `the target is ${state.status}, not awaiting review`,
      state.status,
    );
  }
  const actor = cmd.metadata.actor;
  if (actor.role !== ROLE_OF[stage]) {
    throw new IllegalState(
      'WRONG_REVIEW_STAGE',
      `the target awaits the ${stage} review, which a ${ROLE_OF[stage]} gives`,
      state.status,
      { stage, requiredRole: ROLE_OF[stage] },
    );
  }
  assertSegregation(state, stage, actor.id);
  const outcome = outcomeOf(cmd.data.grade, cmd.data.opinion);
  const data = {
    targetId: state.id,
    stage,
    grade: cmd.data.grade,
    opinion: cmd.data.opinion.trim(),
    outcome,
    contentRevision: state.contentRevision,
  };
  const reviewed: TargetReviewed = { type: 'TargetReviewed', data, metadata: eventMetadata(cmd) };
  if (stage === 'department' || outcome !== 'passed') return [reviewed];
  const approvedVersion = (state.approved?.approvedVersion ?? 0) + 1;
  return [
    reviewed,
    {
      type: 'TargetApproved',
      data: { targetId: state.id, contentRevision: state.contentRevision, approvedVersion },
      metadata: eventMetadata(cmd),
    },
  ];
}

function outcomeOf(grade: string, opinion: string): ReviewOutcome {
  if (!REVIEW_GRADES.includes(grade as never)) {
    throw new InvalidInput('INVALID_GRADE', 'grade must be one of 优, 良, 中, 差', 'grade');
  }
  if ((grade === '中' || grade === '差') && !opinion.trim()) {
    throw new InvalidInput(
      'OPINION_REQUIRED',
      `an opinion (审核意见) is required for grade ${grade}`,
      'opinion',
    );
  }
  return grade === '中' ? 'returned' : grade === '差' ? 'rejected' : 'passed';
}

/** Whoever created, revised or submitted the content may not review it; nor pass both stages. */
function assertSegregation(state: TargetState, stage: ReviewStage, reviewerId: string): void {
  if (state.authors.includes(reviewerId)) {
    throw new Refused(
      'SEGREGATION_OF_DUTIES',
      'whoever created, revised or submitted a target may not review it',
      { stage },
    );
  }
  if (stage === 'finance' && state.departmentPassedBy?.id === reviewerId) {
    throw new Refused(
      'SEGREGATION_OF_DUTIES',
      'one person may not pass both review stages of the same version',
      { stage },
    );
  }
}

function assertExists(state: TargetState): void {
  if (state.status === 'none') throw new IllegalState('TARGET_NOT_FOUND', 'no such target', 'none');
}

function assertIdentity(fiscalYear: number, unitCode: string, projectCode: string): void {
  if (
    !Number.isInteger(fiscalYear) ||
    fiscalYear < MIN_FISCAL_YEAR ||
    fiscalYear > MAX_FISCAL_YEAR
  ) {
    throw new InvalidInput(
      'INVALID_FISCAL_YEAR',
      `fiscalYear must be a year from ${MIN_FISCAL_YEAR} to ${MAX_FISCAL_YEAR}`,
      'fiscalYear',
    );
  }
  if (!UNIT_CODE.test(unitCode))
    throw new InvalidInput('INVALID_UNIT_CODE', 'unitCode must be six digits', 'unitCode');
  if (!PROJECT_CODE.test(projectCode)) {
    throw new InvalidInput(
      'INVALID_PROJECT_CODE',
      'projectCode must be 1 to 40 letters or digits',
      'projectCode',
    );
  }
}

function refuseInvalid(problems: string[]): void {
  if (problems.length === 0) return;
  const field = problems[0].startsWith('预算数') ? 'budget' : 'plan';
  throw new InvalidInput('INVALID_TARGET', problems.join('; '), field, { problems });
}

/** The changes that really change something, as they go into the event. */
function changedFields(changes: ReviseTarget['data']['changes'], state: TargetState) {
  const next = changesToJson(changes) as Record<string, unknown>;
  const current = changesToJson(state.content ?? {}) as Record<string, unknown>;
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
    default:
      return assertNever(command);
  }
}

export const targetDecider: Decider<TargetCommand, TargetEvent, TargetState> = {
  initialState: initialTargetState,
  evolve: evolveTarget,
  decide: decideTarget,
};

/** The review stage a target in `status` awaits, and the role that gives it. */
export function reviewStageOf(
  status: TargetState['status'],
): { stage: ReviewStage; role: Role } | null {
  const stage = STAGE_OF[status];
  return stage ? { stage, role: ROLE_OF[stage] } : null;
}
