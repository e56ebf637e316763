import { Actor, fold } from '../shared/decider';
import { deciderSpec } from '../shared/decider.testing';
import { TargetCommand, WithdrawTarget } from './performance-target.commands';
import { targetDecider } from './performance-target.decide';
import { TargetEvent } from './performance-target.events';
import { withdrawalOf } from './target-phase';
import {
  actor,
  approvedHistory,
  content,
  created,
  DEPT,
  emeta,
  FIN,
  ID,
  meta,
  PREPARER,
} from './target.testing';

const HEAD = actor('h1', 'unit_head');
const ADMIN: Actor = { id: 'a1', name: '管理员', role: 'admin' };
const OTHER_UNIT: Actor = { ...actor('u9', 'preparer'), unit: '314004' };

const withdraw = (
  by: Actor = PREPARER,
  reason = '导入年度有误',
  importId?: string,
): WithdrawTarget => ({
  type: 'WithdrawTarget',
  data: { targetId: ID, reason, ...(importId ? { importId } : {}) },
  metadata: meta(by),
});
const withdrawn = (by: Actor = PREPARER, reason = '导入年度有误'): TargetEvent => ({
  type: 'TargetWithdrawn',
  data: { targetId: ID, reason },
  metadata: emeta(by, 'WithdrawTarget'),
});
const submitted: TargetEvent = {
  type: 'TargetSubmitted',
  data: { targetId: ID, contentRevision: 1 },
  metadata: emeta(PREPARER, 'SubmitTarget'),
};
const returned: TargetEvent = {
  type: 'TargetReviewed',
  data: {
    targetId: ID,
    stage: 'department',
    grade: '中',
    opinion: '指标不够具体',
    outcome: 'returned',
    contentRevision: 1,
  },
  metadata: emeta(DEPT, 'ReviewTarget'),
};

const spec = deciderSpec(targetDecider);

describe('WithdrawTarget', () => {
  it('withdraws a draft, by a preparer of its unit, with the reason trimmed', () => {
    spec.given([created]).when(withdraw(PREPARER, '  导入年度有误 ')).then([withdrawn()]);
  });

  it('withdraws a returned target, by the unit head or an admin', () => {
    spec
      .given([created, submitted, returned])
      .when(withdraw(HEAD))
      .then([withdrawn(HEAD)]);
    spec
      .given([created, submitted, returned])
      .when(withdraw(ADMIN))
      .then([withdrawn(ADMIN)]);
  });

  it('names the import it undoes', () => {
    spec
      .given([created])
      .when(withdraw(ADMIN, '撤销导入', 'imp-7'))
      .then([
        {
          type: 'TargetWithdrawn',
          data: { targetId: ID, reason: '撤销导入', importId: 'imp-7' },
          metadata: emeta(ADMIN, 'WithdrawTarget'),
        },
      ]);
  });

  it('leaves the target withdrawn, with who, when and why', () => {
    const s = fold(targetDecider, [created, withdrawn()]);
    expect(s.status).toBe('withdrawn');
    expect(withdrawalOf(s)).toEqual({
      reason: '导入年度有误',
      by: PREPARER,
      at: meta(PREPARER).at,
    });
  });

  it('refuses a submitted, department-approved, approved or rejected target (409 with its state)', () => {
    const deptPass = approvedHistory()[2]; // created, submitted, the department's pass
    const rejected: TargetEvent = {
      ...returned,
      data: { ...returned.data, grade: '差', outcome: 'rejected' } as never,
    };
    const histories: [TargetEvent[], string][] = [
      [[created, submitted], 'submitted'],
      [[created, submitted, deptPass], 'department_approved'],
      [approvedHistory(), 'approved'],
      [[created, submitted, rejected], 'rejected'],
      [[created, withdrawn()], 'withdrawn'],
    ];
    for (const [events, status] of histories) {
      const err = spec
        .given(events)
        .when(withdraw())
        .thenThrows('TARGET_NOT_WITHDRAWABLE', 'illegal_state');
      expect(err.details.status).toBe(status);
    }
  });

  it('requires a reason (400)', () => {
    for (const reason of ['', '   ', 'x'.repeat(2001)]) {
      const err = spec
        .given([created])
        .when(withdraw(PREPARER, reason))
        .thenThrows('REASON_REQUIRED', 'invalid');
      expect(err.details.field).toBe('reason');
    }
  });

  it('refuses a preparer of another unit, and a reviewer', () => {
    spec.given([created]).when(withdraw(OTHER_UNIT)).thenThrows('ROLE_FORBIDDEN', 'forbidden');
    spec.given([created]).when(withdraw(FIN)).thenThrows('ROLE_FORBIDDEN', 'forbidden');
  });

  it('refuses a target that does not exist', () => {
    spec.given([]).when(withdraw()).thenThrows('TARGET_NOT_FOUND');
  });

  it('is final: every later command on a withdrawn target is a 409', () => {
    const gone = [created, withdrawn()];
    const m = meta(PREPARER);
    const commands: TargetCommand[] = [
      {
        type: 'ReviseTarget',
        data: { targetId: ID, changes: { goals: '新目标' }, source: 'api' },
        metadata: m,
      },
      { type: 'SubmitTarget', data: { targetId: ID }, metadata: m },
      {
        type: 'ReviewTarget',
        data: { targetId: ID, grade: '优', opinion: '' },
        metadata: meta(DEPT),
      },
      {
        type: 'CreateTarget',
        data: {
          fiscalYear: 2022,
          unitCode: '314001',
          projectCode: '13030322P00391410001H',
          content,
          source: 'api',
        },
        metadata: m,
      },
      {
        type: 'RecordDisbursement',
        data: {
          targetId: ID,
          disbursementId: 'd1',
          amount: 100n,
          date: '2022-05-01',
          voucherNo: 'V1',
          source: 'fiscal',
          note: '',
        },
        metadata: m,
      },
      {
        type: 'RequestAdjustment',
        data: { targetId: ID, adjustmentId: 'a1', reason: '调整', changes: { plan: content.plan } },
        metadata: m,
      },
      withdraw(ADMIN),
    ];
    for (const c of commands) {
      let kind: string | undefined;
      try {
        targetDecider.decide(c, fold(targetDecider, gone));
      } catch (e) {
        kind = (e as { kind?: string }).kind;
      }
      expect([c.type, kind]).toEqual([c.type, 'illegal_state']);
    }
  });
});
