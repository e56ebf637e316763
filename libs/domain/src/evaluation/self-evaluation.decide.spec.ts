import { fold } from '../shared/decider';
import { deciderSpec } from '../shared/decider.testing';
import { targetStreamDecider as targetDecider } from './target-stream';
import { TargetStreamEvent as TargetEvent } from './target-stream';
import {
  actor,
  approvedHistory,
  emeta,
  ID,
  meta,
  PREPARER,
} from '../performance-target/target.testing';
import {
  EvaluationEntry,
  FileSelfEvaluation,
  ReviewSelfEvaluation,
  selfEvaluationScore,
} from './self-evaluation.decide';

const spec = deciderSpec(targetDecider);
const DEPT = actor('d9', 'department_reviewer');
const file = (entries: EvaluationEntry[]): FileSelfEvaluation => ({
  type: 'FileSelfEvaluation',
  data: { targetId: ID, entries },
  metadata: meta(PREPARER),
});
const review = (
  outcome: 'accepted' | 'returned',
  opinion = '',
  by = DEPT,
): ReviewSelfEvaluation => ({
  type: 'ReviewSelfEvaluation',
  data: { targetId: ID, outcome, opinion, confirmedShares: {} },
  metadata: meta(by),
});
// the fixture's one indicator: 投保车辆数量 "1辆"; budget 4,000.00, 3,000.00 paid
const paid: TargetEvent = {
  type: 'DisbursementRecorded',
  data: {
    targetId: ID,
    disbursementId: 'd1',
    amount: '300000',
    date: '2022-05-01',
    period: null,
    voucherNo: 'V1',
    source: 'fiscal',
    note: '',
  },
  metadata: emeta(PREPARER, 'RecordDisbursement'),
};
const history = [...approvedHistory(), paid];

describe('self-evaluation of a target', () => {
  it('is filed with its score: execution 3,000 / 4,000 → 7.5 of 10, the indicator met → 50 of 50', () => {
    const [filed] = targetDecider.decide(
      file([{ index: 0, actual: { kind: 'met' } }]),
      fold(targetDecider, history),
    );
    expect(filed).toMatchObject({
      type: 'SelfEvaluationFiled',
      data: { score: { executionRate: 0.75, grade: '优' } },
    });
    // available 10 + 50 (the other groups have no indicators): (7.5 + 50) / 60
    expect((filed.data as { score: { total: number } }).score.total).toBeCloseTo(
      (57.5 / 60) * 100,
      10,
    );
  });

  it('refuses a value of the wrong kind, a missing indicator, and a shortfall without explanation', () => {
    spec.given(history).when(file([])).thenThrows('ENTRIES_INCOMPLETE', 'invalid');
    spec
      .given(history)
      .when(file([{ index: 0, actual: { kind: 'band', band: '达成', share: 50 } }]))
      .thenThrows('SHARE_OUTSIDE_BAND', 'invalid');
    const e = spec
      .given(history)
      .when(file([{ index: 0, actual: { kind: 'number', value: 0 } }]))
      .thenThrows('EXPLANATIONS_MISSING', 'refused');
    expect(e.details.indicators).toEqual(['投保车辆数量']);
    spec
      .given(approvedHistory().slice(0, 2))
      .when(file([{ index: 0, actual: { kind: 'met' } }]))
      .thenThrows('TARGET_NOT_APPROVED', 'illegal_state');
  });

  it('is reviewed by the department: returned with an opinion, filed again, accepted; not by its filer', () => {
    const filed = [
      ...history,
      ...targetDecider.decide(
        file([{ index: 0, actual: { kind: 'number', value: 0 }, explanation: '车辆报废' }]),
        fold(targetDecider, history),
      ),
    ];
    spec.given(filed).when(review('returned')).thenThrows('OPINION_REQUIRED', 'invalid');
    spec
      .given(filed)
      .when(review('accepted', '', { ...PREPARER, role: 'department_reviewer' }))
      .thenThrows('SEGREGATION_OF_DUTIES', 'refused');
    spec
      .given(filed)
      .when(file([{ index: 0, actual: { kind: 'met' } }]))
      .thenThrows('SELF_EVALUATION_NOT_EDITABLE', 'illegal_state');
    const returned = [
      ...filed,
      ...targetDecider.decide(review('returned', '请核实'), fold(targetDecider, filed)),
    ];
    const refiled = [
      ...returned,
      ...targetDecider.decide(
        file([{ index: 0, actual: { kind: 'met' } }]),
        fold(targetDecider, returned),
      ),
    ];
    const accepted = [
      ...refiled,
      ...targetDecider.decide(review('accepted', '同意'), fold(targetDecider, refiled)),
    ];
    const state = fold(targetDecider, accepted);
    expect(state.selfEvaluation).toMatchObject({ status: 'accepted', reviewedBy: { id: 'd9' } });
    expect(selfEvaluationScore(state, state.selfEvaluation?.entries ?? []).grade).toBe('优');
    spec
      .given(accepted)
      .when(review('accepted'))
      .thenThrows('SELF_EVALUATION_NOT_FILED', 'illegal_state');
  });

  it('keeps the texts of the 绩效自评表 trimmed, leaves blank ones out, and folds old events without them', () => {
    const met: EvaluationEntry[] = [{ index: 0, actual: { kind: 'met' } }];
    const texts = { conclusion: ' 目标全部完成 ', problems: '  ', improvements: '提前拨付' };
    const [filed] = targetDecider.decide(
      { ...file(met), data: { targetId: ID, entries: met, texts } },
      fold(targetDecider, history),
    );
    expect((filed.data as { texts?: object }).texts).toEqual({
      conclusion: '目标全部完成',
      improvements: '提前拨付',
    });
    expect(fold(targetDecider, [...history, filed]).selfEvaluation?.texts).toEqual({
      conclusion: '目标全部完成',
      improvements: '提前拨付',
    });
    // an event of before the texts (and one filed without any) has no `texts` key at all
    const [plain] = targetDecider.decide(file(met), fold(targetDecider, history));
    expect('texts' in plain.data).toBe(false);
    expect(fold(targetDecider, [...history, plain]).selfEvaluation?.texts).toEqual({});
  });
});
