import { effectivePlan, planProblems } from './spending-plan';

describe('spending plan', () => {
  it('carries blank cells forward from the previous checkpoint, 0 before the first', () => {
    expect(effectivePlan({ M3: null, M6: 50, M10: null, M12: 100 })).toEqual({
      M3: 0,
      M6: 50,
      M10: 50,
      M12: 100,
    });
    expect(effectivePlan({ M3: null, M6: 100, M10: null, M12: null })).toEqual({
      M3: 0,
      M6: 100,
      M10: 100,
      M12: 100,
    });
  });

  it('accepts a cumulative plan ending at 100%', () => {
    expect(planProblems({ M3: 25, M6: 50, M10: 75.5, M12: 100 })).toEqual([]);
    expect(planProblems({ M3: null, M6: 100, M10: null, M12: null })).toEqual([]);
  });

  it('refuses a plan that goes down', () => {
    expect(planProblems({ M3: 60, M6: 40, M10: 80, M12: 100 })).toEqual([
      '资金支出计划应为累计数：6月底（40%）低于3月底（60%）',
    ]);
  });

  it('refuses a plan that does not reach 100% by December', () => {
    expect(planProblems({ M3: 10, M6: 20, M10: 30, M12: 90 })).toEqual([
      '资金支出计划到12月底应达到100%，现为90%',
    ]);
    expect(planProblems({ M3: null, M6: null, M10: null, M12: null })).toHaveLength(1);
  });

  it('refuses cells outside [0, 100] or with three decimals', () => {
    expect(planProblems({ M3: -1, M6: 50, M10: 50, M12: 100 })).toHaveLength(1);
    expect(planProblems({ M3: 10.125, M6: 50, M10: 50, M12: 100 })).toHaveLength(1);
    expect(planProblems({ M3: 10, M6: 150, M10: 150, M12: 100 })).toHaveLength(2);
  });
});
