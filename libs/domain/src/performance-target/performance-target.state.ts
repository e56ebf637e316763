import { Actor, assertNever } from '../shared/decider';
import {
  AdjustmentApproved,
  AdjustmentRequested,
  DisbursementRecorded,
  DisbursementReversed,
  ReviewGrade,
  ReviewOutcome,
  ReviewStage,
  TargetApproved,
  TargetCreated,
  TargetEvent,
  TargetReviewed,
  TargetRevised,
  TargetStatus,
  TargetSubmitted,
  TargetWithdrawn,
} from './performance-target.events';
import {
  budgetFromJson,
  changesFromJson,
  ContentChanges,
  contentProblems,
  TargetContent,
  TargetProblem,
} from './target-content';
import { Fen, fenOf } from '../shared/money';
import { statusAfterReview } from './review-outcome';

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
  readonly pendingAdjustment: PendingAdjustment | null;
  readonly disbursements: readonly DisbursementRecord[];
  /** Sum of disbursements less reversals, all dates. */
  readonly netDisbursed: Fen;
  /** The import run that created the target, if one did. */
  readonly importId: string | null;
  readonly withdrawal: WithdrawalRecord | null;
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
    pendingAdjustment: null,
    disbursements: [],
    netDisbursed: 0n,
    importId: null,
    withdrawal: null,
    version: 0,
    updatedAt: null,
  };
}

function withAuthor(authors: readonly string[], id: string): readonly string[] {
  return authors.includes(id) ? authors : [...authors, id];
}

// One small evolve step per event. Each gets `s`, the state already moved to the event's version
// and time; every other field of `s` is still the state before the event.

function onCreated(s: TargetState, event: TargetCreated): TargetState {
  const meta = event.metadata;
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
    importId: event.data.importId ?? null,
  };
}

function onRevised(s: TargetState, event: TargetRevised): TargetState {
  return {
    ...s,
    content: s.content ? { ...s.content, ...changesFromJson(event.data.changes) } : null,
    importProblems:
      event.data.importProblems ?? s.importProblems.filter((p) => !(p.field in event.data.changes)),
    contentRevision: event.data.contentRevision,
    authors: withAuthor(s.authors, event.metadata.actor.id),
    departmentPassedBy: null,
  };
}

function onSubmitted(s: TargetState, event: TargetSubmitted): TargetState {
  const actor = event.metadata.actor;
  return {
    ...s,
    status: 'submitted',
    submittedBy: actor,
    authors: withAuthor(s.authors, actor.id),
    departmentPassedBy: null,
  };
}

function onReviewed(s: TargetState, event: TargetReviewed): TargetState {
  const meta = event.metadata;
  const { stage, grade, opinion, outcome, contentRevision, adjustmentId } = event.data;
  const review = {
    stage,
    grade,
    opinion,
    outcome,
    contentRevision,
    adjustmentId,
    reviewer: meta.actor,
    at: meta.at,
  };
  const reviewed = { ...s, reviews: [...s.reviews, review] };
  if (adjustmentId)
    return { ...reviewed, pendingAdjustment: afterAdjustmentReview(s.pendingAdjustment, event) };
  return {
    ...reviewed,
    status: statusAfterReview(s.status, stage, outcome),
    departmentPassedBy:
      stage === 'department' && outcome === 'passed' ? meta.actor : s.departmentPassedBy,
  };
}

function onApproved(s: TargetState, event: TargetApproved): TargetState {
  return {
    ...s,
    status: 'approved',
    approved: s.content && {
      content: s.content,
      contentRevision: event.data.contentRevision,
      approvedVersion: event.data.approvedVersion,
      at: event.metadata.at,
    },
    // a new cycle (an adjustment) starts with no authors
    authors: [],
    departmentPassedBy: null,
  };
}

function onWithdrawn(s: TargetState, event: TargetWithdrawn): TargetState {
  const { reason, importId } = event.data;
  const meta = event.metadata;
  const withdrawal = { reason, by: meta.actor, at: meta.at, ...(importId ? { importId } : {}) };
  return { ...s, status: 'withdrawn', withdrawal };
}

