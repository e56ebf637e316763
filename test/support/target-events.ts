import { TargetEvent, targetStreamId } from '@bp/domain';
import {
  approvedHistory,
  created,
  DEPT,
  emeta,
  FIN,
  ID,
  PREPARER,
} from '@bp/domain/performance-target/target.testing';
import { GivenEvent } from './projection-spec';

/** The events of one target (the seed's first table) as the projection specs give them. */
export const onStream = (events: readonly TargetEvent[], id = ID): GivenEvent[] =>
  events.map((e) => ({ ...e, data: { ...e.data, targetId: id }, streamId: targetStreamId(id) }));

export const submitted: TargetEvent = {
  type: 'TargetSubmitted',
  data: { targetId: ID, contentRevision: 1 },
  metadata: emeta(PREPARER, 'SubmitTarget', '2022-01-11T08:00:00.000Z'),
};

export const returned: TargetEvent = {
  type: 'TargetReviewed',
  data: {
    targetId: ID,
    stage: 'department',
    grade: '差',
    opinion: '指标不完整',
    outcome: 'returned',
    contentRevision: 1,
  },
  metadata: emeta(DEPT, 'ReviewTarget', '2022-01-12T08:00:00.000Z'),
};

export const withdrawn: TargetEvent = {
  type: 'TargetWithdrawn',
  data: { targetId: ID, reason: '项目取消' },
  metadata: emeta(PREPARER, 'WithdrawTarget', '2022-01-13T08:00:00.000Z'),
};

export const disbursed = (disbursementId: string, amount: string, date: string): TargetEvent => ({
  type: 'DisbursementRecorded',
  data: {
    targetId: ID,
    disbursementId,
    amount,
    date,
    period: null,
    voucherNo: `V-${disbursementId}`,
    source: 'fiscal',
    note: '',
  },
  metadata: emeta(FIN, 'RecordDisbursement', `${date}T08:00:00.000Z`),
});

export const reversed = (disbursementId: string, amount: string): TargetEvent => ({
  type: 'DisbursementReversed',
  data: { targetId: ID, disbursementId, reversalId: `${disbursementId}-r`, amount, reason: '退款' },
  metadata: emeta(FIN, 'ReverseDisbursement', '2022-06-30T08:00:00.000Z'),
});

export const adjustmentRequested: TargetEvent = {
  type: 'AdjustmentRequested',
  data: {
    targetId: ID,
    adjustmentId: 'adj-1',
    reason: '预算调减',
    changes: { budget: { total: '300000', fiscal: '300000', other: '0' } },
  },
  metadata: emeta(PREPARER, 'RequestAdjustment', '2022-07-01T08:00:00.000Z'),
};

export const adjustmentApproved: TargetEvent = {
  type: 'AdjustmentApproved',
  data: { targetId: ID, adjustmentId: 'adj-1', approvedVersion: 2 },
  metadata: emeta(FIN, 'ReviewAdjustment', '2022-07-02T08:00:00.000Z'),
};

export { approvedHistory, created, ID };
