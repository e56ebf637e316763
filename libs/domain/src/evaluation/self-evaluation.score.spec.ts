import { Indicator } from '../performance-target/target-content';
import { IndicatorInput, scoreSelfEvaluation } from './self-evaluation.score';

const ind = (level1: string, name: string, target: string): Indicator => ({
  level1,
  level2: '',
  name,
  description: '',
  target,
  basis: '',
});
const WAN = 1_000_000n; // 1万元 in fen

describe('scoreSelfEvaluation', () => {
  it('scores the worked example of DOMAIN.md: 97.85, 优', () => {
    const inputs: IndicatorInput[] = [
      {
        indicator: ind('产出指标', '购置车辆', '=1辆'),
        weight: 20,
        actual: { kind: 'number', value: 1 },
      },
      {
        indicator: ind('产出指标', '验收合格率', '≥95%'),
        weight: 15,
        actual: { kind: 'number', value: 90 },
        explanation: '两批次返工',
      },
      { indicator: ind('产出指标', '完成时间', '≤12月31日'), weight: 15, actual: { kind: 'met' } },
      { indicator: ind('效益指标', '出勤保障率', '≥95%'), actual: { kind: 'number', value: 97 } },
      {
        indicator: ind('满意度指标', '使用部门满意度', '≥90%'),
        actual: { kind: 'number', value: 85 },
        explanation: '车辆交付偏晚',
      },
    ];
    // budget 100万, spent 92万 → 9.20; 20 + 15 × 90/95 (14.21) + 15; 30; 10 × 85/90 (9.44)
    const s = scoreSelfEvaluation(100n * WAN, 92n * WAN, inputs);
    expect(s.executionScore).toBeCloseTo(9.2, 10);
    expect(s.indicators.map((i) => Number(i.score.toFixed(2)))).toEqual([20, 14.21, 15, 30, 9.44]);
    expect(Number(s.total.toFixed(2))).toBe(97.85);
    expect(s.grade).toBe('优');
    expect(s.missingExplanations).toEqual([]);
  });

  it('scores a negative indicator as target ÷ actual, capped at full', () => {
    const cost = (value: number) =>
      scoreSelfEvaluation(WAN, WAN, [
        {
          indicator: ind('产出指标', '单位成本', '≤500元/人'),
          actual: { kind: 'number', value },
          explanation: '超支',
        },
        { indicator: ind('效益指标', '效益', '是/否'), actual: { kind: 'yesNo', value: true } },
        { indicator: ind('满意度指标', '满意度', '≥90%'), actual: { kind: 'met' } },
      ]);
    expect(cost(625).indicators[0].score).toBeCloseTo(40, 10); // 50 × 500/625
    expect(cost(400).indicators[0].score).toBe(50);
    expect(cost(625).total).toBeCloseTo(90, 10);
  });

  it('drops an indicator that does not apply and rescales the total to 100', () => {
    const s = scoreSelfEvaluation(WAN, WAN, [
      { indicator: ind('产出指标', '数量', '10个'), actual: { kind: 'met' } },
      {
        indicator: ind('效益指标', '生态效益', '稳步提升'),
        actual: { kind: 'notApplicable', explanation: '本项目无生态效益' },
      },
      {
        indicator: ind('满意度指标', '满意度', '≥90%'),
        actual: { kind: 'number', value: 81 },
        explanation: '宣传不足',
      },
    ]);
    // earned 10 + 50 + 10 × 81/90 = 69; available 10 + 50 + 10 = 70 → 98.571…
    expect(s.total).toBeCloseTo((69 / 70) * 100, 10);
    expect(s.indicators[1]).toMatchObject({ applicable: false, score: 0 });
  });

  it('grades a poor year 差, and lists the indicators not met that lack an explanation', () => {
    const s = scoreSelfEvaluation(100n * WAN, 30n * WAN, [
      { indicator: ind('产出指标', '培训人次', '≥200人次'), actual: { kind: 'number', value: 80 } },
      {
        indicator: ind('效益指标', '政策知晓率', '≥90%'),
        actual: { kind: 'number', value: 45 },
        explanation: '疫情停办',
      },
      { indicator: ind('满意度指标', '满意度', '是/否'), actual: { kind: 'yesNo', value: false } },
    ]);
    // 3 + 50 × 0.4 (20) + 30 × 0.5 (15) + 0 = 38
    expect(s.total).toBeCloseTo(38, 10);
    expect(s.grade).toBe('差');
    expect(s.missingExplanations).toEqual(['培训人次', '满意度']);
  });

  it("takes a qualitative share within its band, the reviewer's once confirmed", () => {
    const base: IndicatorInput = {
      indicator: ind('效益指标', '社会影响', '稳步提升'),
      actual: { kind: 'band', band: '部分达成', share: 75 },
      explanation: '部分街道未覆盖',
    };
    const inputs = (extra: Partial<IndicatorInput>): IndicatorInput[] => [
      { indicator: ind('产出指标', '数量', '1项'), actual: { kind: 'met' } },
      { ...base, ...extra },
      { indicator: ind('满意度指标', '满意度', '≥90%'), actual: { kind: 'met' } },
    ];
    const proposed = scoreSelfEvaluation(WAN, WAN, inputs({}));
    expect(proposed.indicators[1].score).toBeCloseTo(22.5, 10);
    expect(proposed.unconfirmed).toEqual(['社会影响']);
    const confirmed = scoreSelfEvaluation(WAN, WAN, inputs({ confirmedShare: 65 }));
    expect(confirmed.indicators[1].score).toBeCloseTo(19.5, 10);
    expect(confirmed.unconfirmed).toEqual([]);
    expect(() =>
      scoreSelfEvaluation(WAN, WAN, inputs({ actual: { kind: 'band', band: '达成', share: 70 } })),
    ).toThrow('“达成”的得分比例应为 80%–100%，而不是 70%');
  });

  it('refuses a number for a target that is not one, and weights that do not add up', () => {
    expect(() =>
      scoreSelfEvaluation(WAN, WAN, [
        {
          indicator: ind('效益指标', '社会影响', '稳步提升'),
          actual: { kind: 'number', value: 3 },
        },
      ]),
    ).toThrow('（稳步提升）不是数值指标');
    expect(() =>
      scoreSelfEvaluation(WAN, WAN, [
        { indicator: ind('产出指标', 'a', '1个'), weight: 20, actual: { kind: 'met' } },
        { indicator: ind('产出指标', 'b', '1个'), weight: 20, actual: { kind: 'met' } },
      ]),
    ).toThrow('合计为 50');
  });

  it('caps the execution score at 10 and grades the boundaries', () => {
    const all = (spent: bigint) =>
      scoreSelfEvaluation(100n * WAN, spent, [
        { indicator: ind('产出指标', 'a', '1个'), actual: { kind: 'met' } },
      ]);
    expect(all(100n * WAN).executionScore).toBe(10);
    expect(all(0n).total).toBeCloseTo((50 / 60) * 100, 10);
  });
});
