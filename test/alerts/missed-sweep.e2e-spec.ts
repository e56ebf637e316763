import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { until } from '../support/processes';
import { approve, importSeed, projectionsCaughtUp } from '../support/workflow';

// 汽车保险费 of 314001: 4,000.00 元, plan 0 / 100 / 100 / 100: nothing paid is red at 30 Jun
const T1 = '2022-314001-13030322P00391410001H';

/**
 * The checkpoint sweep of 1 Jul 07:00 lost with Redis (or Redis down that morning): nothing
 * records a sweep as of 30 Jun, so from 08:00 the worker sweeps it itself, once.
 */
describe('a checkpoint sweep that never ran', () => {
  let t: TestApp;
  let now = new Date('2022-06-30T12:00:00+08:00');
  const clock = { now: () => now };
  const admin = () => ({ Authorization: `Bearer ${t.token({ sub: 'admin1', roles: ['admin'] })}` });
  const runs = async () =>
    Number(
      (
        await t.sql<{ n: string }>(
          `SELECT count(*) AS n FROM sweep_runs WHERE kind = 'checkpoint' AND as_of = '2022-06-30'`,
        )
      )[0].n,
    );
  const alerts = async () =>
    (await request(t.http).get('/alerts').query({ unit: '314001' }).set(admin()).expect(200)).body
      .items as { targetId: string; kind: string; period: string; level: string }[];

  beforeAll(async () => {
    t = await createTestApp(
      'missed-sweep',
      { catchUpIntervalMs: 200 },
      { withWorker: true, clock },
    );
  });
  afterAll(() => t.close());

  it('is run by the worker from 08:00 the day after, and only once', async () => {
    await importSeed(t);
    await approve(t, T1);
    await projectionsCaughtUp(t);
    // 30 Jun and 1 Jul before 08:00: not due yet (the scheduled run is at 07:00)
    now = new Date('2022-07-01T07:30:00+08:00');
    await new Promise((r) => setTimeout(r, 1000)); // five ticks of the worker
    expect(await runs()).toBe(0);
    expect(await alerts()).toEqual([]);

    now = new Date('2022-07-01T08:05:00+08:00');
    await until(async () => (await runs()) === 1, 10000, 'the missed checkpoint sweep');
    expect(await alerts()).toEqual([
      expect.objectContaining({ targetId: T1, kind: 'checkpoint', period: 'M6', level: 'red' }),
    ]);
    // recorded: later ticks leave it alone
    await new Promise((r) => setTimeout(r, 1000));
    expect(await runs()).toBe(1);
    expect(await alerts()).toHaveLength(1);
  }, 60000);
});
