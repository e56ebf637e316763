import { Queue } from 'bullmq';
import { callerOf, commandSide, CommandSide } from '../../../../test/support/command-side';
import { runToEnd } from '../../../../test/support/projection-spec';
import { testQueuePrefix } from '../../../../test/support/test-database';
import { executionProjection } from '../projections/execution.projection';
import { ProjectionRunner } from '../projections/projection-runner';
import { startWebhookReceiver, WebhookReceiver } from '../../../../test/support/receivers';
import { DELIVERIES_QUEUE, DeliveryQueue } from './delivery-queue';
import { DeliveryService } from './delivery.service';
import { SweepService } from './sweep.service';

const REDIS = { host: '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };
let receiver: WebhookReceiver;
const HEAD = () => ({ userId: 'h1', name: '单位负责人', webhookUrl: receiver.url('/robot') });

/**
 * A checkpoint sweep over three approved targets of one unit (plan: 100% by June), as of
 * 30 June: nothing paid (red), 85% paid (yellow, 15 pp behind), all paid (no alert).
 */
describe('checkpoint sweep (real PostgreSQL and Redis)', () => {
  let side: CommandSide;
  let queue: Queue;
  let sweeps: SweepService;
  const ids: string[] = [];

  const pay = async (targetId: string, amount: bigint) => {
    const p = side.process();
    const caller = callerOf();
    await p.run(targetId, caller, () => ({
      type: 'RecordDisbursement',
      data: {
        targetId,
        disbursementId: `d-${targetId}`,
        amount,
        date: '2022-05-01',
        voucherNo: 'V-1',
        source: 'fiscal',
        note: '',
      },
      metadata: p.metadata(caller, 'preparer'),
    }));
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    side = await commandSide('sweep', '2022-06-30T10:00:00.000Z');
    for (let i = 0; i < 3; i++) ids.push(await side.approvedTarget());
    await pay(ids[1], 340000n);
    await pay(ids[2], 400000n);
    await side.db.query(
      `INSERT INTO units (code, name, department_code, heads, updated_at) VALUES ('314001', '山海关区民政局', '314', $1, now())`,
      [JSON.stringify([HEAD()])],
    );
    const runner = new ProjectionRunner(side.db, side.store, [executionProjection]);
    await runToEnd(side.db, runner, 'execution');
    queue = new Queue(DELIVERIES_QUEUE, { connection: REDIS, prefix: testQueuePrefix('sweep') });
    sweeps = new SweepService(
      side.db,
      side.store,
      side.clock,
      new DeliveryQueue(queue, 1000),
      false,
    );
  });
  afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await side.close();
    await receiver.close();
  });

  const alerts = async () =>
    (
      await side.db.query(
        `SELECT target_id, kind, level, period, as_of::text, lag_pp::float8 AS lag_pp, actual_pct::float8 AS actual_pct
           FROM alerts ORDER BY target_id`,
      )
    ).rows;
  const count = async (text: string) =>
    Number((await side.db.query<{ n: string }>(text)).rows[0].n);
  const raisedEvents = () => count(`SELECT count(*) AS n FROM events WHERE type = 'AlertRaised'`);
  const deliveries = () => count(`SELECT count(*) AS n FROM alert_deliveries`);

  it('writes the alerts the targets call for, their events and deliveries, and queues them', async () => {
    const result = await sweeps.sweep('checkpoint', '2022-06-30');
    expect(result).toMatchObject({ evaluated: 3, raised: 2, escalated: 0, deliveries: 2 });
    expect(await alerts()).toEqual([
      {
        target_id: ids[0],
        kind: 'checkpoint',
        level: 'red',
        period: 'M6',
        as_of: '2022-06-30',
        lag_pp: 100,
        actual_pct: 0,
      },
      {
        target_id: ids[1],
        kind: 'checkpoint',
        level: 'yellow',
        period: 'M6',
        as_of: '2022-06-30',
        lag_pp: 15,
        actual_pct: 85,
      },
    ]);
    expect(await raisedEvents()).toBe(2);
    expect(await deliveries()).toBe(2);
    expect(await queue.getJobCounts('waiting', 'delayed', 'prioritized')).toMatchObject({
      waiting: 2,
    });
  });

  it('run again, it writes nothing more', async () => {
    const before = {
      alerts: await alerts(),
      events: await raisedEvents(),
      deliveries: await deliveries(),
    };
    const result = await sweeps.sweep('checkpoint', '2022-06-30');
    expect(result).toMatchObject({ evaluated: 3, raised: 0, deliveries: 0 });
    expect({
      alerts: await alerts(),
      events: await raisedEvents(),
      deliveries: await deliveries(),
    }).toEqual(before);
    expect(await count(`SELECT count(*) AS n FROM sweep_runs`)).toBe(2);
  });

  describe('deliveries of the raised alerts', () => {
    let deliveries: DeliveryService;
    beforeAll(() => {
      deliveries = new DeliveryService(side.db, side.store, side.clock, {
        mailFrom: 'bp@example.cn',
        webhookTimeoutMs: 2000,
        outboundAllow: ['127.0.0.1'],
      });
    });
    const rows = async () =>
      (
        await side.db.query<{ id: string; status: string; attempts: number; last_error: string }>(
          `SELECT id, status, attempts, last_error FROM alert_deliveries ORDER BY id`,
        )
      ).rows;
    const delivered = () => count(`SELECT count(*) AS n FROM events WHERE type = 'AlertDelivered'`);

    it('a failed post leaves the row pending with the reason in Chinese and is thrown for a retry', async () => {
      receiver.failFirst('/robot', 1);
      const [first] = await rows();
      await expect(deliveries.deliver(first.id, false)).rejects.toThrow('HTTP 500');
      expect((await rows())[0]).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: '群机器人地址回应 HTTP 500',
      });
      expect(await delivered()).toBe(0);
    });

    it('each delivery posts once, records AlertDelivered once, and a repeated job writes nothing', async () => {
      const all = await rows();
      for (const d of all) expect(await deliveries.deliver(d.id, false)).toBe('delivered');
      for (const d of all) expect(await deliveries.deliver(d.id, false)).toBe('skipped');
      expect((await rows()).map((d) => d.status)).toEqual(all.map(() => 'delivered'));
      expect(await delivered()).toBe(all.length);
      // the failed post of the first one, then one successful post per delivery
      expect(receiver.requests.map((r) => r.status)).toEqual([500, ...all.map(() => 200)]);
      expect(receiver.requests[1].headers['x-delivery-id']).toBe(all[0].id);
    });

    it('a job that ran again after a crash before its row was marked posts again (at least once) but records no second event', async () => {
      const [first] = await rows();
      await side.db.query(`UPDATE alert_deliveries SET status = 'pending' WHERE id = $1`, [
        first.id,
      ]);
      const events = await delivered();
      expect(await deliveries.deliver(first.id, false)).toBe('delivered');
      expect(await delivered()).toBe(events);
      expect(receiver.requests.at(-1)?.headers['x-delivery-id']).toBe(first.id);
    });
  });
});
