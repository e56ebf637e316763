import { seedText } from '../../../../test/support/seed';
import { documentYearWarnings, projectCodeYear } from './document-year';
import { parseTargetDocument } from './target-document.parse';

describe('documentYearWarnings', () => {
  const seed = parseTargetDocument(seedText());

  it('has none for the seed imported as its own year, though it holds codes and titles of 2021', () => {
    expect(seed.tables.some((t) => projectCodeYear(t.projectCode) === 2021)).toBe(true);
    expect(seed.years.some((y) => y.year === 2021)).toBe(true);
    expect(documentYearWarnings(seed, 2022)).toEqual([]);
  });

  it('warns of a heading of another year', () => {
    const doc = { ...seed, years: [{ year: 2023, text: '2023年部门预算绩效目标', table: null }] };
    expect(documentYearWarnings(doc, 2022)).toEqual([
      '文件标题「2023年部门预算绩效目标」写的是2023年，与导入的预算年度2022年不一致',
    ]);
  });

  it('warns of codes and titles of a later year: the seed imported as 2021', () => {
    const warnings = documentYearWarnings(seed, 2021);
    expect(warnings.at(-1)).toMatch(
      /^3\d张表的项目编码属于晚于预算年度2021年的年度：第1张（13030322P00391410001H）/,
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(/^第5张表「.*」写的是2022年，晚于导入的预算年度2021年$/),
    );
  });

  it('reads the year of a code from its digits 7–8', () => {
    expect([
      projectCodeYear('13030322P00391410001H'),
      projectCodeYear('13030321P0'),
      projectCodeYear('X1'),
    ]).toEqual([2022, 2021, null]);
  });
});
