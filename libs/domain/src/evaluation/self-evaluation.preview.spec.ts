import { fold } from '../shared/decider';
import { targetStreamDecider as targetDecider } from './target-stream';
import { approvedHistory, created } from '../performance-target/target.testing';
import { previewSelfEvaluation } from './self-evaluation.decide';

// the fixture's one indicator: 投保车辆数量 "1辆" (产出指标); budget 4,000.00, nothing paid
describe('previewSelfEvaluation: the score a filing would get, for the console as one types', () => {
  const approved = fold(targetDecider, approvedHistory());

  it('scores what a filing would, and lists a missing 未完成原因 instead of refusing', () => {
    const short = previewSelfEvaluation(approved, [
      { index: 0, actual: { kind: 'number', value: 0.5 } },
    ]);
    // execution 0 of 10; 产出 50 × 0.5 = 25 of the 60 available → 41.67 %
    expect(short.total).toBeCloseTo((25 / 60) * 100, 9);
    expect([short.grade, short.missingExplanations]).toEqual(['差', ['投保车辆数量']]);
    const explained = previewSelfEvaluation(approved, [
      { index: 0, actual: { kind: 'number', value: 0.5 }, explanation: '一辆车报废' },
    ]);
    expect(explained.missingExplanations).toEqual([]);
  });

  it('refuses what a filing refuses: entries missing, a share outside its band, an unapproved target', () => {
    expect(() => previewSelfEvaluation(approved, [])).toThrow(
      expect.objectContaining({ code: 'ENTRIES_INCOMPLETE' }),
    );
    expect(() =>
      previewSelfEvaluation(approved, [
        { index: 0, actual: { kind: 'band', band: '达成', share: 50 } },
      ]),
    ).toThrow(expect.objectContaining({ code: 'SHARE_OUTSIDE_BAND' }));
    expect(() =>
      previewSelfEvaluation(fold(targetDecider, [created]), [
        { index: 0, actual: { kind: 'met' } },
      ]),
    ).toThrow(expect.objectContaining({ code: 'TARGET_NOT_APPROVED' }));
  });
});
