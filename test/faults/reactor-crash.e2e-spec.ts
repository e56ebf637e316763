import { INestApplicationContext } from '@nestjs/common';
import {
  Database,
  DivergenceReactor,
  PostgresEventStore,
  ProjectionRunner,
  reactorProjection,
  SweepService,
} from '@bp/infra';
import { Client } from 'pg';
import request from 'supertest';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { createTestApp, TestApp } from '../support/app-factory';
import { Proc, runNode, until } from '../support/processes';
import { approve, importSeed } from '../support/workflow';

// seed table 2: 人事代理专项补助, 205,900.00 元; table 10: 地名工作业务经费, 25,000.00 元
const T2 = '2022-314001-13030322P00385410001N';
const T10 = '2022-314001-13030322P00385510010L';

/**
 * The divergence alert follows from a filed monitoring report through a reactor run by the
 * worker, never by the request (issue 16, item 2): a report filed while no worker runs raises
 * its alert when one starts; a worker that dies after raising and before moving its checkpoint,
 * and a replay of every event, still leave exactly one alert with one AlertRaised event. The
 * last test kills a worker process from dist/ (built by `npm test`'s pretest) with SIGKILL.
 */
describe('the divergence reactor across crashes', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  const procs: Proc[] = [];
  let admin: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const prep = () => t.token({ sub: 'zhang', roles: ['preparer'], unit: '314001' });
  const openRound = async (asOf: string): Promise<string> => {
    const dept = t.token({ sub: 'liu', roles: ['department_reviewer'], department: '314' });
    const res = await request(t.http)
      .post('/monitoring/rounds')
      .set(as(dept))
      .send({ fiscalYear: 2022, name: `截至${asOf}`, asOf, deadline: '2099-12-31' })
      .expect(201);
    return res.body.roundId;
  };
  /** Files a report with every indicator met (100%); answers the 执行监控表 the API returned. */
  const fileReport = async (targetId: string, roundId: string) => {
    const target = (await request(t.http).get(`/targets/${targetId}`).set(as(prep())).expect(200))
      .body;
    const lines = target.indicators.map(
      (ind: { parsedTarget: { kind: string; value?: number } }, index: number) => {
        const p = ind.parsedTarget;
        const v = p.kind === 'quantitative' ? (p.value ?? 0) : p.kind === 'boolean' ? true : '完成';
        return { index, completed: v, expected: v, likelihood: '确定能' };
      },
    );
    return (
      await request(t.http)
        .put(`/targets/${targetId}/monitoring-reports/${roundId}`)
        .set(as(prep()))
        .send({ lines })
        .expect(200)
    ).body;
  };

  const alerts = () =>
    t.sql<{ id: string; lag_pp: string }>(
      `SELECT id, lag_pp::text FROM alerts WHERE kind = 'divergence' AND target_id = $1`,
      [T2],
    );
  const raisedEvents = () =>
    t.sql<{ alert_id: string; request_id: string }>(
      `SELECT data->>'alertId' AS alert_id, metadata->>'requestId' AS request_id
         FROM events WHERE type = 'AlertRaised' AND data->>'kind' = 'divergence'`,
    );
  const reactorStatus = async () =>
    (await request(t.http).get('/projections').set(as(admin)).expect(200)).body.find(
      (p: { name: string }) => p.name === 'divergence',
    ) as { lag: number; position: string };
  const resetCheckpoint = () =>
    t.sql(
      `UPDATE projection_checkpoints SET transaction_id = '0', position = 0 WHERE name = 'divergence'`,
    );
  const startWorker = async () => {
    worker = await createWorker(t.config);
  };
  const stopWorker = async () => {
    await worker?.close();
    worker = undefined;
  };
  const caughtUp = () =>
    until(async () => (await reactorStatus()).lag === 0, 20000, 'the divergence reactor');

  beforeAll(async () => {
    // short job locks and stall checks for every worker: the throttle of the stall check is the
    // queue's, and one worker's 30 s would keep a killed worker's job stalled that long
    t = await createTestApp('reactor-crash', {
      catchUpIntervalMs: 200,
      jobLockMs: 2000,
      stalledCheckMs: 1000,
    });
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    await importSeed(t);
    await approve(t, T2);
    await request(t.http)
      .post(`/targets/${T2}/disbursements`)
      .set(as(prep()))
      .send({ amount: '40000.00', date: '2022-06-15', voucherNo: '记-06-015' })
      .expect(201);
    await approve(t, T10);
    const round = await openRound('2022-07-31');
    const filed = await fileReport(T2, round);
    expect(filed).toMatchObject({ divergencePp: 80.57, divergenceAlert: true });
  }, 60000);

  afterAll(async () => {
    await stopWorker();
    procs.forEach((p) => p.child.kill('SIGKILL'));
    await t.close();
  });

  it('the request that filed the report raised nothing; a worker started afterwards raises the alert once', async () => {
    expect(await alerts()).toEqual([]);
    expect((await reactorStatus()).lag).toBeGreaterThan(0);
    await startWorker();
    await caughtUp();
    expect(await alerts()).toEqual([expect.objectContaining({ lag_pp: '80.57' })]);
    const [report] = await t.sql<{ event_id: string }>(
      `SELECT event_id::text FROM events WHERE type = 'MonitoringReportFiled'`,
    );
    // the alert's event names the report it follows from
    expect(await raisedEvents()).toEqual([
      { alert_id: (await alerts())[0].id, request_id: `divergence-${report.event_id}` },
    ]);
  });

  it('a worker killed after raising the alert and before moving its checkpoint: the next raises nothing twice', async () => {
    await stopWorker();
    const [before] = await alerts();
    const deliveries = await t.sql(`SELECT id FROM alert_deliveries ORDER BY id`);
    await resetCheckpoint();
    // the reaction commits, then the process "dies" before the checkpoint transaction commits
    const real = new DivergenceReactor(
      t.app.get(Database),
      t.app.get(PostgresEventStore),
      t.app.get(SweepService),
    );
    const dying = new ProjectionRunner(t.app.get(Database), t.app.get(PostgresEventStore), [
      reactorProjection({
        name: real.name,
        types: real.types,
        react: async (e) => {
          await real.react(e);
          throw new Error('killed');
        },
      }),
    ]);
    await expect(dying.catchUp('divergence')).rejects.toThrow('killed');
    expect((await reactorStatus()).position).toBe('0'); // the checkpoint did not move
    await startWorker(); // restart: catches up from the checkpoint in PostgreSQL
    await caughtUp();
    expect(await alerts()).toEqual([before]);
    expect(await raisedEvents()).toHaveLength(1);
    expect(await t.sql(`SELECT id FROM alert_deliveries ORDER BY id`)).toEqual(deliveries);
  });

  it('the reactor run twice over the same events (its checkpoint reset under a running worker) still leaves one alert', async () => {
    const [before] = await alerts();
    const head = (await reactorStatus()).position;
    await resetCheckpoint();
    await until(
      async () => (await reactorStatus()).position === head,
      20000,
      'the replay to reach the head',
    );
    expect(await alerts()).toEqual([before]);
    expect(await raisedEvents()).toHaveLength(1);
  });

  it('a worker process killed with SIGKILL between one alert raised and its checkpoint: the next worker raises each alert once', async () => {
    await stopWorker();
    const round = await openRound('2022-11-30'); // period M12: new dedup keys for both targets
    const m12 = (targetId: string) =>
      t.sql(
        `SELECT id FROM alerts WHERE kind = 'divergence' AND period = 'M12' AND target_id = $1`,
        [targetId],
      );
    expect((await fileReport(T2, round)).divergenceAlert).toBe(true);
    expect((await fileReport(T10, round)).divergenceAlert).toBe(true);
    // an uncommitted row with T10's key makes the worker's insert of that alert wait: the killed
    // worker has then committed T2's alert (filed first) and not yet moved its checkpoint. Opened
    // after the reports commit: an older open transaction would hide them from the gap-safe read
    const blocker = new Client({ connectionString: t.config.databaseUrl });
    blocker.on('error', () => undefined); // the suite's database is dropped at the end
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO alerts (id, target_id, fiscal_year, unit_code, department_code, project_name, kind, level, period,
                           as_of, lag_pp, planned_pct, actual_pct, recipients, raised_at)
       VALUES (gen_random_uuid(), $1, 2022, '314001', '314', '', 'divergence', 'yellow', 'M12', '2022-11-30', 0, 0, 0, '[]', now())`,
      [T10],
    );
    const env = {
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      CATCH_UP_INTERVAL_MS: '200',
      // the killed worker's catch-up job is stalled until its lock expires: keep that short
      JOB_LOCK_MS: '2000',
      STALLED_CHECK_MS: '1000',
      LOG_LEVEL: 'silent',
    };
    const doomed = runNode('dist/apps/worker/src/main.js', [], env);
    procs.push(doomed);
    await until(async () => (await m12(T2)).length === 1, 20000, "T2's alert from the worker");
    await until(
      async () =>
        (
          await t.sql(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).length > 0,
      20000,
      "the worker to wait on T10's insert",
    );
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect((await reactorStatus()).lag).toBeGreaterThan(0); // the batch's checkpoint died with it
    procs.push(runNode('dist/apps/worker/src/main.js', [], env)); // restart
    await caughtUp();
    expect(await m12(T2)).toHaveLength(1);
    expect(await m12(T10)).toHaveLength(1);
    expect(await raisedEvents()).toHaveLength(3); // M10 of T2, then M12 of T2 and T10, once each
  });
});
