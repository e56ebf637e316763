import { Actor } from '../shared/decider';
import { IllegalState } from '../shared/errors';
import { Fen } from '../shared/money';
import { statusNameZh } from '../shared/names.zh';
import { ReviewGrade, ReviewOutcome, ReviewStage } from './performance-target.events';
import { ContentChanges, TargetContent, TargetProblem } from './target-content';

/*
 * A target's state is a union by phase of its lifecycle (DOMAIN.md "States"): no target yet,
 * editable (draft, returned), under review (submitted, department_approved), approved, rejected,
 * withdrawn. The union discriminates on `status`, whose values are the ones the API answers; each
 * phase carries only what exists in it, so an approved target always has its approved version and
 * its ledger, and a draft has none to forget to check.
 */

export interface ReviewRecord {
  readonly stage: ReviewStage;
  readonly grade: ReviewGrade;
  readonly opinion: string;
  readonly outcome: ReviewOutcome;
  readonly reviewer: Actor;
  readonly at: string;
  readonly contentRevision: number;
  readonly adjustmentId?: string;
}

export interface DisbursementRecord {
  readonly id: string;
  readonly amount: Fen;
  /** What reversals have taken back of it so far. */
  readonly reversed: Fen;
  readonly date: string;
  readonly period: 'P1' | 'P2' | 'P3' | 'P4' | null;
  readonly voucherNo: string;
  readonly source: 'fiscal' | 'other';
  readonly note: string;
  readonly recordedBy: Actor;
  readonly recordedAt: string;
}

/** An adjustment under review; the approved version stays in force until it passes. */
export interface PendingAdjustment {
  readonly id: string;
  readonly reason: string;
  readonly changes: ContentChanges;
  readonly status: 'submitted' | 'department_approved' | 'returned';
  readonly requestedBy: Actor;
  readonly requestedAt: string;
  readonly authors: readonly string[];
  readonly departmentPassedBy: Actor | null;
}

export interface ApprovedVersion {
  readonly content: TargetContent;
  readonly contentRevision: number;
  readonly approvedVersion: number;
  readonly at: string;
}

/** Who withdrew the target (作废), when and why. */
export interface WithdrawalRecord {
  readonly reason: string;
  readonly by: Actor;
  readonly at: string;
  readonly importId?: string;
}

/** The payments of an approved target. */
export interface Ledger {
  readonly disbursements: readonly DisbursementRecord[];
  /** Sum of disbursements less reversals, all dates. */
  readonly netDisbursed: Fen;
}

/** Number of events folded (the stream version a client sends in If-Match), and when the last was. */
interface Folded {
  readonly version: number;
  readonly updatedAt: string | null;
}

/** What every target that exists has, whatever its phase. */
export interface TargetBase extends Folded {
  readonly id: string;
  readonly fiscalYear: number;
  readonly unitCode: string;
  readonly projectCode: string;
  readonly content: TargetContent;
  /** Problems an import found that the content cannot show; revising their field clears them. */
  readonly importProblems: readonly TargetProblem[];
  /** Bumped by every revision; a review is of one content revision. */
  readonly contentRevision: number;
  readonly createdBy: Actor;
  readonly createdAt: string;
  readonly submittedBy: Actor | null;
  readonly reviews: readonly ReviewRecord[];
  /** The import run that created the target, if one did. */
  readonly importId: string | null;
  readonly updatedAt: string;
}

/** The review cycle of the table itself, before it is approved. */
export interface ReviewCycle {
  /** User ids that created, revised or submitted the content under review: they may not review it. */
  readonly authors: readonly string[];
  readonly departmentPassedBy: Actor | null;
}

export interface NoTarget extends Folded {
  readonly status: 'none';
}
export interface EditableTarget extends TargetBase, ReviewCycle {
  readonly status: 'draft' | 'returned';
}
export interface TargetUnderReview extends TargetBase, ReviewCycle {
  readonly status: 'submitted' | 'department_approved';
}
export interface ApprovedTarget extends TargetBase, Ledger {
  readonly status: 'approved';
  readonly approved: ApprovedVersion;
  readonly pendingAdjustment: PendingAdjustment | null;
}
export interface RejectedTarget extends TargetBase {
  readonly status: 'rejected';
}
export interface WithdrawnTarget extends TargetBase {
  readonly status: 'withdrawn';
  readonly withdrawal: WithdrawalRecord;
}

export type ExistingTarget =
  EditableTarget | TargetUnderReview | ApprovedTarget | RejectedTarget | WithdrawnTarget;
export type TargetState = NoTarget | ExistingTarget;

// Predicates that narrow the state (a stream state too: they keep what else it carries).

export const exists = <S extends TargetState>(s: S): s is Exclude<S, NoTarget> =>
  s.status !== 'none';
export const isEditable = <S extends TargetState>(s: S): s is Extract<S, EditableTarget> =>
  s.status === 'draft' || s.status === 'returned';
export const isUnderReview = <S extends TargetState>(s: S): s is Extract<S, TargetUnderReview> =>
  s.status === 'submitted' || s.status === 'department_approved';
export const isApproved = <S extends TargetState>(s: S): s is Extract<S, ApprovedTarget> =>
  s.status === 'approved';
export const isWithdrawn = <S extends TargetState>(s: S): s is Extract<S, WithdrawnTarget> =>
  s.status === 'withdrawn';

/** The state as a target that exists, or TARGET_NOT_FOUND. */
export function assertExists<S extends TargetState>(s: S): Exclude<S, NoTarget> {
  if (!exists(s)) throw new IllegalState('TARGET_NOT_FOUND', '该绩效目标不存在', 'none');
  return s;
}

/** The state as an approved target, or TARGET_NOT_APPROVED saying what needs the approval. */
export function assertApproved<S extends TargetState>(
  s: S,
  what: string,
): Extract<S, ApprovedTarget> {
  if (!isApproved(s)) {
    throw new IllegalState(
      'TARGET_NOT_APPROVED',
      `只有已批复的目标才能${what}，该目标当前为“${statusNameZh(s.status)}”`,
      s.status,
    );
  }
  return s;
}

// What the readers of any phase ask for, with the answer of the phases that have none.

const NO_LEDGER: Ledger = { disbursements: [], netDisbursed: 0n };

/** The version in force: only an approved target has one. */
export const approvedOf = (s: TargetState): ApprovedVersion | null =>
  isApproved(s) ? s.approved : null;
/** The payments: only an approved target has any. */
export const ledgerOf = (s: TargetState): Ledger => (isApproved(s) ? s : NO_LEDGER);
export const pendingAdjustmentOf = (s: TargetState): PendingAdjustment | null =>
  isApproved(s) ? s.pendingAdjustment : null;
export const withdrawalOf = (s: TargetState): WithdrawalRecord | null =>
  isWithdrawn(s) ? s.withdrawal : null;
