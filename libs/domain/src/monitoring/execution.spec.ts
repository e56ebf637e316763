import { EffectivePlan } from '../performance-target/spending-plan';
import { InvalidInput } from '../shared/errors';
import {
  DEFAULT_THRESHOLDS,
  PERIOD_CHECKPOINT,
  actualPct,
  checkpointDate,
  dayOfYear,
  daysInYear,
  executionAsOf,
  isBusinessDate,
  isCheckpointDate,
  levelOf,
  periodEndDate,
  periodOf,
  plannedPct,
  roundPct,
  timePct,
} from './execution';

const QUARTERLY: EffectivePlan = { M3: 25, M6: 50, M10: 83, M12: 100 };
// ['', '100%', '', ''] carried forward.
const ALL_BY_JUNE: EffectivePlan = { M3: 0, M6: 100, M10: 100, M12: 100 };

describe('business dates', () => {
  it('accepts only strict, real calendar dates', () => {
    // given leap rules: 2024 and 2000 are leap years, 1900 and 2022 are not
    expect(isBusinessDate('2024-02-29')).toBe(true);
    expect(isBusinessDate('2000-02-29')).toBe(true);
    expect(isBusinessDate('2022-02-30')).toBe(false);
    expect(isBusinessDate('2022-02-29')).toBe(false);
    expect(isBusinessDate('1900-02-29')).toBe(false);
    // and the format is exactly YYYY-MM-DD
    for (const bad of ['2022-2-1', '2022-13-01', '2022-00-10', '2022-01-00', ' 2022-01-01', '']) {
      expect(isBusinessDate(bad)).toBe(false);
    }
    expect(isBusinessDate('2022-01-01T00:00:00Z')).toBe(false);
  });

  it('refuses a malformed date with a 400-style InvalidInput', () => {
    expect(() => dayOfYear('2022-02-30')).toThrow(InvalidInput);
  });
});

describe('checkpoints and periods', () => {
  it('dates the four checkpoints at the end of Mar, Jun, Oct and Dec', () => {
    expect(checkpointDate(2022, 'M3')).toBe('2022-03-31');
    expect(checkpointDate(2022, 'M6')).toBe('2022-06-30');
    expect(checkpointDate(2022, 'M10')).toBe('2022-10-31');
    expect(checkpointDate(2022, 'M12')).toBe('2022-12-31');
  });

  it('recognises a checkpoint date and nothing else', () => {
    expect(isCheckpointDate('2022-03-31')).toBe('M3');
    expect(isCheckpointDate('2022-06-30')).toBe('M6');
    expect(isCheckpointDate('2022-10-31')).toBe('M10');
    expect(isCheckpointDate('2022-12-31')).toBe('M12');
    expect(isCheckpointDate('2022-09-30')).toBeNull();
    expect(isCheckpointDate('2022-04-01')).toBeNull();
  });

  it('maps each date to the period ending at the next checkpoint', () => {
    // P1 Jan–Mar, P2 Apr–Jun, P3 Jul–Oct, P4 Nov–Dec
    expect(periodOf('2022-01-01')).toBe('P1');
    expect(periodOf('2022-03-31')).toBe('P1');
    expect(periodOf('2022-04-01')).toBe('P2');
    expect(periodOf('2022-06-30')).toBe('P2');
    expect(periodOf('2022-07-01')).toBe('P3');
    expect(periodOf('2022-10-31')).toBe('P3');
    expect(periodOf('2022-11-01')).toBe('P4');
    expect(periodOf('2022-12-31')).toBe('P4');
    expect(PERIOD_CHECKPOINT).toEqual({ P1: 'M3', P2: 'M6', P3: 'M10', P4: 'M12' });
    expect(periodEndDate(2022, 'P3')).toBe('2022-10-31');
    expect(periodEndDate(2022, 'P4')).toBe('2022-12-31');
  });
});

describe('calendar arithmetic', () => {
  it('counts 366 days in the leap year 2024', () => {
    expect(daysInYear(2024)).toBe(366);
    expect(daysInYear(2022)).toBe(365);
    expect(dayOfYear('2024-01-01')).toBe(1);
    // 31 (Jan) + 29 (Feb) + 1
    expect(dayOfYear('2024-03-01')).toBe(61);
    expect(dayOfYear('2024-12-31')).toBe(366);
    expect(dayOfYear('2022-12-31')).toBe(365);
  });

  it('counts the date itself as elapsed for time progress', () => {
    expect(timePct('2022-12-31')).toBe(100);
    expect(timePct('2024-12-31')).toBe(100);
    // 2022-07-02 is day 31+28+31+30+31+30+2 = 183; 183/365*100 = 50.1369…
    expect(timePct('2022-07-02')).toBeCloseTo((183 / 365) * 100, 10);
    expect(roundPct(timePct('2022-07-02'))).toBe(50.14);
  });
});

