import { formatYuan } from '../shared/money';
import { parseIndicatorTarget, ParsedTarget } from './indicator-target.parse';
import { targetProblems } from './performance-target.state';
import {
  approvedOf,
  DisbursementRecord,
  ledgerOf,
  PendingAdjustment,
  pendingAdjustmentOf,
  ReviewRecord,
  TargetState,
  WithdrawalRecord,
  withdrawalOf,
} from './target-phase';
import { effectivePlan } from './spending-plan';
import { Budget, Indicator, TargetContent } from './target-content';

export interface BudgetView {
  readonly total: string;
  readonly fiscal: string;
  readonly other: string;
}

export function budgetView(b: Budget): BudgetView {
  return { total: formatYuan(b.total), fiscal: formatYuan(b.fiscal), other: formatYuan(b.other) };
}

function indicatorView(ind: Indicator): Indicator & { parsedTarget: ParsedTarget } {
  return { ...ind, parsedTarget: parseIndicatorTarget(ind.target) };
}

function contentView(c: TargetContent) {
  return {
    unitName: c.unitName,
    projectName: c.projectName,
    budget: budgetView(c.budget),
    purpose: c.purpose,
    plan: c.plan,
    effectivePlan: effectivePlan(c.plan),
    goals: c.goals,
    indicators: c.indicators.map(indicatorView),
    imported: c.imported ?? null,
  };
}

function adjustmentView(p: PendingAdjustment) {
  const { budget, plan, indicators } = p.changes;
  return {
    id: p.id,
    reason: p.reason,
    status: p.status,
    budget: budget ? budgetView(budget) : undefined,
    plan,
    indicators: indicators?.map(indicatorView),
    requestedBy: { id: p.requestedBy.id, name: p.requestedBy.name },
    requestedAt: p.requestedAt,
  };
}

function reviewView(r: ReviewRecord) {
  return {
    stage: r.stage,
    grade: r.grade,
    opinion: r.opinion,
    outcome: r.outcome,
    reviewer: { id: r.reviewer.id, name: r.reviewer.name },
    at: r.at,
    adjustmentId: r.adjustmentId ?? null,
  };
}

function disbursementView(d: DisbursementRecord) {
  return {
    id: d.id,
    amount: formatYuan(d.amount),
    reversed: formatYuan(d.reversed),
    date: d.date,
    period: d.period,
    voucherNo: d.voucherNo,
    source: d.source,
    note: d.note,
    recordedBy: { id: d.recordedBy.id, name: d.recordedBy.name },
    recordedAt: d.recordedAt,
  };
}

function withdrawalView(w: WithdrawalRecord) {
  return {
    reason: w.reason,
    by: { id: w.by.id, name: w.by.name },
    at: w.at,
    importId: w.importId ?? null,
  };
}

/** The target as the API answers it (API.md "Shapes"). */
export function targetView(s: TargetState) {
  if (s.status === 'none') throw new Error('targetView of a target that does not exist');
  const approved = approvedOf(s);
  const ledger = ledgerOf(s);
  const pending = pendingAdjustmentOf(s);
  const withdrawal = withdrawalOf(s);
  return {
    id: s.id,
    fiscalYear: s.fiscalYear,
    unitCode: s.unitCode,
    projectCode: s.projectCode,
    status: s.status,
    version: s.version,
    ...contentView(s.content),
    problems: targetProblems(s),
    contentRevision: s.contentRevision,
    approvedVersion: approved?.approvedVersion ?? null,
    reviews: s.reviews.map(reviewView),
    createdBy: { id: s.createdBy.id, name: s.createdBy.name },
    createdAt: s.createdAt,
    submittedBy: s.submittedBy && { id: s.submittedBy.id, name: s.submittedBy.name },
    updatedAt: s.updatedAt,
    approvedBudget: approved ? budgetView(approved.content.budget) : null,
    disbursed: formatYuan(ledger.netDisbursed),
    disbursements: ledger.disbursements.map(disbursementView),
    pendingAdjustment: pending && adjustmentView(pending),
    importId: s.importId,
    withdrawal: withdrawal && withdrawalView(withdrawal),
  };
}

export type TargetView = ReturnType<typeof targetView>;
