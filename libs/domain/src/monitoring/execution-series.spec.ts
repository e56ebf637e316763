import { EffectivePlan } from '../performance-target/spending-plan';
import { executionAsOf, ExecutionInput } from './execution';
import { executionSeries, seriesDates } from './execution-series';

// 205,900.00 元 = 20,590,000 fen (seed table 2), plan 25 / 50 / 83 / 100
const PLAN: EffectivePlan = { M3: 25, M6: 50, M10: 83, M12: 100 };
const INPUT: ExecutionInput = {
  fiscalYear: 2022,
  budget: 20_590_000n,
  plan: PLAN,
  payments: [
    { date: '2022-03-15', amount: 4_000_000n }, // 40,000 元
    { date: '2022-06-30', amount: 5_000_000n }, // 50,000 元, a P2 report
    { date: '2022-08-01', amount: 3_000_000n }, // 30,000 元
  ],
};
const point = (s: ReturnType<typeof executionSeries>, date: string) =>
  s.series.find((p) => p.date === date);

describe('seriesDates', () => {
  it('gives the 1st and 15th of each month and the checkpoints, in order, each once', () => {
    // given a fiscal year and an as-of date outside it
    const dates = seriesDates(2022, '2023-05-05');
    // then 24 half-months + 4 checkpoints, from 1 Jan to 31 Dec, sorted
    expect(dates).toHaveLength(28);
    expect(dates[0]).toBe('2022-01-01');
    expect(dates[dates.length - 1]).toBe('2022-12-31');
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates).toEqual(
      expect.arrayContaining(['2022-03-31', '2022-06-30', '2022-10-31', '2022-02-15']),
    );
  });

  it('adds asOf when it falls within the year, and not twice when it is one of the dates', () => {
    expect(seriesDates(2022, '2022-05-20')).toContain('2022-05-20');
    expect(seriesDates(2022, '2022-05-20')).toHaveLength(29);
    expect(seriesDates(2022, '2022-06-30')).toHaveLength(28);
    expect(seriesDates(2022, '2021-12-31')).not.toContain('2021-12-31');
  });
});

describe('executionSeries', () => {
  it('plots planned % by the linear rule and actual % from the payments, worked out by hand', () => {
    const s = executionSeries(INPUT, '2022-08-15');
    // 1 Jan: planned 0, nothing paid
    expect(point(s, '2022-01-01')).toEqual({ date: '2022-01-01', plannedPct: 0, actualPct: 0 });
    // 15 Mar: planned 25 × 73/89 = 20.5056 (20.51); actual 40,000 / 205,900 = 19.4269 (19.43)
    expect(point(s, '2022-03-15')).toEqual({
      date: '2022-03-15',
      plannedPct: 20.51,
      actualPct: 19.43,
    });
    // 1 May: planned 25 + 25 × 31/91 = 33.5165 (33.52); actual still 19.43
    expect(point(s, '2022-05-01')).toEqual({
      date: '2022-05-01',
      plannedPct: 33.52,
      actualPct: 19.43,
    });
    // 30 Jun (M6): planned 50; actual 90,000 / 205,900 = 43.7105 (43.71)
    expect(point(s, '2022-06-30')).toEqual({
      date: '2022-06-30',
      plannedPct: 50,
      actualPct: 43.71,
    });
    // 15 Aug (asOf): planned 50 + 33 × 46/123 = 62.3415 (62.34); actual 120,000 / 205,900 = 58.28
    expect(point(s, '2022-08-15')).toEqual({
      date: '2022-08-15',
      plannedPct: 62.34,
      actualPct: 58.28,
    });
  });

  it('steps the actual line on each payment date known by asOf, not at the next plotted day', () => {
    const s = executionSeries(
      { ...INPUT, payments: [{ date: '2022-05-20', amount: 4_000_000n }] },
      '2022-06-30',
    );
    expect(point(s, '2022-05-15')?.actualPct).toBe(0);
    expect(point(s, '2022-05-20')?.actualPct).toBe(19.43);
    // a payment after asOf is not known yet: no point of its own
    const later = executionSeries(
      { ...INPUT, payments: [{ date: '2022-07-20', amount: 4_000_000n }] },
      '2022-06-30',
    );
    expect(point(later, '2022-07-20')).toBeUndefined();
  });

  it('leaves actual % null after asOf and keeps the plan there', () => {
    const s = executionSeries(INPUT, '2022-08-15');
    const after = s.series.filter((p) => p.date > '2022-08-15');
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((p) => p.actualPct === null)).toBe(true);
    expect(s.series.filter((p) => p.date <= '2022-08-15').every((p) => p.actualPct !== null)).toBe(
      true,
    );
    expect(point(s, '2022-10-31')?.plannedPct).toBe(83);
    expect(point(s, '2022-12-31')).toEqual({
      date: '2022-12-31',
      plannedPct: 100,
      actualPct: null,
    });
  });

  it('agrees with executionAsOf at asOf: budget, disbursed, planned, actual and checkpoints', () => {
    for (const asOf of ['2022-02-10', '2022-06-30', '2022-09-01', '2022-12-31']) {
      const s = executionSeries(INPUT, asOf);
      const v = executionAsOf(INPUT, asOf);
      expect(point(s, asOf)).toEqual({
        date: asOf,
        plannedPct: v.plannedPct,
        actualPct: v.actualPct,
      });
      expect([s.budget, s.disbursed]).toEqual([v.budget, v.disbursed]);
      expect(s.checkpoints).toEqual(
        v.checkpoints.map(({ checkpoint, date, plannedPct, actualPct }) => ({
          checkpoint,
          date,
          plannedPct,
          actualPct,
        })),
      );
    }
  });

  it('after the year every point is known; before it none is', () => {
    expect(executionSeries(INPUT, '2023-03-01').series.every((p) => p.actualPct !== null)).toBe(
      true,
    );
    const before = executionSeries(INPUT, '2021-12-31');
    expect(before.series.every((p) => p.actualPct === null)).toBe(true);
    expect(before.disbursed).toBe(0n);
  });

  it('measures actual % against the approved budget: a tenth of it paid is 10 %', () => {
    const s = executionSeries(
      { ...INPUT, payments: [{ date: '2022-03-15', amount: 2_059_000n }] },
      '2022-04-01',
    );
    expect(point(s, '2022-04-01')?.actualPct).toBe(10);
  });
});
