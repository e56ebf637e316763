import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import request from 'supertest';
import { generateApprovedTargets } from '../../bench/generate-events';
import { createTestApp, TestApp } from '../support/app-factory';
import { Proc, RedisServer, runNode, startRedis, until } from '../support/processes';
import { startWebhookReceiver, WebhookReceiver } from '../support/receivers';
import { projectionsCaughtUp } from '../support/workflow';

/**
 * Redis killed, restarted empty and flushed while sweeps raise a few thousand alerts and the
 * worker delivers them to webhooks. PostgreSQL holds the alerts and the deliveries; Redis only
 * carries jobs. Afterwards: exactly the alerts the events call for (computed here in SQL, apart
 * from the service's code), each raised once (one row, one `AlertRaised` event), each of its
 * deliveries delivered and posted to its webhook at least once; a post repeated (delivery is at
 * least once, DESIGN.md) carries the same alert and delivery id so a receiver can drop it.
 * The suite runs its own Redis server, so the kill and the FLUSHALL harm no other suite.
 */

const TARGETS = 2000;
/** The checkpoint sweeps of the load: as of each date, the plan of that checkpoint applies. */
const SWEEPS = [
  { asOf: '2022-03-31', period: 'M3' },
  { asOf: '2022-06-30', period: 'M6' },
] as const;
/** DOMAIN.md's defaults (no configuration is set for 2022 here): tolerance 0 pp, red from 20 pp. */
const TOLERANCE_PP = 0;
const RED_PP = 20;
/** Red alerts unacknowledged for 3 days (the default) are escalated: by the sweep of 30 Jun. */
const ESCALATE_UP_TO = '2022-06-27';
const BUDGET_FEN = 1_000_000_000n; // what generateApprovedTargets gives every target

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis restarted and flushed during alert load', () => {
  let redis: RedisServer;
  let hooks: WebhookReceiver;
  let t: TestApp;
  let worker: Proc;
  let admin: string;
  const auth = () => ({ Authorization: `Bearer ${admin}` });

  /** The job schedulers of the sweeps queue, as BullMQ lists them (Redis is up when asked). */
  const schedulers = async (): Promise<string[]> => {
    const connection = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    const queue = new Queue('sweeps', { connection, prefix: t.config.queuePrefix });
    try {
      return (await queue.getJobSchedulers()).map((s) => s.key).sort();
    } finally {
      await queue.close();
      connection.disconnect();
    }
  };
  const deliveryCounts = async () =>
    (
      await t.sql<{ delivered: number; pending: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
                count(*) FILTER (WHERE status = 'pending')::int AS pending,
                count(*) FILTER (WHERE status = 'failed')::int AS failed
           FROM alert_deliveries`,
      )
    )[0];
  const alertCounts = async () =>
    (
      await t.sql<{ n: string }>(
        `SELECT COALESCE(string_agg(period || ' ' || c, ', ' ORDER BY period), 'no alerts') AS n
           FROM (SELECT period, count(*) AS c FROM alerts GROUP BY 1) x`,
      )
    )[0].n;
  const postSweep = (asOf: string) =>
    request(t.http).post('/monitoring/sweeps').set(auth()).send({ asOf, kind: 'checkpoint' });

  beforeAll(async () => {
    [redis, hooks] = await Promise.all([startRedis(), startWebhookReceiver()]);
    t = await createTestApp('redis-alerts', {
      redisUrl: redis.url,
      outboundAllow: ['127.0.0.1'], // the local robot
    });
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    await generateApprovedTargets(t.config.databaseUrl, TARGETS, 0, 'R');
    await payByClass(t);
    await request(t.http)
      .put('/units/314001')
      .set(auth())
      .send({
        name: '民政局本级',
        heads: [{ userId: 'head1', name: '王局长', webhookUrl: hooks.url('/robot/unit') }],
      })
      .expect(200);
    await request(t.http)
      .put('/departments/314/reviewers')
      .set(auth())
      .send({
        reviewers: [{ userId: 'rev1', name: '刘科长', webhookUrl: hooks.url('/robot/dept') }],
      })
      .expect(200);
    hooks.failFirst('/robot/dept', 20); // the first posts fail: retried with backoff
    worker = runNode('dist/apps/worker/src/main.js', [], {
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: t.config.queuePrefix,
      LOG_LEVEL: process.env.DBG ? 'log' : 'silent',
      CATCH_UP_INTERVAL_MS: '2000', // the requeue of pending deliveries and the schedulers
      DELIVERY_BACKOFF_MS: '100',
      WEBHOOK_TIMEOUT_MS: '2000',
      OUTBOUND_ALLOW: '127.0.0.1', // the worker posts to the local robot too
      JOB_LOCK_MS: '2000',
      STALLED_CHECK_MS: '1000',
    });
    await projectionsCaughtUp(t, 12000);
  }, 15000);

  afterAll(async () => {
    if (process.env.DBG) console.log(worker?.output().slice(-8000));
    worker?.child.kill('SIGKILL');
    await worker?.exited;
    await t?.close();
    await hooks?.close();
    await redis?.stop();
  });

  it('raises every alert exactly once and delivers each at least once, with the same ids when repeated', async () => {
    const log: string[] = [];
    const began = Date.now();
    const note = async (what: string) =>
      log.push(
        `+${((Date.now() - began) / 1000).toFixed(1)} s ` +
          `${what}: ${await alertCounts()}, deliveries ${JSON.stringify(await deliveryCounts())}`,
      );
    // the load: a checkpoint sweep a second, as of 31 Mar until Redis is killed, then of both dates
    const posted = { accepted: 0, refused: 0 };
    let loading = true;
    let dates: string[] = [SWEEPS[0].asOf];
    const load = (async () => {
      for (let i = 0; loading; i++) {
        const res = await postSweep(dates[i % dates.length]).catch(() => null);
        if (res?.status === 202) posted.accepted++;
        else posted.refused++; // Redis down: the API refuses, the caller may try again
        await sleep(1000);
      }
    })();
    try {
      // 1. SIGKILL Redis while deliveries are under way, just after the first sweep as of 30 Jun
      // was queued (it is lost, or running: raising 1,200 alerts and escalating 800)
      await until(
        async () => (await deliveryCounts()).delivered >= 200,
        20000,
        'deliveries under way',
      );
      const beforeKill = (await postSweep(SWEEPS[1].asOf).expect(202)).body.jobId;
      await sleep(100);
      await redis.kill();
      await note('Redis killed');
      dates = SWEEPS.map((s) => s.asOf);
      await sleep(1500);
      await note('after 1.5 s without Redis');
      const outage = await deliveryCounts();
      // meanwhile what needs Redis answers 503 DEPENDENCY_DOWN, not a 500
      for (const res of [
        await postSweep(SWEEPS[0].asOf),
        await request(t.http).get(`/jobs/${beforeKill}`).set(auth()),
      ]) {
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('DEPENDENCY_DOWN');
      }
      // 2. back on the same port, empty: the worker reconnects, registers its schedulers again
      // and re-queues the pending deliveries from PostgreSQL
      await redis.start();
      // what it was doing is forgotten with Redis: the job is unknown now (once the API has
      // reconnected: it fails fast meanwhile)
      let lost = { status: 0, body: {} };
      await until(
        async () => {
          lost = await request(t.http).get(`/jobs/${beforeKill}`).set(auth());
          return lost.status !== 503;
        },
        5000,
        'the API to reach Redis again',
      );
      expect(lost).toMatchObject({ status: 404, body: { error: { code: 'JOB_NOT_FOUND' } } });
      await until(
        async () => (await schedulers()).length === 2,
        10000,
        'the sweep schedulers to be registered again after the restart',
      );
      await until(
        async () => (await deliveryCounts()).delivered >= outage.delivered + 200,
        20000,
        'deliveries to go on after the restart',
      );
      // 3. FLUSHALL under load: waiting, delayed and active jobs are gone, and the schedulers
      const flusher = new IORedis(redis.url);
      try {
        await flusher.flushall();
      } finally {
        flusher.disconnect();
      }
      await note('FLUSHALL');
      await until(
        async () => (await schedulers()).length === 2,
        10000,
        'the sweep schedulers to be registered again after FLUSHALL',
      );
      expect(await schedulers()).toEqual(['sweep-checkpoint', 'sweep-early-daily']);
    } finally {
      loading = false;
      await load;
    }

    // a sweep job lost with Redis is not run again by itself (a scheduled one would come at its
    // next time): sweep both dates once more, as an operator would
    for (const { asOf } of SWEEPS) {
      const { body } = await postSweep(asOf).expect(202);
      let job = { state: '', result: {} };
      await until(
        async () => {
          job = (await request(t.http).get(`/jobs/${body.jobId}`).set(auth())).body;
          return job.state === 'completed' || job.state === 'failed';
        },
        15000,
        `the sweep as of ${asOf}`,
      );
      expect(job).toMatchObject({ state: 'completed', result: { evaluated: TARGETS } });
      log.push(`sweep again as of ${asOf}: ${JSON.stringify(job.result)}`);
    }
    await until(
      async () => (await deliveryCounts()).pending === 0,
      30000,
      'every delivery to be made',
    );
    await note('settled');
    expect(worker.child.exitCode).toBeNull(); // the worker rode out both faults

    // exactly the alerts the events call for (computed from the events alone), one row each
    const expected = await expectedAlerts(t);
    expect(new Set(expected.map((k) => k.split('|')[1]))).toEqual(new Set(['M3', 'M6']));
    expect(new Set(expected.map((k) => k.split('|')[3]))).toEqual(new Set(['red', 'yellow']));
    const alerts = await t.sql<{
      id: string;
      k: string;
      level: string;
      as_of: string;
      escalated: boolean;
      raised: number;
      escalations: number;
    }>(
      `WITH raised AS (SELECT data->>'alertId' AS id, count(*)::int AS n FROM events WHERE type = 'AlertRaised' GROUP BY 1),
            escalations AS (SELECT data->>'alertId' AS id, count(*)::int AS n FROM events WHERE type = 'AlertEscalated' GROUP BY 1)
       SELECT a.id, a.target_id || '|' || a.period || '|' || a.kind || '|' || a.level AS k, a.level,
              to_char(a.as_of, 'YYYY-MM-DD') AS as_of, a.escalated_at IS NOT NULL AS escalated,
              COALESCE(r.n, 0) AS raised, COALESCE(e.n, 0) AS escalations
         FROM alerts a LEFT JOIN raised r ON r.id = a.id::text LEFT JOIN escalations e ON e.id = a.id::text`,
    );
    const [want, got] = [new Set(expected), new Set(alerts.map((a) => a.k))];
    expect({
      rows: alerts.length,
      keys: got.size,
      missing: expected.filter((k) => !got.has(k)).slice(0, 5),
      extra: [...got].filter((k) => !want.has(k)).slice(0, 5),
    }).toEqual({ rows: expected.length, keys: expected.length, missing: [], extra: [] });

    // each raised once as a fact: one AlertRaised event per alert, and none for a key twice; red
    // ones of 31 Mar (more than 3 days before the sweep of 30 Jun) escalated once
    const escalates = (a: { level: string; as_of: string }) =>
      a.level === 'red' && a.as_of <= ESCALATE_UP_TO;
    expect(
      alerts
        .filter(
          (a) => a.raised !== 1 || a.escalated !== escalates(a) || a.escalations !== +escalates(a),
        )
        .slice(0, 5),
    ).toEqual([]);
    const raisedPerKey = await t.sql<{ k: string; n: number }>(
      `SELECT data->>'targetId' || '|' || (data->>'period') || '|' || (data->>'kind') || '|' || (data->>'level') AS k,
              count(*)::int AS n
         FROM events WHERE type = 'AlertRaised' GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(raisedPerKey).toEqual([]);

    // its webhook deliveries: the unit head, red ones the department too (and once more when
    // escalated); every one delivered and recorded once
    const deliveries = await t.sql<{
      id: string;
      alert_id: string;
      who: string;
      address: string;
      status: string;
      recorded: number;
    }>(
      `SELECT d.id, d.alert_id, d.recipient_id || CASE WHEN d.escalation THEN '+escalation' ELSE '' END AS who,
              d.address, d.status,
              (SELECT count(*)::int FROM events e WHERE e.stream_id = 'delivery-' || d.id AND e.type = 'AlertDelivered') AS recorded
         FROM alert_deliveries d`,
    );
    const recipients = new Map<string, string[]>(alerts.map((a) => [a.id, []]));
    for (const d of deliveries) recipients.get(d.alert_id)?.push(d.who);
    const wrongRecipients = alerts
      .map((a) => ({
        id: a.id,
        got: recipients.get(a.id)!.sort().join(),
        want: [
          'head1',
          ...(a.level === 'red' ? ['rev1'] : []),
          ...(escalates(a) ? ['rev1+escalation'] : []),
        ].join(),
      }))
      .filter((x) => x.got !== x.want);
    expect(wrongRecipients.slice(0, 5)).toEqual([]);
    expect(deliveries.every((d) => recipients.has(d.alert_id))).toBe(true);
    expect(
      deliveries.filter((d) => d.status !== 'delivered' || d.recorded !== 1).slice(0, 5),
    ).toEqual([]);

    // the receiver got each delivery at least once, at its address, naming its alert; nothing
    // PostgreSQL does not know of; a repeated post carries the same ids and the same body
    const answered = hooks.requests.filter((r) => r.status === 200);
    const posts = new Map<string, typeof answered>();
    for (const r of answered) {
      const id = String(r.headers['x-delivery-id']);
      posts.set(id, [...(posts.get(id) ?? []), r]);
    }
    const notReceived = deliveries.filter(
      (d) =>
        !(posts.get(d.id) ?? []).some(
          (r) => hooks.url(r.path) === d.address && r.headers['x-alert-id'] === d.alert_id,
        ),
    );
    expect(notReceived.slice(0, 5)).toEqual([]);
    const known = new Set(deliveries.map((d) => d.id));
    expect([...posts.keys()].filter((id) => !known.has(id))).toEqual([]);
    const repeated = [...posts.values()].filter((p) => p.length > 1);
    for (const p of repeated) {
      expect(new Set(p.map((r) => r.headers['x-alert-id'])).size).toBe(1);
      expect(new Set(p.map((r) => JSON.stringify(r.body))).size).toBe(1);
    }
    const repeats = repeated.reduce((n, p) => n + p.length - 1, 0);
    console.log(
      [
        ...log,
        `sweeps posted during the load: ${posted.accepted} accepted, ${posted.refused} refused`,
        `${alerts.length} alerts, ${deliveries.length} webhook deliveries, ${answered.length} posts answered 200: ` +
          `${repeats} repeated (of ${repeated.length} deliveries, each with the same alert and delivery id)`,
      ].join('\n'),
    );
  }, 45000);
});

