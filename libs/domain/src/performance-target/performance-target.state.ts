import {
  AdjustmentApproved,
  AdjustmentRequested,
  DisbursementRecorded,
  DisbursementReversed,
  TargetApproved,
  TargetCreated,
  TargetEvent,
  TargetReviewed,
  TargetRevised,
  TargetSubmitted,
  TargetWithdrawn,
} from './performance-target.events';
import {
  budgetFromJson,
  changesFromJson,
  contentProblems,
  TargetContent,
  TargetProblem,
} from './target-content';
import { fenOf } from '../shared/money';
import { statusAfterReview } from './review-outcome';
import {
  ApprovedTarget,
  DisbursementRecord,
  EditableTarget,
  ExistingTarget,
  isApproved,
  isEditable,
  isUnderReview,
  NoTarget,
  PendingAdjustment,
  ReviewRecord,
  TargetBase,
  TargetState,
  TargetUnderReview,
} from './target-phase';

export function initialTargetState(): NoTarget {
  return { status: 'none', version: 0, updatedAt: null };
}

function withAuthor(authors: readonly string[], id: string): readonly string[] {
  return authors.includes(id) ? authors : [...authors, id];
}

/** What a target keeps from one phase to the next; the fields of the phase it leaves go. */
function baseOf(s: ExistingTarget): TargetBase {
  const { id, fiscalYear, unitCode, projectCode, content, importProblems, contentRevision } = s;
  const { createdBy, createdAt, submittedBy, reviews, importId, version, updatedAt } = s;
  return {
    ...{ id, fiscalYear, unitCode, projectCode, content, importProblems, contentRevision },
    ...{ createdBy, createdAt, submittedBy, reviews, importId, version, updatedAt },
  };
}

/*
 * One small evolve step per event, each for the phase the event happens in. Each gets `s`, the
 * state already moved to the event's version and time; every other field of `s` is still the state
 * before the event. An event that does not fit the phase (no decider emits one) changes nothing
 * else: events are facts and evolve never throws.
 */

function onCreated(s: TargetState, event: TargetCreated): TargetState {
  if (s.status !== 'none') return s;
  const meta = event.metadata;
  const { content, targetId, fiscalYear, unitCode, projectCode } = event.data;
  const created: EditableTarget = {
    status: 'draft',
    id: targetId,
    fiscalYear,
    unitCode,
    projectCode,
    content: { ...content, budget: budgetFromJson(content.budget) },
    importProblems: event.data.importProblems ?? [],
    contentRevision: 1,
    createdBy: meta.actor,
    createdAt: meta.at,
    submittedBy: null,
    reviews: [],
    importId: event.data.importId ?? null,
    authors: [meta.actor.id],
    departmentPassedBy: null,
    version: s.version,
    updatedAt: meta.at,
  };
  return created;
}

function onRevised(s: TargetState, event: TargetRevised): TargetState {
  if (!isEditable(s)) return s;
  return {
    ...s,
    content: { ...s.content, ...changesFromJson(event.data.changes) },
    importProblems:
      event.data.importProblems ?? s.importProblems.filter((p) => !(p.field in event.data.changes)),
    contentRevision: event.data.contentRevision,
    authors: withAuthor(s.authors, event.metadata.actor.id),
    departmentPassedBy: null,
  };
}

function onSubmitted(s: TargetState, event: TargetSubmitted): TargetState {
  if (!isEditable(s)) return s;
  const actor = event.metadata.actor;
  const submitted: TargetUnderReview = {
    ...s,
    status: 'submitted',
    submittedBy: actor,
    authors: withAuthor(s.authors, actor.id),
    departmentPassedBy: null,
  };
  return submitted;
}

function reviewRecord(event: TargetReviewed): ReviewRecord {
  const { stage, grade, opinion, outcome, contentRevision, adjustmentId } = event.data;
  const { actor: reviewer, at } = event.metadata;
  return { stage, grade, opinion, outcome, contentRevision, adjustmentId, reviewer, at };
}

