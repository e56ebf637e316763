import { DEFAULT_THRESHOLDS, executionAsOf } from '../monitoring/execution';
import { alertsFor, assertSweepDate, checkpointSweepDue, dueForEscalation } from './alert-policy';

// 4,000.00 元, plan 0 / 100 / 100 / 100
const input = (paid: bigint) => ({
  fiscalYear: 2022,
  budget: 400000n,
  plan: { M3: 0, M6: 100, M10: 100, M12: 100 },
  payments: paid > 0n ? [{ date: '2022-04-10', amount: paid }] : [],
});
const at = (paid: bigint, asOf: string) => executionAsOf(input(paid), asOf, DEFAULT_THRESHOLDS);

describe('alertsFor', () => {
  it('a checkpoint sweep alerts any lag above the tolerance: yellow, or red from 20 pp', () => {
    // 30 Jun: planned 100; paid 3,960 = 99% → lag 1 pp
    expect(
      alertsFor('checkpoint', '2022-06-30', at(396000n, '2022-06-30'), DEFAULT_THRESHOLDS),
    ).toEqual([
      {
        kind: 'checkpoint',
        level: 'yellow',
        period: 'M6',
        asOf: '2022-06-30',
        lagPp: 1,
        plannedPct: 100,
        actualPct: 99,
      },
    ]);
    expect(
      alertsFor('checkpoint', '2022-06-30', at(200000n, '2022-06-30'), DEFAULT_THRESHOLDS)[0],
    ).toMatchObject({ level: 'red', lagPp: 50 });
    expect(
      alertsFor('checkpoint', '2022-06-30', at(400000n, '2022-06-30'), DEFAULT_THRESHOLDS),
    ).toEqual([]);
  });

  it('an early warning alerts from 10 pp (yellow) and 20 pp (red) against the interpolated plan', () => {
    // 15 May: planned 100 × 45/91 = 49.45; paid 1,600 = 40% → lag 9.45: nothing
    expect(alertsFor('early', '2022-05-15', at(160000n, '2022-05-15'), DEFAULT_THRESHOLDS)).toEqual(
      [],
    );
    // paid 1,400 = 35% → lag 14.45: yellow, for the period that ends at M6
    expect(alertsFor('early', '2022-05-15', at(140000n, '2022-05-15'), DEFAULT_THRESHOLDS)).toEqual(
      [expect.objectContaining({ kind: 'early', level: 'yellow', period: 'M6', lagPp: 14.45 })],
    );
    expect(alertsFor('early', '2022-05-15', at(100000n, '2022-05-15'), DEFAULT_THRESHOLDS)).toEqual(
      [expect.objectContaining({ level: 'red' })],
    );
  });

  it('uses the thresholds it is given', () => {
    const strict = { yellowPp: 5, redPp: 10, tolerancePp: 2 };
    expect(alertsFor('early', '2022-05-15', at(160000n, '2022-05-15'), strict)).toEqual([
      expect.objectContaining({ level: 'yellow' }),
    ]);
    expect(alertsFor('checkpoint', '2022-06-30', at(396000n, '2022-06-30'), strict)).toEqual([]);
  });
});

describe('sweep dates and escalation', () => {
  it('refuses a date that is not one, outside any fiscal year, or not a checkpoint for a checkpoint sweep', () => {
    expect(() => assertSweepDate('early', '2022-13-01')).toThrow('YYYY-MM-DD');
    expect(() => assertSweepDate('early', '1999-06-30')).toThrow('预算年度内');
    expect(() => assertSweepDate('checkpoint', '2022-06-29')).toThrow('节点检查的截至日期');
    expect(() => assertSweepDate('checkpoint', '2022-10-31')).not.toThrow();
  });

  it('escalates a red alert after the given number of days', () => {
    expect(dueForEscalation('2022-06-30', '2022-07-02', 3)).toBe(false);
    expect(dueForEscalation('2022-06-30', '2022-07-03', 3)).toBe(true);
  });
});

describe('checkpointSweepDue: a checkpoint sweep the worker runs itself when none is recorded', () => {
  it('is due from 08:00 the day after a checkpoint, an hour after the scheduled 07:00 run', () => {
    expect(checkpointSweepDue('2022-07-01', 7)).toBeNull();
    expect(checkpointSweepDue('2022-07-01', 8)).toBe('2022-06-30');
    expect(checkpointSweepDue('2022-07-02', 0)).toBe('2022-06-30');
  });

  it('is due for a week, then left to an operator', () => {
    expect(checkpointSweepDue('2022-07-07', 23)).toBe('2022-06-30');
    expect(checkpointSweepDue('2022-07-08', 9)).toBeNull();
    expect(checkpointSweepDue('2022-06-30', 12)).toBeNull(); // the checkpoint day itself
    expect(checkpointSweepDue('2022-05-20', 12)).toBeNull();
  });

  it('finds every checkpoint, the year-end one across the new year too', () => {
    expect(checkpointSweepDue('2022-04-01', 9)).toBe('2022-03-31');
    expect(checkpointSweepDue('2022-11-03', 9)).toBe('2022-10-31');
    expect(checkpointSweepDue('2023-01-01', 8)).toBe('2022-12-31');
    expect(checkpointSweepDue('2023-01-05', 9)).toBe('2022-12-31');
  });
});