/**
 * Payments that set the targets apart, by target number mod 5 (% of the budget, date):
 * 0 nothing; 1 20% on 10 Mar; 2 25% on 10 Mar and 20% on 10 Jun; 3 50% on 20 Jun; 4 60% on 1 Feb.
 * Written as events after the generated lifecycle, the way generateApprovedTargets writes.
 */
async function payByClass(t: TestApp): Promise<void> {
  const meta = `jsonb_build_object('actor', jsonb_build_object('id', 'gen', 'name', 'gen', 'role', 'admin'), 'at', '2022-07-05T00:00:00.000Z', 'requestId', 'gen', 'command', 'Generate')`;
  await t.sql(
    `WITH pay(cls, seq, pct, day) AS (
       VALUES (1, 1, 20, '2022-03-10'), (2, 1, 25, '2022-03-10'), (2, 2, 20, '2022-06-10'),
              (3, 1, 50, '2022-06-20'), (4, 1, 60, '2022-02-01')),
     ins AS (
       INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
       SELECT gen_random_uuid(), 'target-' || i.id, 5 + p.seq, 'DisbursementRecorded',
              jsonb_build_object('targetId', i.id, 'disbursementId', gen_random_uuid()::text,
                'amount', ($2::bigint * p.pct / 100)::text, 'date', p.day, 'period', null,
                'voucherNo', 'RV' || p.seq, 'source', 'fiscal', 'note', ''), ${meta}
         FROM generate_series(1, $1::int) t
         CROSS JOIN LATERAL (SELECT '2022-314001-R' || lpad(t::text, 7, '0') AS id) i
         JOIN pay p ON p.cls = t % 5
        ORDER BY t, p.seq
       RETURNING stream_id, stream_version)
     UPDATE streams s SET version = v.version
       FROM (SELECT stream_id, max(stream_version) AS version FROM ins GROUP BY 1) v
      WHERE s.stream_id = v.stream_id`,
    [TARGETS, BUDGET_FEN.toString()],
  );
}