function onReviewed(s: TargetState, event: TargetReviewed): TargetState {
  if (!event.data.adjustmentId) return isUnderReview(s) ? afterTableReview(s, event) : s;
  if (!isApproved(s)) return s;
  return {
    ...s,
    reviews: [...s.reviews, reviewRecord(event)],
    pendingAdjustment: afterAdjustmentReview(s.pendingAdjustment, event),
  };
}

/** 中 returns the table to its authors, 差 rejects it, a pass moves it on. */
function afterTableReview(s: TargetUnderReview, event: TargetReviewed): TargetState {
  const { stage, outcome } = event.data;
  const reviews = [...s.reviews, reviewRecord(event)];
  const status = statusAfterReview(s.status, stage, outcome);
  if (status === 'rejected') return { ...baseOf(s), reviews, status };
  const passed = stage === 'department' && outcome === 'passed';
  const departmentPassedBy = passed ? event.metadata.actor : s.departmentPassedBy;
  return { ...s, reviews, status, departmentPassedBy };
}

function onApproved(s: TargetState, event: TargetApproved): TargetState {
  if (!isUnderReview(s)) return s;
  const approved: ApprovedTarget = {
    ...baseOf(s),
    status: 'approved',
    approved: {
      content: s.content,
      contentRevision: event.data.contentRevision,
      approvedVersion: event.data.approvedVersion,
      at: event.metadata.at,
    },
    pendingAdjustment: null,
    disbursements: [],
    netDisbursed: 0n,
  };
  return approved;
}

function onWithdrawn(s: TargetState, event: TargetWithdrawn): TargetState {
  if (!isEditable(s)) return s;
  const { reason, importId } = event.data;
  const meta = event.metadata;
  const withdrawal = { reason, by: meta.actor, at: meta.at, ...(importId ? { importId } : {}) };
  return { ...baseOf(s), status: 'withdrawn', withdrawal };
}

function onDisbursement(s: TargetState, e: DisbursementRecorded): TargetState {
  if (!isApproved(s)) return s;
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
  if (!isApproved(s)) return s;
  const amount = fenOf(e.data.amount);
  const disbursements = s.disbursements.map((d) =>
    d.id === e.data.disbursementId ? { ...d, reversed: d.reversed + amount } : d,
  );
  return { ...s, disbursements, netDisbursed: s.netDisbursed - amount };
}

function onAdjustmentRequested(s: TargetState, e: AdjustmentRequested): TargetState {
  if (!isApproved(s)) return s;
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
  if (!isApproved(s) || !s.pendingAdjustment) return s;
  const content: TargetContent = { ...s.content, ...s.pendingAdjustment.changes };
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

type TargetEventOf = { [E in TargetEvent as E['type']]: E };
type Evolvers = {
  readonly [K in keyof TargetEventOf]: (s: TargetState, e: TargetEventOf[K]) => TargetState;
};

/** The evolve step of each event type. */
export const TARGET_EVOLVERS: Evolvers = {
  TargetCreated: onCreated,
  TargetRevised: onRevised,
  TargetSubmitted: onSubmitted,
  TargetReviewed: onReviewed,
  TargetApproved: onApproved,
  DisbursementRecorded: onDisbursement,
  DisbursementReversed: onReversal,
  AdjustmentRequested: onAdjustmentRequested,
  AdjustmentApproved: onAdjustmentApproved,
  TargetWithdrawn: onWithdrawn,
};

function evolveBy<K extends keyof TargetEventOf>(
  s: TargetState,
  type: K,
  e: TargetEventOf[K],
): TargetState {
  return TARGET_EVOLVERS[type](s, e);
}

/** Folds one event into the state. Never throws: events are facts. */
export function evolveTarget(state: TargetState, event: TargetEvent): TargetState {
  const moved = { ...state, version: state.version + 1, updatedAt: event.metadata.at };
  return evolveBy(moved, event.type, event);
}

/** Everything that keeps the target from being submitted; empty when it can be. */
export function targetProblems(s: TargetState): string[] {
  if (s.status === 'none') return ['缺少目标内容'];
  return [...contentProblems(s.content), ...s.importProblems.map((p: TargetProblem) => p.message)];
}
