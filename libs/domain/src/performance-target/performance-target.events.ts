import { DomainEvent } from '../shared/decider';
import { TargetContentJson, TargetProblem } from './target-content';

export type TargetStatus =
  'draft' | 'submitted' | 'department_approved' | 'approved' | 'returned' | 'rejected';

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

export type TargetEvent =
  TargetCreated | TargetRevised | TargetSubmitted | TargetReviewed | TargetApproved;

export function targetId(fiscalYear: number, unitCode: string, projectCode: string): string {
  return `${fiscalYear}-${unitCode}-${projectCode}`;
}

/** The event stream of one target. */
export function targetStreamId(id: string): string {
  return `target-${id}`;
}
