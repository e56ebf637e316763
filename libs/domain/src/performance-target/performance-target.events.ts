import { DomainEvent } from '../shared/decider';
import { TargetContentJson, TargetProblem } from './target-content';

export type TargetStatus =
  | 'draft'
  | 'submitted'
  | 'department_approved'
  | 'approved'
  | 'returned'
  | 'rejected'
  | 'withdrawn';

export type ReviewStage = 'department' | 'finance';
export type ReviewGrade = '优' | '良' | '中' | '差';
export const REVIEW_GRADES: readonly ReviewGrade[] = ['优', '良', '中', '差'];
export type ReviewOutcome = 'passed' | 'returned' | 'rejected';

/** How the table got into the system: typed through the API, or read from a document. */
export type TargetSource = 'api' | 'import';

// Persisted event types are never renamed; a changed shape gets a schema version and an upcaster.
export type TargetCreated = DomainEvent<
  'TargetCreated',
  {
    readonly targetId: string;
    readonly fiscalYear: number;
    readonly unitCode: string;
    readonly projectCode: string;
    readonly content: TargetContentJson;
    readonly source: TargetSource;
    /** What the import found wrong that the content cannot show; absent when none. */
    readonly importProblems?: readonly TargetProblem[];
    /** The import run that created the target, so that it can be undone; absent before issue 13. */
    readonly importId?: string;
  }
>;

export type TargetRevised = DomainEvent<
  'TargetRevised',
  {
    readonly targetId: string;
    /** Only the fields that changed, with their new values. */
    readonly changes: Partial<TargetContentJson>;
    readonly contentRevision: number;
    readonly source: TargetSource;
    /** From an import: the table's problems now (replacing the earlier ones). */
    readonly importProblems?: readonly TargetProblem[];
  }
>;

export type TargetSubmitted = DomainEvent<
  'TargetSubmitted',
  { readonly targetId: string; readonly contentRevision: number }
>;

export type TargetReviewed = DomainEvent<
  'TargetReviewed',
  {
    readonly targetId: string;
    /** Set when the review is of a pending adjustment rather than of the target itself. */
    readonly adjustmentId?: string;
    readonly stage: ReviewStage;
    readonly grade: ReviewGrade;
    readonly opinion: string;
    readonly outcome: ReviewOutcome;
    readonly contentRevision: number;
  }
>;

export type TargetApproved = DomainEvent<
  'TargetApproved',
  { readonly targetId: string; readonly contentRevision: number; readonly approvedVersion: number }
>;

/** A payment out of the target's budget (支出), dated, or the amount of one plan period. */
export type DisbursementRecorded = DomainEvent<
  'DisbursementRecorded',
  {
    readonly targetId: string;
    readonly disbursementId: string;
    /** Fen, as a string. */
    readonly amount: string;
    /** Payment date; for a quarterly disbursement, the last day of its period. */
    readonly date: string;
    readonly period: 'P1' | 'P2' | 'P3' | 'P4' | null;
    readonly voucherNo: string;
    readonly source: 'fiscal' | 'other';
    readonly note: string;
  }
>;

/** A correction: part or all of a disbursement taken back. Nothing is ever edited. */
export type DisbursementReversed = DomainEvent<
  'DisbursementReversed',
  {
    readonly targetId: string;
    readonly disbursementId: string;
    readonly reversalId: string;
    readonly amount: string;
    readonly reason: string;
  }
>;

/** A new version of budget, plan or indicators, to be reviewed like the original. */
export type AdjustmentRequested = DomainEvent<
  'AdjustmentRequested',
  {
    readonly targetId: string;
    readonly adjustmentId: string;
    readonly reason: string;
    readonly changes: Partial<Pick<TargetContentJson, 'budget' | 'plan' | 'indicators'>>;
  }
>;

export type AdjustmentApproved = DomainEvent<
  'AdjustmentApproved',
  { readonly targetId: string; readonly adjustmentId: string; readonly approvedVersion: number }
>;

/** 作废: a draft or returned target that was never approved, taken out for good. */
export type TargetWithdrawn = DomainEvent<
  'TargetWithdrawn',
  {
    readonly targetId: string;
    readonly reason: string;
    /** Set when the withdrawal undoes this import run. */
    readonly importId?: string;
  }
>;

export type TargetEvent =
  | TargetCreated
  | TargetRevised
  | TargetSubmitted
  | TargetReviewed
  | TargetApproved
  | DisbursementRecorded
  | DisbursementReversed
  | AdjustmentRequested
  | AdjustmentApproved
  | TargetWithdrawn;

const LIFECYCLE_EVENT_TYPES: Readonly<Record<TargetEvent['type'], true>> = {
  TargetCreated: true,
  TargetRevised: true,
  TargetSubmitted: true,
  TargetReviewed: true,
  TargetApproved: true,
  DisbursementRecorded: true,
  DisbursementReversed: true,
  AdjustmentRequested: true,
  AdjustmentApproved: true,
  TargetWithdrawn: true,
};

/** Is this event of a target stream one of the lifecycle's (not an evaluation filed on it)? */
export function isTargetLifecycleEvent(e: { readonly type: string }): e is TargetEvent {
  return Object.prototype.hasOwnProperty.call(LIFECYCLE_EVENT_TYPES, e.type);
}

export function targetId(fiscalYear: number, unitCode: string, projectCode: string): string {
  return `${fiscalYear}-${unitCode}-${projectCode}`;
}

/** The event stream of one target. */
export function targetStreamId(id: string): string {
  return `target-${id}`;
}
