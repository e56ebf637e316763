import { executionAsOf, timePct } from './execution';
import { decideMonitoringConfig, defaultMonitoringConfig } from '../alert/monitoring-config';

const PLAN = { M3: 25, M6: 50, M10: 83, M12: 100 };
const at = (asOf: string, method: 'days' | 'months') =>
  executionAsOf({ fiscalYear: 2022, budget: 100_00n, plan: PLAN, payments: [] }, asOf, {
    yellowPp: 10,
    redPp: 20,
    tolerancePp: 0,
    timeProgressMethod: method,
  }).timePct;

describe('time progress by months (序时进度按月)', () => {
  it('counts a month once its last day is over', () => {
    // given the end of June and the day before it
    // then June counts on the 30th (6/12) and not on the 29th (5/12)
    expect(timePct('2022-06-30', 'months')).toBe(50);
    expect(timePct('2022-06-29', 'months')).toBeCloseTo((5 / 12) * 100, 10);
  });

  it('is 0 through January 30th, and 100 on 31 December', () => {
    expect(timePct('2022-01-01', 'months')).toBe(0);
    expect(timePct('2022-01-30', 'months')).toBe(0);
    expect(timePct('2022-01-31', 'months')).toBeCloseTo(100 / 12, 10);
    expect(timePct('2022-12-31', 'months')).toBe(100);
  });

  it('takes February 29th as the end of February in a leap year only', () => {
    expect(timePct('2024-02-28', 'months')).toBeCloseTo(100 / 12, 10);
    expect(timePct('2024-02-29', 'months')).toBeCloseTo((2 / 12) * 100, 10);
    expect(timePct('2022-02-28', 'months')).toBeCloseTo((2 / 12) * 100, 10);
  });

  it('differs from days elapsed within a month, as the execution view shows', () => {
    // 15 Jul 2022: by days 196/365 = 53.70 %, by months 6/12 = 50 %
    expect(at('2022-07-15', 'days')).toBe(53.7);
    expect(at('2022-07-15', 'months')).toBe(50);
    // outside the year both agree: nothing before it, all of it after
    expect(at('2021-12-31', 'months')).toBe(0);
    expect(at('2023-01-01', 'months')).toBe(100);
  });

  it('is a setting of the year: days by default, only days or months accepted', () => {
    expect(defaultMonitoringConfig(2022).timeProgressMethod).toBe('days');
    const metadata = {
      actor: { id: 'a', name: 'a', role: 'admin' as const },
      at: '2022-01-01T00:00:00.000Z',
      requestId: 'r',
      correlationId: 'r',
    };
    const cmd = (m: string) => ({
      type: 'SetMonitoringConfig' as const,
      data: { ...defaultMonitoringConfig(2022), timeProgressMethod: m as 'days' },
      metadata,
    });
    expect(decideMonitoringConfig(cmd('months'), null)[0].data.timeProgressMethod).toBe('months');
    expect(() => decideMonitoringConfig(cmd('weeks'), null)).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_PROGRESS_METHOD' }),
    );
  });
});
