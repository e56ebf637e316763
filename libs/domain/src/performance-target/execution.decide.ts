import { eventMetadata } from '../shared/decider';
import { IllegalState, InvalidInput, NotFound, Refused } from '../shared/errors';
import { formatYuan } from '../shared/money';
import { statusNameZh } from '../shared/names.zh';
import { isBusinessDate, periodEndDate } from '../shared/business-date';
import {
  RecordDisbursement,
  RequestAdjustment,
  ReverseDisbursement,
} from './performance-target.commands';
import { TargetEvent } from './performance-target.events';
import { ApprovedTarget, assertApproved, TargetState } from './target-phase';
import {
  changesToJson,
  ContentChanges,
  contentProblems,
  invalidityProblems,
  TargetContent,
} from './target-content';
import { sameJson } from '../shared/canonical-json';

const MAX_TEXT = 2000;

/** The payment date: as given, or the last day of the plan period of a quarterly disbursement. */
function paymentDate(cmd: RecordDisbursement, fiscalYear: number): string {
  const { date, period } = cmd.data;
  if ((date === undefined) === (period === undefined)) {
    throw new InvalidInput(
      'DATE_OR_PERIOD',
      '支付日期与计划期间（P1–P4）须填写其中一项，且只能填一项',
      'date',
    );
  }
  if (period !== undefined) return periodEndDate(fiscalYear, period);
  if (!isBusinessDate(date as string))
    throw new InvalidInput('INVALID_DATE', '支付日期应为有效日期，格式 YYYY-MM-DD', 'date');
  if (!(date as string).startsWith(`${fiscalYear}-`)) {
    throw new InvalidInput(
      'DATE_OUTSIDE_FISCAL_YEAR',
      `支付日期应在 ${fiscalYear} 预算年度内`,
      'date',
    );
  }
  return date as string;
}

/** Records a payment; net disbursed may never exceed the approved budget in force. */
export function recordDisbursement(cmd: RecordDisbursement, target: TargetState): TargetEvent[] {
  const state = assertApproved(target, '登记支出');
  const d = cmd.data;
  if (d.amount <= 0n) throw new InvalidInput('INVALID_AMOUNT', '金额应大于 0', 'amount');
  const date = paymentDate(cmd, state.fiscalYear);
  const voucherNo = d.voucherNo.trim();
  if (!voucherNo) throw new InvalidInput('VOUCHER_REQUIRED', '请填写凭证号', 'voucherNo');
  if (state.disbursements.some((x) => x.voucherNo === voucherNo)) {
    throw new IllegalState(
      'DUPLICATE_VOUCHER',
      `凭证号“${voucherNo}”已在该目标登记过`,
      state.status,
      { voucherNo },
    );
  }
  const budget = state.approved.content.budget.total;
  if (state.netDisbursed + d.amount > budget) {
    throw new Refused(
      'OVER_BUDGET',
      `支出合计将为 ${formatYuan(state.netDisbursed + d.amount)} 元，超过批复预算 ${formatYuan(budget)} 元`,
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
export function reverseDisbursement(cmd: ReverseDisbursement, target: TargetState): TargetEvent[] {
  const state = assertApproved(target, '冲销支出');
  const d = cmd.data;
  const original = state.disbursements.find((x) => x.id === d.disbursementId);
  if (!original)
    throw new NotFound('DISBURSEMENT_NOT_FOUND', `该目标没有编号为 ${d.disbursementId} 的支出`, {
      disbursementId: d.disbursementId,
    });
  if (d.amount <= 0n) throw new InvalidInput('INVALID_AMOUNT', '金额应大于 0', 'amount');
  if (!d.reason.trim()) throw new InvalidInput('REASON_REQUIRED', '请填写冲销原因', 'reason');
  const left = original.amount - original.reversed;
  if (d.amount > left) {
    throw new Refused('REVERSAL_EXCEEDS_REMAINING', `该笔支出只剩 ${formatYuan(left)} 元可以冲销`, {
      remaining: formatYuan(left),
    });
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

/** The fields of an adjustment that differ from the content in force. */
function adjustedFields(changes: ContentChanges, current: TargetContent): ContentChanges {
  return Object.fromEntries(
    Object.entries(changes).filter(
      ([k, v]) =>
        v !== undefined &&
        !sameJson(
          changesToJson({ [k]: v }),
          changesToJson({ [k]: current[k as keyof typeof current] }),
        ),
    ),
  );
}

/** An adjustment changes something, each change is valid, and the adjusted target has no problem. */
function assertValidAdjustment(changed: ContentChanges, current: TargetContent): void {
  if (Object.keys(changed).length === 0)
    throw new InvalidInput('NO_CHANGE', '本次调整没有改动预算、资金支出计划或绩效指标', 'budget');
  const invalid = invalidityProblems(changed);
  if (invalid.length > 0)
    throw new InvalidInput(
      'INVALID_TARGET',
      invalid.join('；'),
      invalid[0].startsWith('预算数') ? 'budget' : 'plan',
      { problems: invalid },
    );
  const problems = contentProblems({ ...current, ...changed });
  if (problems.length > 0)
    throw new Refused('ADJUSTMENT_HAS_PROBLEMS', '调整后的目标存在问题，请先改正', {
      problems,
    });
}

/** A new version of budget, plan or indicators, reviewed by both stages; the old one stays in force. */
export function requestAdjustment(cmd: RequestAdjustment, target: TargetState): TargetEvent[] {
  const state = assertApproved(target, '申请调整');
  const pending = state.pendingAdjustment;
  if (pending && pending.status !== 'returned') {
    throw new IllegalState(
      'ADJUSTMENT_PENDING',
      `已有一项调整正在审核中（${statusNameZh(pending.status)}）`,
      state.status,
      { adjustmentId: pending.id },
    );
  }
  const { reason, changes } = cmd.data;
  if (!reason.trim() || reason.length > MAX_TEXT)
    throw new InvalidInput('REASON_REQUIRED', '请填写调整原因（最多 2000 字）', 'reason');
  const current = state.approved.content;
  const changed = adjustedFields(changes, current);
  assertValidAdjustment(changed, current);
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
export function assertBudgetCoversDisbursed(
  state: ApprovedTarget,
  budget: bigint | undefined,
): void {
  if (budget !== undefined && budget < state.netDisbursed) {
    throw new Refused(
      'BUDGET_BELOW_DISBURSED',
      `预算不能低于已支出的 ${formatYuan(state.netDisbursed)} 元`,
      {
        disbursed: formatYuan(state.netDisbursed),
      },
    );
  }
}