describe('plannedPct', () => {
  it('is 0 on 1 Jan and the checkpoint value on each checkpoint date', () => {
    expect(plannedPct(QUARTERLY, '2022-01-01')).toBe(0);
    expect(plannedPct(QUARTERLY, '2022-03-31')).toBe(25);
    expect(plannedPct(QUARTERLY, '2022-06-30')).toBe(50);
    expect(plannedPct(QUARTERLY, '2022-10-31')).toBe(83);
    expect(plannedPct(QUARTERLY, '2022-12-31')).toBe(100);
  });

  it('interpolates linearly by calendar days between checkpoints', () => {
    // 2022-02-14: 44 days after 1 Jan, 1 Jan → 31 Mar is 89 days: 25*44/89 = 12.3595…
    expect(plannedPct(QUARTERLY, '2022-02-14')).toBeCloseTo((25 * 44) / 89, 10);
    // 2022-08-15: 46 days after 30 Jun, 30 Jun → 31 Oct is 123 days: 50 + 33*46/123 = 62.3414…
    expect(plannedPct(QUARTERLY, '2022-08-15')).toBeCloseTo(50 + (33 * 46) / 123, 10);
    // 2022-11-30: 30 days after 31 Oct, 31 Oct → 31 Dec is 61 days: 83 + 17*30/61 = 91.3606…
    expect(plannedPct(QUARTERLY, '2022-11-30')).toBeCloseTo(83 + (17 * 30) / 61, 10);
    expect(roundPct(plannedPct(QUARTERLY, '2022-11-30'))).toBe(91.36);
  });

  it('works on a plan with blanks carried forward', () => {
    // 2022-05-15: 45 days after 31 Mar, 31 Mar → 30 Jun is 91 days: 0 + 100*45/91 = 49.4505…
    expect(plannedPct(ALL_BY_JUNE, '2022-05-15')).toBeCloseTo((100 * 45) / 91, 10);
    // flat after June: M6 = M10 = 100
    expect(plannedPct(ALL_BY_JUNE, '2022-08-15')).toBe(100);
    expect(plannedPct(ALL_BY_JUNE, '2022-02-14')).toBe(0);
  });
});

describe('actualPct and roundPct', () => {
  it('divides in bigint to 4 decimals, rounding half away from zero', () => {
    // 2_000_000 / 20_590_000 * 100 = 9.713453…; to 4 decimals 9.7135 (9.7134 truncated)
    expect(actualPct(2_000_000n, 20_590_000n)).toBe(9.7135);
    expect(roundPct(actualPct(2_000_000n, 20_590_000n))).toBe(9.71);
    expect(actualPct(100000n, 400000n)).toBe(25);
    expect(actualPct(1n, 3n)).toBe(33.3333);
    expect(actualPct(2n, 3n)).toBe(66.6667);
  });

  it('is 0 when the budget is 0', () => {
    expect(actualPct(0n, 0n)).toBe(0);
    expect(actualPct(100n, 0n)).toBe(0);
  });

  it('keeps amounts beyond 2^53 fen exact', () => {
    // 10^13 元 budget = 10^15 fen; one fen less than half is 49.9999…%, rounds to 50.0000
    expect(actualPct(10n ** 15n / 2n - 1n, 10n ** 15n)).toBe(50);
    expect(actualPct(10n ** 15n - 10n ** 9n, 10n ** 15n)).toBe(99.9999);
  });

  it('rounds to 2 decimals half away from zero and never returns -0', () => {
    expect(roundPct(1.005)).toBe(1.01);
    expect(roundPct(-2.345)).toBe(-2.35);
    expect(roundPct(9.7134)).toBe(9.71);
    expect(roundPct(-0.001)).toBe(0);
    expect(Object.is(roundPct(-0.001), 0)).toBe(true);
    expect(Object.is(roundPct(-0), 0)).toBe(true);
  });
});