/** Folds one event into the state. Never throws: events are facts. */
export function evolveTarget(state: TargetState, event: TargetEvent): TargetState {
  const s = { ...state, version: state.version + 1, updatedAt: event.metadata.at };
  switch (event.type) {
    case 'TargetCreated':
      return onCreated(s, event);
    case 'TargetRevised':
      return onRevised(s, event);
    case 'TargetSubmitted':
      return onSubmitted(s, event);
    case 'TargetReviewed':
      return onReviewed(s, event);
    case 'TargetApproved':
      return onApproved(s, event);
    case 'DisbursementRecorded':
      return onDisbursement(s, event);
    case 'DisbursementReversed':
      return onReversal(s, event);
    case 'AdjustmentRequested':
      return onAdjustmentRequested(s, event);
    case 'AdjustmentApproved':
      return onAdjustmentApproved(s, event);
    case 'TargetWithdrawn':
      return onWithdrawn(s, event);
    default:
      return assertNever(event);
  }
}

/** Everything that keeps the target from being submitted; empty when it can be. */
export function targetProblems(s: TargetState): string[] {
  if (!s.content) return ['缺少目标内容'];
  return [...contentProblems(s.content), ...s.importProblems.map((p) => p.message)];
}

function onDisbursement(s: TargetState, e: DisbursementRecorded): TargetState {
  const d = e.data;
  const record: DisbursementRecord = {
    id: d.disbursementId,
    amount: fenOf(d.amount),
    reversed: 0n,
    date: d.date,
    period: d.period,
    voucherNo: d.voucherNo,
    source: d.source,
    note: d.note,
    recordedBy: e.metadata.actor,
    recordedAt: e.metadata.at,
  };
  return {
    ...s,
    disbursements: [...s.disbursements, record],
    netDisbursed: s.netDisbursed + record.amount,
  };
}

function onReversal(s: TargetState, e: DisbursementReversed): TargetState {
  const amount = fenOf(e.data.amount);
  const disbursements = s.disbursements.map((d) =>
    d.id === e.data.disbursementId ? { ...d, reversed: d.reversed + amount } : d,
  );
  return { ...s, disbursements, netDisbursed: s.netDisbursed - amount };
}

function onAdjustmentRequested(s: TargetState, e: AdjustmentRequested): TargetState {
  const pendingAdjustment: PendingAdjustment = {
    id: e.data.adjustmentId,
    reason: e.data.reason,
    changes: changesFromJson(e.data.changes),
    status: 'submitted',
    requestedBy: e.metadata.actor,
    requestedAt: e.metadata.at,
    authors: [e.metadata.actor.id],
    departmentPassedBy: null,
  };
  return { ...s, pendingAdjustment };
}

/** 中 returns the adjustment to its requester, 差 drops it; the approved version stays. */
function afterAdjustmentReview(
  p: PendingAdjustment | null,
  e: TargetReviewed,
): PendingAdjustment | null {
  if (!p || e.data.outcome === 'rejected') return null;
  if (e.data.outcome === 'returned') return { ...p, status: 'returned', departmentPassedBy: null };
  if (e.data.stage === 'department')
    return { ...p, status: 'department_approved', departmentPassedBy: e.metadata.actor };
  return p; // a finance pass: AdjustmentApproved follows
}

function onAdjustmentApproved(s: TargetState, e: AdjustmentApproved): TargetState {
  if (!s.content || !s.pendingAdjustment) return s;
  const content = { ...s.content, ...s.pendingAdjustment.changes };
  const approved = {
    content,
    contentRevision: s.contentRevision + 1,
    approvedVersion: e.data.approvedVersion,
    at: e.metadata.at,
  };
  return {
    ...s,
    content,
    contentRevision: approved.contentRevision,
    approved,
    pendingAdjustment: null,
  };
}
