import { INestApplicationContext } from '@nestjs/common';
import {
  Database,
  DivergenceReactor,
  PostgresEventStore,
  ProjectionRunner,
  reactorProjection,
  SweepService,
} from '@bp/infra';
import request from 'supertest';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { createTestApp, TestApp } from '../support/app-factory';
import { until } from '../support/processes';
import { approve, importSeed } from '../support/workflow';

// seed table 2: 人事代理专项补助, 205,900.00 元
const T2 = '2022-314001-13030322P00385410001N';

/**
 * The divergence alert follows from a filed monitoring report through a reactor run by the
 * worker, never by the request (issue 16, item 2): a report filed while no worker runs raises
 * its alert when one starts; a worker that dies after raising and before moving its checkpoint,
 * and a replay of every event, still leave exactly one alert with one AlertRaised event.
 */
describe('the divergence reactor across crashes', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let admin: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

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
    t = await createTestApp('reactor-crash', { catchUpIntervalMs: 200 });
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    const prep = t.token({ sub: 'zhang', roles: ['preparer'], unit: '314001' });
    const dept = t.token({ sub: 'liu', roles: ['department_reviewer'], department: '314' });
    await importSeed(t);
    await approve(t, T2);
    await request(t.http)
      .post(`/targets/${T2}/disbursements`)
      .set(as(prep))
      .send({ amount: '40000.00', date: '2022-06-15', voucherNo: '记-06-015' })
      .expect(201);
    const round = (
      await request(t.http)
        .post('/monitoring/rounds')
        .set(as(dept))
        .send({ fiscalYear: 2022, name: '2022年1-7月', asOf: '2022-07-31', deadline: '2099-12-31' })
        .expect(201)
    ).body;
    const target = (await request(t.http).get(`/targets/${T2}`).set(as(prep)).expect(200)).body;
    // every indicator met (100%) against 19.43% spent: 80.57 pp apart, over the 10 pp threshold
    const lines = target.indicators.map(
      (ind: { target: string; parsedTarget: { kind: string; value?: number } }, index: number) => {
        const p = ind.parsedTarget;
        const v = p.kind === 'quantitative' ? (p.value ?? 0) : p.kind === 'boolean' ? true : '完成';
        return { index, completed: v, expected: v, likelihood: '确定能' };
      },
    );
    const filed = await request(t.http)
      .put(`/targets/${T2}/monitoring-reports/${round.roundId}`)
      .set(as(prep))
      .send({ lines })
      .expect(200);
    expect(filed.body).toMatchObject({ divergencePp: 80.57, divergenceAlert: true });
  }, 60000);

  afterAll(async () => {
    await stopWorker();
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
});