describe('levelOf', () => {
  const t = DEFAULT_THRESHOLDS; // yellow 10, red 20, tolerance 0
  const checkpoint = '2022-06-30';
  const ordinary = '2022-05-15';

  it('applies the red and yellow thresholds inclusively', () => {
    expect(levelOf(25, ordinary, t)).toBe('red');
    expect(levelOf(20, ordinary, t)).toBe('red');
    expect(levelOf(12, ordinary, t)).toBe('yellow');
    expect(levelOf(10, ordinary, t)).toBe('yellow');
    expect(levelOf(5, ordinary, t)).toBe('green');
    expect(levelOf(-30, ordinary, t)).toBe('green');
  });

  it('makes any lag strictly above the tolerance yellow on a checkpoint date', () => {
    expect(levelOf(5, checkpoint, t)).toBe('yellow');
    expect(levelOf(0, checkpoint, t)).toBe('green');
    expect(levelOf(25, checkpoint, t)).toBe('red');
    expect(levelOf(5, checkpoint, { ...t, tolerancePp: 5 })).toBe('green');
  });

  it('ignores float noise at the boundaries', () => {
    // 20 - 10.000000000000002 = 9.999999999999998, which is 10 pp
    expect(levelOf(20 - 0.1 * 3 * (100 / 3), ordinary, t)).toBe('yellow');
    expect(levelOf(1e-12, checkpoint, t)).toBe('green');
  });
});

describe('executionAsOf', () => {
  // given a 2022 target of 400000 fen (4000.00 元), all planned by June,
  // with 1000.00 元 paid on 10 May and 2000.00 元 on 1 Jul
  const input = {
    fiscalYear: 2022,
    budget: 400000n,
    plan: ALL_BY_JUNE,
    payments: [
      { date: '2022-05-10', amount: 100000n },
      { date: '2022-07-01', amount: 200000n },
    ],
  };

  it('evaluates the worked example as of the M6 checkpoint', () => {
    // when viewed as of 30 Jun 2022
    const view = executionAsOf(input, '2022-06-30');
    // then only the May payment counts: 100000/400000 = 25%; planned 100%; lag 75 pp → red;
    // time 181/365*100 = 49.589…
    expect(view).toMatchObject({
      budget: 400000n,
      disbursed: 100000n,
      actualPct: 25,
      plannedPct: 100,
      timePct: 49.59,
      lagPp: 75,
      level: 'red',
    });
    expect(view.checkpoints).toEqual([
      { checkpoint: 'M3', date: '2022-03-31', plannedPct: 0, actualPct: 0, lagPp: 0 },
      { checkpoint: 'M6', date: '2022-06-30', plannedPct: 100, actualPct: 25, lagPp: 75 },
      // Rule: a checkpoint after asOf uses what is known as of asOf (25%), not the 1 Jul payment.
      { checkpoint: 'M10', date: '2022-10-31', plannedPct: 100, actualPct: 25, lagPp: 75 },
      { checkpoint: 'M12', date: '2022-12-31', plannedPct: 100, actualPct: 25, lagPp: 75 },
    ]);
  });

  it('counts the later payment once asOf passes it', () => {
    // as of 31 Oct: 300000/400000 = 75%, planned 100, lag 25 → red; M6 still shows 25%
    const view = executionAsOf(input, '2022-10-31');
    expect(view).toMatchObject({ disbursed: 300000n, actualPct: 75, lagPp: 25, level: 'red' });
    expect(view.checkpoints.map((c) => c.actualPct)).toEqual([0, 25, 75, 75]);
  });

  it('uses the interpolated plan between checkpoints and rounds only the outputs', () => {
    // as of 15 May: planned 100*45/91 = 49.4505…, actual 25, lag 24.4505… → red
    const view = executionAsOf(input, '2022-05-15');
    expect(view).toMatchObject({ plannedPct: 49.45, actualPct: 25, lagPp: 24.45, level: 'red' });
  });

  it('treats dates outside the fiscal year as 0 before it and the full year after it', () => {
    const before = executionAsOf(input, '2021-12-31');
    expect(before).toMatchObject({ disbursed: 0n, plannedPct: 0, timePct: 0, level: 'green' });
    const after = executionAsOf(input, '2023-03-31');
    expect(after).toMatchObject({ plannedPct: 100, timePct: 100, actualPct: 75, lagPp: 25 });
  });

  it('takes custom thresholds', () => {
    const view = executionAsOf(input, '2022-06-30', { yellowPp: 50, redPp: 80, tolerancePp: 0 });
    expect(view.level).toBe('yellow');
  });

  it('refuses a malformed as-of date', () => {
    expect(() => executionAsOf(input, '2022-6-30')).toThrow(InvalidInput);
  });
});
