import { fold } from '../shared/decider';
import { targetDecider } from './performance-target.decide';
import { TargetEvent, TargetSubmitted } from './performance-target.events';
import { evolveTarget, initialTargetState, TARGET_EVOLVERS } from './performance-target.state';
import { TargetState } from './target-phase';
import { approvedHistory, created, DEPT, emeta, FIN, ID, PREPARER } from './target.testing';

const state = (events: TargetEvent[]): TargetState => fold(targetDecider, events);
const [, submitted, departmentPassed, financePassed, approved] = approvedHistory();
const reviewed = (grade: '中' | '差', outcome: 'returned' | 'rejected'): TargetEvent => ({
  type: 'TargetReviewed',
  data: { targetId: ID, stage: 'finance', grade, opinion: '意见', outcome, contentRevision: 1 },
  metadata: emeta(FIN, 'ReviewTarget'),
});
const paid = (id: string, amount: string): TargetEvent => ({
  type: 'DisbursementRecorded',
  data: {
    targetId: ID,
    disbursementId: id,
    amount,
    date: '2022-03-15',
    period: null,
    voucherNo: `v-${id}`,
    source: 'fiscal',
    note: '',
  },
  metadata: emeta(PREPARER, 'RecordDisbursement'),
});
const reversed: TargetEvent = {
  type: 'DisbursementReversed',
  data: { targetId: ID, disbursementId: 'd1', reversalId: 'r1', amount: '20000', reason: '错账' },
  metadata: emeta(PREPARER, 'ReverseDisbursement'),
};
const requested: TargetEvent = {
  type: 'AdjustmentRequested',
  data: {
    targetId: ID,
    adjustmentId: 'a1',
    reason: '追加预算',
    changes: { budget: { total: '500000', fiscal: '500000', other: '0' } },
  },
  metadata: emeta(PREPARER, 'RequestAdjustment'),
};
const adjustmentApproved: TargetEvent = {
  type: 'AdjustmentApproved',
  data: { targetId: ID, adjustmentId: 'a1', approvedVersion: 2 },
  metadata: emeta(FIN, 'ReviewTarget'),
};
const withdrawn: TargetEvent = {
  type: 'TargetWithdrawn',
  data: { targetId: ID, reason: '导入年度有误' },
  metadata: emeta(PREPARER, 'WithdrawTarget'),
};

describe('evolveTarget', () => {
  it('has one evolve step per event type and only dispatches to it', () => {
    expect(Object.keys(TARGET_EVOLVERS).sort()).toEqual(
      [
        'AdjustmentApproved',
        'AdjustmentRequested',
        'DisbursementRecorded',
        'DisbursementReversed',
        'TargetApproved',
        'TargetCreated',
        'TargetReviewed',
        'TargetRevised',
        'TargetSubmitted',
        'TargetWithdrawn',
      ].sort(),
    );
    const s = state([created]);
    const e: TargetSubmitted = {
      ...submitted,
      type: 'TargetSubmitted',
      data: { targetId: ID, contentRevision: 1 },
    };
    const moved = { ...s, version: 2, updatedAt: e.metadata.at };
    expect(evolveTarget(s, e)).toEqual(TARGET_EVOLVERS.TargetSubmitted(moved, e));
  });

  it('TargetCreated makes a draft with its review cycle and no ledger', () => {
    const s = evolveTarget(initialTargetState(), created);
    expect(s).toMatchObject({
      status: 'draft',
      id: ID,
      unitCode: '314001',
      contentRevision: 1,
      authors: ['u1'],
      departmentPassedBy: null,
      createdBy: PREPARER,
      version: 1,
    });
    expect(s).not.toHaveProperty('approved');
    expect(s).not.toHaveProperty('disbursements');
  });

  it('TargetSubmitted and a department pass keep the cycle, with who passed it', () => {
    expect(state([created, submitted])).toMatchObject({
      status: 'submitted',
      submittedBy: PREPARER,
    });
    expect(state([created, submitted, departmentPassed])).toMatchObject({
      status: 'department_approved',
      departmentPassedBy: DEPT,
    });
  });

  it('TargetApproved starts the approved phase: its version, an empty ledger, no cycle left', () => {
    const s = state(approvedHistory());
    expect(s).toMatchObject({
      status: 'approved',
      approved: { approvedVersion: 1, contentRevision: 1 },
      pendingAdjustment: null,
      disbursements: [],
      netDisbursed: 0n,
      version: 5,
    });
    expect(s).not.toHaveProperty('authors');
    expect(s).not.toHaveProperty('departmentPassedBy');
  });

  it('a 中 returns the table, authors kept; a 差 rejects it and ends its cycle', () => {
    const atFinance = [created, submitted, departmentPassed];
    const returned = state([...atFinance, reviewed('中', 'returned')]);
    expect(returned).toMatchObject({ status: 'returned', authors: ['u1'] });
    const rejected = state([...atFinance, reviewed('差', 'rejected')]);
    expect(rejected.status).toBe('rejected');
    expect(rejected).not.toHaveProperty('authors');
    expect(rejected).toMatchObject({ reviews: [{ stage: 'department' }, { outcome: 'rejected' }] });
  });

  it('TargetWithdrawn keeps who, when and why, and nothing of the cycle', () => {
    const s = state([created, withdrawn]);
    expect(s).toMatchObject({ status: 'withdrawn', withdrawal: { reason: '导入年度有误' } });
    expect(s).not.toHaveProperty('authors');
  });

  it('payments and reversals move the ledger of an approved target', () => {
    const s = state([...approvedHistory(), paid('d1', '100000'), paid('d2', '5000'), reversed]);
    expect(s).toMatchObject({ netDisbursed: 85000n });
    expect(s).toMatchObject({ disbursements: [{ id: 'd1', reversed: 20000n }, { reversed: 0n }] });
  });

  it('an adjustment is pending, then the version in force', () => {
    const pending = state([...approvedHistory(), requested]);
    expect(pending).toMatchObject({ pendingAdjustment: { id: 'a1', status: 'submitted' } });
    const s = state([...approvedHistory(), requested, adjustmentApproved]);
    expect(s).toMatchObject({
      status: 'approved',
      pendingAdjustment: null,
      contentRevision: 2,
      approved: { approvedVersion: 2, content: { budget: { total: 500000n } } },
      content: { budget: { total: 500000n } },
    });
  });

  it('an event that does not fit the phase only counts in the version', () => {
    const draft = state([created]);
    for (const e of [paid('d1', '1'), financePassed, approved, requested, adjustmentApproved]) {
      const next = evolveTarget(draft, e);
      expect(next).toEqual({ ...draft, version: 2, updatedAt: e.metadata.at });
    }
    const none = evolveTarget(initialTargetState(), submitted);
    expect(none).toEqual({ status: 'none', version: 1, updatedAt: submitted.metadata.at });
    const twice = evolveTarget(draft, created);
    expect(twice).toEqual({ ...draft, version: 2, updatedAt: created.metadata.at });
  });
});
