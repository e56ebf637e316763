import { Command } from '../shared/decider';
import { Fen } from '../shared/money';
import { ReviewGrade, TargetSource } from './performance-target.events';
import { ContentChanges, TargetContent, TargetProblem } from './target-content';

export type CreateTarget = Command<
  'CreateTarget',
  {
    readonly fiscalYear: number;
    readonly unitCode: string;
    readonly projectCode: string;
    readonly content: TargetContent;
    readonly source: TargetSource;
    readonly importProblems?: readonly TargetProblem[];
    /** The import run creating it (an id the infrastructure made). */
    readonly importId?: string;
  }
>;

export type ReviseTarget = Command<
  'ReviseTarget',
  {
    readonly targetId: string;
    readonly changes: ContentChanges;
    readonly source: TargetSource;
    readonly importProblems?: readonly TargetProblem[];
  }
>;

export type SubmitTarget = Command<'SubmitTarget', { readonly targetId: string }>;

export type ReviewTarget = Command<
  'ReviewTarget',
  { readonly targetId: string; readonly grade: ReviewGrade; readonly opinion: string }
>;

export type RecordDisbursement = Command<
  'RecordDisbursement',
  {
    readonly targetId: string;
    readonly disbursementId: string;
    readonly amount: Fen;
    /** Either a payment date or a plan period (a quarterly disbursement). */
    readonly date?: string;
    readonly period?: 'P1' | 'P2' | 'P3' | 'P4';
    readonly voucherNo: string;
    readonly source: 'fiscal' | 'other';
    readonly note: string;
  }
>;

export type ReverseDisbursement = Command<
  'ReverseDisbursement',
  {
    readonly targetId: string;
    readonly disbursementId: string;
    readonly reversalId: string;
    readonly amount: Fen;
    readonly reason: string;
  }
>;

export type RequestAdjustment = Command<
  'RequestAdjustment',
  {
    readonly targetId: string;
    readonly adjustmentId: string;
    readonly reason: string;
    readonly changes: Pick<ContentChanges, 'budget' | 'plan' | 'indicators'>;
  }
>;

/** 作废: by the target's unit or an admin, with a reason; `importId` when undoing an import. */
export type WithdrawTarget = Command<
  'WithdrawTarget',
  { readonly targetId: string; readonly reason: string; readonly importId?: string }
>;

export type TargetCommand =
  | CreateTarget
  | ReviseTarget
  | SubmitTarget
  | ReviewTarget
  | RecordDisbursement
  | ReverseDisbursement
  | RequestAdjustment
  | WithdrawTarget;
