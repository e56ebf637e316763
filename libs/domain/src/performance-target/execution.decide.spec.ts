import { fold } from '../shared/decider';
import { deciderSpec } from '../shared/decider.testing';
import {
  RecordDisbursement,
  RequestAdjustment,
  ReverseDisbursement,
  ReviewTarget,
} from './performance-target.commands';
import { targetDecider } from './performance-target.decide';
import { TargetEvent } from './performance-target.events';
import { approvedOf, ledgerOf, pendingAdjustmentOf } from './target-phase';
import { approvedHistory, DEPT2, emeta, FIN2, ID, meta, PREPARER } from './target.testing';

const spec = deciderSpec(targetDecider);
const pay = (
  amount: bigint,
  extra: Partial<RecordDisbursement['data']> = {},
): RecordDisbursement => ({
  type: 'RecordDisbursement',
  data: {
    targetId: ID,
    disbursementId: `d-${amount}`,
    amount,
    date: '2022-05-10',
    voucherNo: `V${amount}`,
    source: 'fiscal',
    note: '',
    ...extra,
  },
  metadata: meta(PREPARER),
});
const paid = (
  amount: bigint,
  date = '2022-05-10',
  period: 'P1' | 'P2' | 'P3' | 'P4' | null = null,
): TargetEvent => ({
  type: 'DisbursementRecorded',
  data: {
    targetId: ID,
    disbursementId: `d-${amount}`,
    amount: amount.toString(),
    date,
    period,
    voucherNo: `V${amount}`,
    source: 'fiscal',
    note: '',
  },
  metadata: emeta(PREPARER, 'RecordDisbursement'),
});
const reverse = (
  amount: bigint,
  disbursementId = 'd-100000',
  reason = '录入错误',
): ReverseDisbursement => ({
  type: 'ReverseDisbursement',
  data: { targetId: ID, disbursementId, reversalId: `r-${amount}`, amount, reason },
  metadata: meta(PREPARER),
});
const adjust = (
  changes: RequestAdjustment['data']['changes'],
  reason = '预算调整',
): RequestAdjustment => ({
  type: 'RequestAdjustment',
  data: { targetId: ID, adjustmentId: 'a1', reason, changes },
  metadata: meta(PREPARER),
});
const review = (
  by: typeof DEPT2,
  grade: '优' | '中' | '差' = '优',
  opinion = '',
): ReviewTarget => ({
  type: 'ReviewTarget',
  data: { targetId: ID, grade, opinion },
  metadata: meta(by),
});
const approved = approvedHistory();

describe('RecordDisbursement', () => {
  it('records a dated payment', () =>
    spec
      .given(approved)
      .when(pay(100000n))
      .then([paid(100000n)]));

  it('records a quarterly disbursement as a payment on the last day of its period', () => {
    spec
      .given(approved)
      .when(pay(100000n, { date: undefined, period: 'P2' }))
      .then([paid(100000n, '2022-06-30', 'P2')]);
  });

  it('refuses a target that is not approved (409)', () => {
    spec
      .given(approved.slice(0, 2))
      .when(pay(1n))
      .thenThrows('TARGET_NOT_APPROVED', 'illegal_state');
  });

  it('refuses net disbursed over the approved budget (422), to the fen', () => {
    spec
      .given([...approved, paid(300000n)])
      .when(pay(100000n))
      .then([paid(100000n)]);
    const e = spec
      .given([...approved, paid(300000n)])
      .when(pay(100001n))
      .thenThrows('OVER_BUDGET', 'refused');
    expect(e.details).toEqual({ budget: '4000.00', disbursed: '3000.00', available: '1000.00' });
  });

  it('refuses a voucher number used on the target already (409)', () => {
    spec
      .given([...approved, paid(100n)])
      .when(pay(200n, { voucherNo: 'V100' }))
      .thenThrows('DUPLICATE_VOUCHER', 'illegal_state');
  });

  it.each([
    [{ date: '2021-12-31' }, 'DATE_OUTSIDE_FISCAL_YEAR'],
    [{ date: '2023-01-01' }, 'DATE_OUTSIDE_FISCAL_YEAR'],
    [{ date: '2022-02-30' }, 'INVALID_DATE'],
    [{ date: '2022-05-10', period: 'P1' as const }, 'DATE_OR_PERIOD'],
    [{ date: undefined }, 'DATE_OR_PERIOD'],
    [{ amount: 0n }, 'INVALID_AMOUNT'],
    [{ voucherNo: '  ' }, 'VOUCHER_REQUIRED'],
  ])('refuses bad input %p (400)', (extra, code) => {
    spec.given(approved).when(pay(100n, extra)).thenThrows(code, 'invalid');
  });
});