/**
 * The checkpoint alerts DOMAIN.md calls for, from the events alone: per approved target and
 * sweep date, lag = the plan of that checkpoint − paid up to the date ÷ budget × 100 (there are no
 * reversals, revisions or adjustments here); an alert when lag > tolerance, red from the red
 * threshold, yellow below. Keys `target|period|kind|level`.
 */
async function expectedAlerts(t: TestApp): Promise<string[]> {
  const rows = await t.sql<{ k: string }>(
    `WITH d(as_of, period) AS (SELECT * FROM unnest($1::date[], $2::text[])),
     approved AS (
       SELECT c.stream_id, c.data->>'targetId' AS target_id,
              (c.data->'content'->'budget'->>'total')::numeric AS budget, c.data->'content'->'plan' AS plan
         FROM events c
        WHERE c.type = 'TargetCreated'
          AND EXISTS (SELECT 1 FROM events a WHERE a.stream_id = c.stream_id AND a.type = 'TargetApproved')),
     lag AS (
       SELECT t.target_id, d.period,
              (t.plan->>d.period)::numeric - 100 * COALESCE((
                SELECT sum((p.data->>'amount')::numeric) FROM events p
                 WHERE p.stream_id = t.stream_id AND p.type = 'DisbursementRecorded'
                   AND (p.data->>'date')::date <= d.as_of), 0) / t.budget AS lag
         FROM approved t CROSS JOIN d)
     SELECT target_id || '|' || period || '|checkpoint|' || CASE WHEN lag >= $4 THEN 'red' ELSE 'yellow' END AS k
       FROM lag WHERE lag > $3`,
    [SWEEPS.map((s) => s.asOf), SWEEPS.map((s) => s.period), TOLERANCE_PP, RED_PP],
  );
  return rows.map((r) => r.k);
}
