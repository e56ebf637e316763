import { TargetEvent } from './performance-target.events';
import { budgetToJson, Indicator, TargetContent } from './target-content';
import { diffContent, diffIndicators, targetChanges } from './target-diff';
import { approvedHistory, content, created, DEPT, emeta, ID, PREPARER } from './target.testing';

const ind = (name: string, target: string, level2 = '数量指标'): Indicator => ({
  level1: '产出指标',
  level2,
  name,
  description: `${name}说明`,
  target,
  basis: '依据',
});

const submitted = (rev: number): TargetEvent => ({
  type: 'TargetSubmitted',
  data: { targetId: ID, contentRevision: rev },
  metadata: emeta(PREPARER, 'SubmitTarget'),
});
const returned = (rev: number): TargetEvent => ({
  type: 'TargetReviewed',
  data: {
    targetId: ID,
    stage: 'department',
    grade: '中',
    opinion: '指标值不明确',
    outcome: 'returned',
    contentRevision: rev,
  },
  metadata: emeta(DEPT, 'ReviewTarget'),
});
const revised = (rev: number, changes: Partial<TargetContent>): TargetEvent => ({
  type: 'TargetRevised',
  data: {
    targetId: ID,
    contentRevision: rev,
    source: 'api',
    changes: changes.budget ? { ...changes, budget: budgetToJson(changes.budget) } : changes,
  } as never,
  metadata: emeta(PREPARER, 'ReviseTarget'),
});

describe('diffIndicators', () => {
  it('tells added, removed and changed rows apart by their place in the tree', () => {
    const d = diffIndicators(
      [ind('投保车辆数量', '1辆'), ind('保险及时率', '≥95%', '时效指标')],
      [ind('投保车辆数量', '2辆'), ind('车辆出险处理率', '100%', '质量指标')],
    );
    expect(d.added.map((i) => i.name)).toEqual(['车辆出险处理率']);
    expect(d.removed.map((i) => i.name)).toEqual(['保险及时率']);
    expect(d.changed).toEqual([
      { before: ind('投保车辆数量', '1辆'), after: ind('投保车辆数量', '2辆'), parts: ['target'] },
    ]);
  });

  it('pairs rows of the same name in order and reports nothing for equal lists', () => {
    const same = [ind('培训人次', '100人'), ind('培训人次', '200人')];
    expect(diffIndicators(same, same)).toEqual({ added: [], removed: [], changed: [] });
    const d = diffIndicators(same, [ind('培训人次', '100人')]);
    expect(d.removed).toEqual([ind('培训人次', '200人')]);
  });
});

describe('diffContent', () => {
  it('lists changed fields with before and after, budget in 元', () => {
    const after: TargetContent = {
      ...content,
      budget: { total: 500000n, fiscal: 500000n, other: 0n },
      plan: { M3: 20, M6: 100, M10: 100, M12: 100 },
    };
    const d = diffContent(content, after);
    expect(d.fields.map((f) => [f.field, f.label])).toEqual([
      ['budget', '项目资金'],
      ['plan', '资金支出计划（%）'],
    ]);
    expect(d.fields[0].before).toEqual({ total: '4000.00', fiscal: '4000.00', other: '0.00' });
    expect(d.fields[0].after).toEqual({ total: '5000.00', fiscal: '5000.00', other: '0.00' });
    expect(diffContent(content, content).fields).toEqual([]);
  });
});

describe('targetChanges', () => {
  it('is a first submission before any review', () => {
    const c = targetChanges([created, submitted(1)]);
    expect(c).toMatchObject({ kind: 'target', from: null, to: 2, firstSubmission: true });
    expect(c.fields).toEqual([]);
  });

  it('compares a resubmitted target with the version that was returned', () => {
    const goals = '1.保障两辆车辆工作';
    const indicators = [{ ...content.indicators[0], target: '2辆' }, ind('车辆年检率', '100%')];
    const c = targetChanges([
      created,
      submitted(1),
      returned(1),
      revised(2, { goals }),
      revised(3, { indicators }),
      submitted(3),
    ]);
    expect(c).toMatchObject({ kind: 'target', from: 3, to: 6, firstSubmission: false });
    expect(c.fields).toEqual([
      { field: 'goals', label: '年度绩效目标', before: content.goals, after: goals },
    ]);
    expect(c.indicators.changed).toEqual([
      { before: content.indicators[0], after: indicators[0], parts: ['target'] },
    ]);
    expect(c.indicators.added.map((i) => i.name)).toEqual(['车辆年检率']);
    expect(c.indicators.removed).toEqual([]);
  });

  it('compares a pending adjustment with the approved version in force, with its reason', () => {
    const history = approvedHistory();
    const adjustment: TargetEvent = {
      type: 'AdjustmentRequested',
      data: {
        targetId: ID,
        adjustmentId: 'adj-1',
        reason: '车辆增加一辆',
        changes: { budget: { total: '600000', fiscal: '600000', other: '0' } },
      },
      metadata: emeta(PREPARER, 'RequestAdjustment'),
    };
    const c = targetChanges([...history, adjustment]);
    expect(c).toMatchObject({
      kind: 'adjustment',
      from: history.length,
      to: history.length + 1,
      adjustmentId: 'adj-1',
      reason: '车辆增加一辆',
    });
    expect(c.fields.map((f) => [f.field, f.after])).toEqual([
      ['budget', { total: '6000.00', fiscal: '6000.00', other: '0.00' }],
    ]);
    expect(c.indicators).toEqual({ added: [], removed: [], changed: [] });
  });
});