describe('ReverseDisbursement', () => {
  const history = [...approved, paid(100000n)];
  const reversed = (amount: bigint): TargetEvent => ({
    type: 'DisbursementReversed',
    data: {
      targetId: ID,
      disbursementId: 'd-100000',
      reversalId: `r-${amount}`,
      amount: amount.toString(),
      reason: '录入错误',
    },
    metadata: emeta(PREPARER, 'ReverseDisbursement'),
  });

  it('takes back part of a disbursement, lowering the net', () => {
    spec
      .given(history)
      .when(reverse(40000n))
      .then([reversed(40000n)]);
    expect(ledgerOf(fold(targetDecider, [...history, reversed(40000n)])).netDisbursed).toBe(60000n);
  });

  it('refuses more than is left of it (422)', () => {
    const e = spec
      .given([...history, reversed(40000n)])
      .when(reverse(60001n))
      .thenThrows('REVERSAL_EXCEEDS_REMAINING', 'refused');
    expect(e.details).toEqual({ remaining: '600.00' });
  });

  it('refuses an unknown disbursement (404) and a reversal without a reason (400)', () => {
    spec.given(history).when(reverse(1n, 'nope')).thenThrows('DISBURSEMENT_NOT_FOUND', 'not_found');
    spec
      .given(history)
      .when(reverse(1n, 'd-100000', ' '))
      .thenThrows('REASON_REQUIRED', 'invalid');
  });

  it('frees budget for new payments', () => {
    spec
      .given([
        ...approved,
        paid(400000n),
        {
          ...reversed(50000n),
          data: { ...reversed(50000n).data, disbursementId: 'd-400000' },
        } as TargetEvent,
      ])
      .when(pay(50000n))
      .then([paid(50000n)]);
  });
});

