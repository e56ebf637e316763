import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';

/** The target form reads the year's indicator tree and the server's reading of a 指标值. */
describe('GET /indicator-template', () => {
  let t: TestApp;
  let prep: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp('indtpl');
    prep = t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
  });
  afterAll(() => t.close());

  it("answers the year's level-1 and level-2 indicators", async () => {
    const res = await request(t.http)
      .get('/indicator-template?fiscalYear=2022')
      .set(as(prep))
      .expect(200);
    expect(res.body.fiscalYear).toBe(2022);
    expect(res.body.version).toBe('2021');
    const output = res.body.levels.find((l: { level1: string }) => l.level1 === '产出指标');
    expect(output.level2).toEqual(['数量指标', '质量指标', '时效指标', '成本指标']);
    expect(res.body.levels.map((l: { level1: string }) => l.level1)).toEqual([
      '产出指标',
      '效益指标',
      '满意度指标',
    ]);
  });

  it('refuses a missing or impossible year, and an anonymous caller', async () => {
    const bad = await request(t.http).get('/indicator-template').set(as(prep)).expect(400);
    expect(bad.body.error.code).toEqual(expect.any(String));
    await request(t.http).get('/indicator-template?fiscalYear=abc').set(as(prep)).expect(400);
    await request(t.http).get('/indicator-template?fiscalYear=2022').expect(401);
  });

  it('parses a 指标值 as a saved target would', async () => {
    const parse = async (text: string) =>
      (
        await request(t.http)
          .get('/indicator-template/parse')
          .query({ text })
          .set(as(prep))
          .expect(200)
      ).body.parsed;
    expect(await parse('≥95%')).toEqual({
      kind: 'quantitative',
      operator: '≥',
      value: 95,
      unit: '%',
      direction: 'positive',
    });
    expect(await parse('≤12月')).toMatchObject({ kind: 'quantitative', operator: '≤' });
    expect(await parse('1辆')).toMatchObject({ operator: '=', value: 1, unit: '辆' });
    expect(await parse('是/否')).toEqual({ kind: 'boolean', expected: true });
    expect(await parse('应保尽保')).toEqual({ kind: 'qualitative' });
    await request(t.http).get('/indicator-template/parse').set(as(prep)).expect(400);
  });
});
