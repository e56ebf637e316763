import { Indicator } from '@bp/domain';
import { amountText, departmentNameOf, indicatorLayout, planTexts } from './publication.layout';
import { chineseNumeral } from './publication.styles';

const ind = (level1: string, level2: string): Indicator => ({
  level1,
  level2,
  name: 'n',
  description: 'd',
  target: 't',
  basis: 'b',
});

describe('the layout of a published table', () => {
  it('names the department after its 本级 unit, without the 主管部门 class and 本级', () => {
    const units = [
      { code: '314004', name: '秦皇岛市山海关区特困人口集中供养中心' },
      { code: '314001', name: '民政部门秦皇岛市山海关区民政局本级' },
    ];
    expect(departmentNameOf('314', units)).toBe('秦皇岛市山海关区民政局');
    expect(departmentNameOf('315', [{ code: '315002', name: '某某中心' }])).toBe('某某中心');
    expect(departmentNameOf('316', [])).toBe('316部门');
  });

  it('writes 万元 from fen with two decimals, more only when the fen need them', () => {
    expect(amountText(400_000n)).toBe('0.40');
    expect(amountText(412_345n)).toBe('0.412345');
    expect(amountText(0n)).toBe('0.00');
    expect(amountText(0n, true)).toBe('');
  });

  it('leaves a blank plan cell blank', () => {
    expect(planTexts({ M3: null, M6: 50, M10: 12.5, M12: 100 })).toEqual([
      '',
      '50%',
      '12.5%',
      '100%',
    ]);
  });

  it('merges 一级 over its rows and 二级 within one 一级 only', () => {
    const rows = [
      ind('产出指标', '数量指标'),
      ind('产出指标', '数量指标'),
      ind('产出指标', '质量指标'),
      ind('效益指标', '质量指标'),
    ];
    expect(indicatorLayout(rows)).toEqual([
      { startsLevel1: true, startsLevel2: true },
      { startsLevel1: false, startsLevel2: false },
      { startsLevel1: false, startsLevel2: true },
      { startsLevel1: true, startsLevel2: true },
    ]);
  });

  it('numbers the areas in Chinese', () => {
    expect([1, 6, 10, 12, 21].map(chineseNumeral)).toEqual(['一', '六', '十', '十二', '二十一']);
  });
});