describe('RequestAdjustment and its review', () => {
  const newBudget = { total: 500000n, fiscal: 500000n, other: 0n };
  const requested: TargetEvent = {
    type: 'AdjustmentRequested',
    data: {
      targetId: ID,
      adjustmentId: 'a1',
      reason: '预算调整',
      changes: { budget: { total: '500000', fiscal: '500000', other: '0' } },
    },
    metadata: emeta(PREPARER, 'RequestAdjustment'),
  };

  it('requests a new version, which leaves the approved one in force', () => {
    spec
      .given(approved)
      .when(adjust({ budget: newBudget }))
      .then([requested]);
    const state = fold(targetDecider, [...approved, requested]);
    expect(state).toMatchObject({
      status: 'approved',
      approved: { approvedVersion: 1 },
      pendingAdjustment: { id: 'a1', status: 'submitted' },
    });
    expect(approvedOf(state)?.content.budget.total).toBe(400000n);
  });

  it('goes through both stages and then is the version in force', () => {
    const history = [...approved, requested];
    const deptEvents = targetDecider.decide(review(DEPT2), fold(targetDecider, history));
    expect(deptEvents[0]).toMatchObject({
      type: 'TargetReviewed',
      data: { adjustmentId: 'a1', stage: 'department', outcome: 'passed' },
    });
    const finEvents = targetDecider.decide(
      review(FIN2),
      fold(targetDecider, [...history, ...deptEvents]),
    );
    expect(finEvents.map((e) => e.type)).toEqual(['TargetReviewed', 'AdjustmentApproved']);
    const state = fold(targetDecider, [...history, ...deptEvents, ...finEvents]);
    expect(state).toMatchObject({
      status: 'approved',
      approved: { approvedVersion: 2 },
      pendingAdjustment: null,
    });
    expect(approvedOf(state)?.content.budget.total).toBe(500000n);
  });

  it('中 returns it to the requester, who may send a new one; 差 drops it', () => {
    const returned = [
      ...approved,
      requested,
      ...targetDecider.decide(
        review(DEPT2, '中', '请说明'),
        fold(targetDecider, [...approved, requested]),
      ),
    ];
    expect(pendingAdjustmentOf(fold(targetDecider, returned))?.status).toBe('returned');
    expect(
      targetDecider
        .decide(adjust({ budget: newBudget }), fold(targetDecider, returned))
        .map((e) => e.type),
    ).toEqual(['AdjustmentRequested']);
    const rejected = [
      ...approved,
      requested,
      ...targetDecider.decide(
        review(DEPT2, '差', '不予调整'),
        fold(targetDecider, [...approved, requested]),
      ),
    ];
    expect(fold(targetDecider, rejected)).toMatchObject({
      pendingAdjustment: null,
      approved: { approvedVersion: 1 },
    });
  });

  it('keeps segregation of duties for adjustments', () => {
    spec
      .given([...approved, requested])
      .when(review({ ...PREPARER, role: 'department_reviewer' }))
      .thenThrows('SEGREGATION_OF_DUTIES', 'refused');
  });

  it('refuses a second adjustment while one is under review (409)', () => {
    spec
      .given([...approved, requested])
      .when(adjust({ budget: newBudget }))
      .thenThrows('ADJUSTMENT_PENDING', 'illegal_state');
  });

  it('refuses an adjustment that changes nothing, has no reason, or is invalid (400)', () => {
    spec
      .given(approved)
      .when(adjust({ budget: { total: 400000n, fiscal: 400000n, other: 0n } }))
      .thenThrows('NO_CHANGE', 'invalid');
    spec
      .given(approved)
      .when(adjust({ budget: newBudget }, ' '))
      .thenThrows('REASON_REQUIRED', 'invalid');
    spec
      .given(approved)
      .when(adjust({ plan: { M3: 50, M6: 40, M10: 100, M12: 100 } }))
      .thenThrows('INVALID_TARGET', 'invalid');
  });

  it('refuses a budget below what has been disbursed (422), also at the final approval', () => {
    spec
      .given([...approved, paid(300000n)])
      .when(adjust({ budget: { total: 200000n, fiscal: 200000n, other: 0n } }))
      .thenThrows('BUDGET_BELOW_DISBURSED', 'refused');
    const cut: TargetEvent = {
      ...requested,
      data: {
        ...requested.data,
        changes: { budget: { total: '200000', fiscal: '200000', other: '0' } },
      },
    } as TargetEvent;
    const dept: TargetEvent = {
      type: 'TargetReviewed',
      data: {
        targetId: ID,
        adjustmentId: 'a1',
        stage: 'department',
        grade: '优',
        opinion: '',
        outcome: 'passed',
        contentRevision: 1,
      },
      metadata: emeta(DEPT2, 'ReviewTarget'),
    };
    spec
      .given([...approved, cut, dept, paid(300000n)])
      .when(review(FIN2))
      .thenThrows('BUDGET_BELOW_DISBURSED', 'refused');
  });

  it('refuses an adjustment of a target not approved (409)', () => {
    spec
      .given(approved.slice(0, 3))
      .when(adjust({ budget: newBudget }))
      .thenThrows('TARGET_NOT_APPROVED', 'illegal_state');
  });
});
