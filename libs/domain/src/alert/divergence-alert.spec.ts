import { divergenceAlert } from './divergence-alert';

const progress = (indicator: number | null, spending: number) => ({
  indicatorProgressPct: indicator,
  executionRatePct: spending,
  divergencePp: indicator === null ? null : Math.round((indicator - spending) * 100) / 100,
});

describe('divergenceAlert', () => {
  it('indicators 80.57 pp ahead of spending by 31 Jul: a yellow alert for the M10 period', () => {
    expect(divergenceAlert('2022-07-31', progress(100, 19.43), 10)).toEqual({
      kind: 'divergence',
      level: 'yellow',
      period: 'M10',
      asOf: '2022-07-31',
      lagPp: 80.57,
      plannedPct: 100,
      actualPct: 19.43,
    });
  });

  it('spending far ahead of indicators alerts too (the gap either way)', () => {
    expect(divergenceAlert('2022-03-15', progress(10, 45), 10)).toMatchObject({
      period: 'M3',
      lagPp: -35,
    });
  });

  it('raises nothing at or within the threshold', () => {
    expect(divergenceAlert('2022-07-31', progress(30, 20), 10)).toBeNull();
    expect(divergenceAlert('2022-07-31', progress(30, 20.5), 10)).toBeNull();
    expect(divergenceAlert('2022-07-31', progress(30, 19.99), 10)).not.toBeNull();
  });

  it('raises nothing when the report measures no progress', () => {
    expect(divergenceAlert('2022-07-31', progress(null, 80), 10)).toBeNull();
  });
});
