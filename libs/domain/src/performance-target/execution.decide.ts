import { eventMetadata } from '../shared/decider';
import { IllegalState, InvalidInput, NotFound, Refused } from '../shared/errors';
import { formatYuan } from '../shared/money';
import { isBusinessDate, periodEndDate } from '../monitoring/execution';
import {
  RecordDisbursement,
  RequestAdjustment,
  ReverseDisbursement,
} from './performance-target.commands';
import { TargetEvent } from './performance-target.events';
import { TargetState } from './performance-target.state';
import {
  changesToJson,
  ContentChanges,
  contentProblems,
  invalidityProblems,
} from './target-content';
import { sameJson } from '../shared/canonical-json';

const MAX_TEXT = 2000;

function assertApproved(state: TargetState, what: string): void {
  if (state.status !== 'approved' || !state.approved) {
    throw new IllegalState(
      'TARGET_NOT_APPROVED',
      `only an approved target takes ${what}; it is ${state.status}`,
      state.status,
    );
  }
}

/** The payment date: as given, or the last day of the plan period of a quarterly disbursement. */
function paymentDate(cmd: RecordDisbursement, fiscalYear: number): string {
  const { date, period } = cmd.data;
  if ((date === undefined) === (period === undefined)) {
    throw new InvalidInput(
      'DATE_OR_PERIOD',
      'give either a payment date or a plan period (P1–P4), not both',
      'date',
    );
  }
  if (period !== undefined) return periodEndDate(fiscalYear, period);
  if (!isBusinessDate(date as string))
    throw new InvalidInput('INVALID_DATE', 'date must be a calendar date YYYY-MM-DD', 'date');
  if (!(date as string).startsWith(`${fiscalYear}-`)) {
    throw new InvalidInput(
      'DATE_OUTSIDE_FISCAL_YEAR',
      `the payment date must be within fiscal year ${fiscalYear}`,
      'date',
    );
  }
  return date as string;
}

/** Records a payment; net disbursed may never exceed the approved budget in force. */
export function recordDisbursement(cmd: RecordDisbursement, state: TargetState): TargetEvent[] {
  assertApproved(state, 'disbursements');
  const d = cmd.data;
  if (d.amount <= 0n)
    throw new InvalidInput('INVALID_AMOUNT', 'amount must be greater than 0', 'amount');
  const date = paymentDate(cmd, state.fiscalYear);
  const voucherNo = d.voucherNo.trim();
  if (!voucherNo)
    throw new InvalidInput(
      'VOUCHER_REQUIRED',
      'a voucher number (凭证号) is required',
      'voucherNo',
    );
  if (state.disbursements.some((x) => x.voucherNo === voucherNo)) {
    throw new IllegalState(
      'DUPLICATE_VOUCHER',
      `voucher ${voucherNo} is recorded on this target already`,
      state.status,
      { voucherNo },
    );
  }
  const budget = state.approved!.content.budget.total;
  if (state.netDisbursed + d.amount > budget) {
    throw new Refused(
      'OVER_BUDGET',
      `net disbursed would be ${formatYuan(state.netDisbursed + d.amount)} 元, over the approved budget of ${formatYuan(budget)} 元`,
      {
        budget: formatYuan(budget),
        disbursed: formatYuan(state.netDisbursed),
        available: formatYuan(budget - state.netDisbursed),
      },
    );
  }
  const data = {
    targetId: state.id,
    disbursementId: d.disbursementId,
    amount: d.amount.toString(),
    date,
    period: d.period ?? null,
    voucherNo,
    source: d.source,
    note: d.note.trim(),
  };
  return [{ type: 'DisbursementRecorded', data, metadata: eventMetadata(cmd) }];
}

/** Takes back part or all of what is left of a disbursement. */
export function reverseDisbursement(cmd: ReverseDisbursement, state: TargetState): TargetEvent[] {
  assertApproved(state, 'reversals');
  const d = cmd.data;
  const original = state.disbursements.find((x) => x.id === d.disbursementId);
  if (!original)
    throw new NotFound(
      'DISBURSEMENT_NOT_FOUND',
      `no disbursement ${d.disbursementId} on this target`,
      { disbursementId: d.disbursementId },
    );
  if (d.amount <= 0n)
    throw new InvalidInput('INVALID_AMOUNT', 'amount must be greater than 0', 'amount');
  if (!d.reason.trim())
    throw new InvalidInput('REASON_REQUIRED', 'a reversal needs a reason', 'reason');
  const left = original.amount - original.reversed;
  if (d.amount > left) {
    throw new Refused(
      'REVERSAL_EXCEEDS_REMAINING',
      `only ${formatYuan(left)} 元 of this disbursement is left to reverse`,
      { remaining: formatYuan(left) },
    );
  }
  const data = {
    targetId: state.id,
    disbursementId: d.disbursementId,
    reversalId: d.reversalId,
    amount: d.amount.toString(),
    reason: d.reason.trim(),
  };
  return [{ type: 'DisbursementReversed', data, metadata: eventMetadata(cmd) }];
}

/** A new version of budget, plan or indicators, reviewed by both stages; the old one stays in force. */
export function requestAdjustment(cmd: RequestAdjustment, state: TargetState): TargetEvent[] {
  assertApproved(state, 'adjustments');
  const pending = state.pendingAdjustment;
  if (pending && pending.status !== 'returned') {
    throw new IllegalState(
      'ADJUSTMENT_PENDING',
      `an adjustment is under review already (${pending.status})`,
      state.status,
      { adjustmentId: pending.id },
    );
  }
  const { reason, changes } = cmd.data;
  if (!reason.trim() || reason.length > MAX_TEXT)
    throw new InvalidInput('REASON_REQUIRED', 'an adjustment needs a reason (调整原因)', 'reason');
  const current = state.approved!.content;
  const changed: ContentChanges = Object.fromEntries(
    Object.entries(changes).filter(
      ([k, v]) =>
        v !== undefined &&
        !sameJson(
          changesToJson({ [k]: v }),
          changesToJson({ [k]: current[k as keyof typeof current] }),
        ),
    ),
  );
  if (Object.keys(changed).length === 0)
    throw new InvalidInput(
      'NO_CHANGE',
      'the adjustment changes none of budget, plan or indicators',
      'budget',
    );
  const invalid = invalidityProblems(changed);
  if (invalid.length > 0)
    throw new InvalidInput(
      'INVALID_TARGET',
      invalid.join('; '),
      invalid[0].startsWith('预算数') ? 'budget' : 'plan',
      { problems: invalid },
    );
  const problems = contentProblems({ ...current, ...changed });
  if (problems.length > 0)
    throw new Refused('ADJUSTMENT_HAS_PROBLEMS', 'the adjusted target would have problems', {
      problems,
    });
  assertBudgetCoversDisbursed(state, changed.budget?.total);
  const data = {
    targetId: state.id,
    adjustmentId: cmd.data.adjustmentId,
    reason: reason.trim(),
    changes: changesToJson(changed),
  };
  return [{ type: 'AdjustmentRequested', data, metadata: eventMetadata(cmd) }];
}

/** A budget may not be cut below what has been paid out of it. */
export function assertBudgetCoversDisbursed(state: TargetState, budget: bigint | undefined): void {
  if (budget !== undefined && budget < state.netDisbursed) {
    throw new Refused(
      'BUDGET_BELOW_DISBURSED',
      `the budget may not fall below the ${formatYuan(state.netDisbursed)} 元 disbursed`,
      {
        disbursed: formatYuan(state.netDisbursed),
      },
    );
  }
}
