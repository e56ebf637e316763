import { Actor, assertNever } from '../shared/decider';
import {
  ReviewGrade,
  ReviewOutcome,
  ReviewStage,
  TargetEvent,
  TargetStatus,
} from './performance-target.events';
import {
  budgetFromJson,
  changesFromJson,
  contentProblems,
  TargetContent,
  TargetProblem,
} from './target-content';

export interface ReviewRecord {
  readonly stage: ReviewStage;
  readonly grade: ReviewGrade;
  readonly opinion: string;
  readonly outcome: ReviewOutcome;
  readonly reviewer: Actor;
  readonly at: string;
  readonly contentRevision: number;
}

export interface ApprovedVersion {
  readonly content: TargetContent;
  readonly contentRevision: number;
  readonly approvedVersion: number;
  readonly at: string;
}

export interface TargetState {
  readonly status: TargetStatus | 'none';
  readonly id: string;
  readonly fiscalYear: number;
  readonly unitCode: string;
  readonly projectCode: string;
  readonly content: TargetContent | null;
  /** Problems an import found that the content cannot show; revising their field clears them. */
  readonly importProblems: readonly TargetProblem[];
  /** Bumped by every revision; a review is of one content revision. */
  readonly contentRevision: number;
  /** User ids that created, revised or submitted the content under review: they may not review it. */
  readonly authors: readonly string[];
  readonly createdBy: Actor | null;
  readonly createdAt: string | null;
  readonly submittedBy: Actor | null;
  readonly departmentPassedBy: Actor | null;
  readonly reviews: readonly ReviewRecord[];
  readonly approved: ApprovedVersion | null;
  /** Number of events folded: the stream version a client sends in If-Match. */
  readonly version: number;
  readonly updatedAt: string | null;
}

export function initialTargetState(): TargetState {
  return {
    status: 'none',
    id: '',
    fiscalYear: 0,
    unitCode: '',
    projectCode: '',
    content: null,
    importProblems: [],
    contentRevision: 0,
    authors: [],
    createdBy: null,
    createdAt: null,
    submittedBy: null,
    departmentPassedBy: null,
    reviews: [],
    approved: null,
    version: 0,
    updatedAt: null,
  };
}

function withAuthor(authors: readonly string[], id: string): readonly string[] {
  return authors.includes(id) ? authors : [...authors, id];
}

/** A finance pass leaves the status as it is: the TargetApproved event that follows sets it. */
function afterReview(
  state: TargetState,
  stage: ReviewStage,
  outcome: ReviewOutcome,
): TargetState['status'] {
  if (outcome === 'returned') return 'returned';
  if (outcome === 'rejected') return 'rejected';
  return stage === 'department' ? 'department_approved' : state.status;
}

/** Folds one event into the state. Never throws: events are facts. */
export function evolveTarget(state: TargetState, event: TargetEvent): TargetState {
  const meta = event.metadata;
  const s = { ...state, version: state.version + 1, updatedAt: meta.at };
  switch (event.type) {
    case 'TargetCreated': {
      const { content, targetId, fiscalYear, unitCode, projectCode } = event.data;
      return {
        ...s,
        status: 'draft',
        id: targetId,
        fiscalYear,
        unitCode,
        projectCode,
        content: { ...content, budget: budgetFromJson(content.budget) },
        importProblems: event.data.importProblems ?? [],
        contentRevision: 1,
        authors: [meta.actor.id],
        createdBy: meta.actor,
        createdAt: meta.at,
      };
    }
    case 'TargetRevised':
      return {
        ...s,
        content: state.content
          ? { ...state.content, ...changesFromJson(event.data.changes) }
          : null,
        importProblems:
          event.data.importProblems ??
          state.importProblems.filter((p) => !(p.field in event.data.changes)),
        contentRevision: event.data.contentRevision,
        authors: withAuthor(state.authors, meta.actor.id),
        departmentPassedBy: null,
      };
    case 'TargetSubmitted':
      return {
        ...s,
        status: 'submitted',
        submittedBy: meta.actor,
        authors: withAuthor(state.authors, meta.actor.id),
        departmentPassedBy: null,
      };
    case 'TargetReviewed': {
      const { stage, grade, opinion, outcome, contentRevision } = event.data;
      const review = {
        stage,
        grade,
        opinion,
        outcome,
        contentRevision,
        reviewer: meta.actor,
        at: meta.at,
      };
      return {
        ...s,
        status: afterReview(state, stage, outcome),
        reviews: [...state.reviews, review],
        departmentPassedBy:
          stage === 'department' && outcome === 'passed' ? meta.actor : state.departmentPassedBy,
      };
    }
    case 'TargetApproved':
      return {
        ...s,
        status: 'approved',
        approved: state.content && {
          content: state.content,
          contentRevision: event.data.contentRevision,
          approvedVersion: event.data.approvedVersion,
          at: meta.at,
        },
        // a new cycle (an adjustment) starts with no authors
        authors: [],
        departmentPassedBy: null,
      };
    default:
      return assertNever(event);
  }
}

/** Everything that keeps the target from being submitted; empty when it can be. */
export function targetProblems(s: TargetState): string[] {
  if (!s.content) return ['content is missing'];
  return [...contentProblems(s.content), ...s.importProblems.map((p) => p.message)];
}
