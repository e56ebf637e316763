import { parseIndicatorTarget } from './indicator-target.parse';

describe('parseIndicatorTarget', () => {
  it.each([
    ['≥85%', '≥', 85, '%', 'positive'],
    ['1辆', '=', 1, '辆', 'exact'],
    ['100％', '=', 100, '%', 'exact'],
    ['≤ 5 天', '≤', 5, '天', 'negative'],
    ['>=90%', '≥', 90, '%', 'positive'],
    ['<3次', '<', 3, '次', 'negative'],
    ['8712元/人/年', '=', 8712, '元/人/年', 'exact'],
    ['2.5', '=', 2.5, '', 'exact'],
  ])('reads %s as quantitative', (raw, operator, value, unit, direction) => {
    expect(parseIndicatorTarget(raw)).toEqual({
      kind: 'quantitative',
      operator,
      value,
      unit,
      direction,
    });
  });

  it('reads 是/否 as a yes/no indicator', () => {
    expect(parseIndicatorTarget('是/否')).toEqual({ kind: 'boolean', expected: true });
    expect(parseIndicatorTarget('否')).toEqual({ kind: 'boolean', expected: false });
  });

  it.each(['应保尽保', '稳步提升', '城市8712元/年；农村5000元/年', '≤12月31日', '', '%%'])(
    'keeps %p as qualitative, never throws',
    (raw) => {
      expect(parseIndicatorTarget(raw)).toEqual({ kind: 'qualitative' });
    },
  );
});
