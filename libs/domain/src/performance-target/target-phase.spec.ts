import { fold } from '../shared/decider';
import { DomainError } from '../shared/errors';
import { targetDecider } from './performance-target.decide';
import { TargetEvent } from './performance-target.events';
import { initialTargetState } from './performance-target.state';
import {
  approvedOf,
  assertApproved,
  assertExists,
  exists,
  isApproved,
  isEditable,
  isUnderReview,
  isWithdrawn,
  ledgerOf,
  pendingAdjustmentOf,
  TargetState,
  withdrawalOf,
} from './target-phase';
import { approvedHistory, created, emeta, ID, PREPARER } from './target.testing';

const state = (events: TargetEvent[]): TargetState => fold(targetDecider, events);
const [, submitted, departmentPassed] = approvedHistory();
const withdrawn: TargetEvent = {
  type: 'TargetWithdrawn',
  data: { targetId: ID, reason: '导入年度有误' },
  metadata: emeta(PREPARER, 'WithdrawTarget'),
};
const paid: TargetEvent = {
  type: 'DisbursementRecorded',
  data: {
    targetId: ID,
    disbursementId: 'd1',
    amount: '120000',
    date: '2022-03-15',
    period: null,
    voucherNo: '记-03-001',
    source: 'fiscal',
    note: '',
  },
  metadata: emeta(PREPARER, 'RecordDisbursement'),
};

function refusal(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    const d = e as DomainError;
    return { code: d.code, message: d.message };
  }
  throw new Error('expected a refusal');
}

const PHASES: [string, TargetEvent[]][] = [
  ['none', []],
  ['draft', [created]],
  ['submitted', [created, submitted]],
  ['department_approved', [created, submitted, departmentPassed]],
  ['approved', approvedHistory()],
  ['withdrawn', [created, withdrawn]],
];

describe('the phase predicates', () => {
  it.each(PHASES)('narrow a %s target to its one phase', (status, events) => {
    const s = state(events);
    expect(s.status).toBe(status);
    const phases = [exists(s), isEditable(s), isUnderReview(s), isApproved(s), isWithdrawn(s)];
    expect(phases).toEqual([
      status !== 'none',
      status === 'draft',
      status === 'submitted' || status === 'department_approved',
      status === 'approved',
      status === 'withdrawn',
    ]);
  });

  it('assertExists answers the target itself, or TARGET_NOT_FOUND', () => {
    const draft = state([created]);
    expect(assertExists(draft)).toBe(draft);
    expect(refusal(() => assertExists(initialTargetState()))).toEqual({
      code: 'TARGET_NOT_FOUND',
      message: '该绩效目标不存在',
    });
  });

  it('assertApproved answers the approved target with its version, or says what needs it', () => {
    const approved = state(approvedHistory());
    expect(assertApproved(approved, '登记支出').approved.approvedVersion).toBe(1);
    expect(refusal(() => assertApproved(state([created, submitted]), '登记支出'))).toEqual({
      code: 'TARGET_NOT_APPROVED',
      message: '只有已批复的目标才能登记支出，该目标当前为“待部门审核”',
    });
    expect(refusal(() => assertApproved(initialTargetState(), '自评')).code).toBe(
      'TARGET_NOT_APPROVED',
    );
  });

  it('keep what else the state carries (the stream state of the infrastructure)', () => {
    const s = { ...state(approvedHistory()), reports: { r1: 'kept' } };
    const narrowed = assertApproved(s, '自评');
    expect(narrowed.reports).toEqual({ r1: 'kept' });
  });
});

describe('what a reader of any phase asks for', () => {
  it('is empty for the phases that have none of it', () => {
    for (const [, events] of PHASES.filter(([status]) => status !== 'approved')) {
      const s = state(events);
      expect(approvedOf(s)).toBeNull();
      expect(ledgerOf(s)).toEqual({ disbursements: [], netDisbursed: 0n });
      expect(pendingAdjustmentOf(s)).toBeNull();
    }
  });

  it('is the approved version and the ledger of an approved target', () => {
    const s = state([...approvedHistory(), paid]);
    expect(approvedOf(s)).toMatchObject({ approvedVersion: 1, contentRevision: 1 });
    expect(ledgerOf(s).netDisbursed).toBe(120000n);
    expect(ledgerOf(s).disbursements.map((d) => d.id)).toEqual(['d1']);
  });

  it('is the withdrawal of a withdrawn target only', () => {
    expect(withdrawalOf(state([created, withdrawn]))).toMatchObject({ reason: '导入年度有误' });
    expect(withdrawalOf(state(approvedHistory()))).toBeNull();
  });
});
