import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { asBuffer } from '../support/download';
import { PostgresReplica, startReplica } from '../support/postgres-replica';
import { until } from '../support/processes';
import { approve, importSeed, projectionsCaughtUp } from '../support/workflow';

/**
 * DATABASE_READ_URL on a real streaming replica (issue 17, item 3; `npm run test:replica`): a
 * pg_basebackup of the machine's PostgreSQL on a loopback port, the API and worker with their
 * reads pointed at it. With the replica's replay paused, a plain monitoring or audit read is
 * served from the replica, stale but consistent (everything up to where replay stopped, nothing
 * after); a read naming `minPosition` waits for the replica, then reads the primary. With the
 * replica stopped, reads fall back to the primary and /health says so without failing.
 */

// seed table 2: 314001 人事代理专项补助, 205,900.00 元; table 1: 314001 汽车保险费, 4,000.00 元
const T2 = '2022-314001-13030322P00385410001N';
const T1 = '2022-314001-13030322P00391410001H';
const REPLICA_WAIT_MS = 400;

interface Monitored {
  targetId: string;
  disbursed: string;
}

describe('reads on a PostgreSQL streaming replica', () => {
  let replica: PostgresReplica;
  let t: TestApp;
  let admin: string;
  let auditor: string;
  let prep: string;
  let draft: string; // a draft of 314001 the suite withdraws while replay is paused

  const monitoring = async (query: Record<string, string> = {}) => {
    const res = await request(t.http)
      .get('/monitoring/targets')
      .query({ asOf: '2022-12-31', ...query })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const items = res.body.items as Monitored[];
    const disbursed = (id: string) => items.find((i) => i.targetId === id)?.disbursed;
    return { res, t1: disbursed(T1), t2: disbursed(T2) };
  };
  const trail = async (targetId: string) =>
    (
      await request(t.http)
        .get('/audit/events')
        .query({ targetId, limit: '1000' })
        .set('Authorization', `Bearer ${auditor}`)
        .expect(200)
    ).body.items as { type: string; version: number; position: string }[];
  const pay = async (targetId: string, amount: string, voucherNo: string): Promise<string> => {
    const res = await request(t.http)
      .post(`/targets/${targetId}/disbursements`)
      .set('Authorization', `Bearer ${prep}`)
      .send({ amount, date: '2022-05-10', voucherNo })
      .expect(201);
    return res.headers['x-event-position'] as string;
  };
  /** The sheets of 314001's workbook (汇总, then one per target not withdrawn, by project code). */
  const unitSheets = async () => {
    const res = await asBuffer(
      request(t.http)
        .get('/units/314001/targets/xlsx')
        .query({ fiscalYear: 2022 })
        .set('Authorization', `Bearer ${admin}`),
    ).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    return wb.worksheets.map((w) => w.name);
  };
  /** One sample of GET /metrics (the suite calls from loopback, which needs no token). */
  const metric = async (line: RegExp) => {
    const text = (await request(t.http).get('/metrics').expect(200)).text;
    const m = new RegExp(`^${line.source} (-?[0-9.e+]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  /** What the primary holds, read from outside the service. */
  const primaryVersions = async (targetId: string) =>
    (
      await t.sql<{ v: number }>(
        'SELECT stream_version AS v FROM events WHERE target_id = $1 ORDER BY stream_version',
        [targetId],
      )
    ).map((r) => r.v);

  beforeAll(async () => {
    replica = await startReplica();
    t = await createTestApp(
      'replica',
      { catchUpIntervalMs: 300, replicaWaitMs: REPLICA_WAIT_MS },
      { withWorker: true, readUrl: (url) => replica.url(new URL(url).pathname.slice(1)) },
    );
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
    auditor = t.token({ sub: 'audit1', name: '审计员', roles: ['auditor'] });
    prep = t.token({ sub: 'p1', name: '出纳', roles: ['preparer'], unit: '314001' });
    const seeded = (await importSeed(t)) as { targets: { id: string }[] };
    draft = seeded.targets
      .map((x) => x.id)
      .find((id) => id.startsWith('2022-314001-') && id !== T1 && id !== T2) as string;
    for (const id of [T1, T2]) await approve(t, id);
    await projectionsCaughtUp(t);
    await replica.caughtUp();
  }, 120000);

  afterAll(async () => {
    await replica?.resumeReplay().catch(() => undefined);
    await t?.close();
    replica?.destroy();
  });

  it('the replica is a hot standby of the suite database, and /health reports it', async () => {
    const [r] = await replica.sql<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    expect(r.standby).toBe(true);
    const health = await request(t.http).get('/health').expect(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      database: 'up',
      redis: 'up',
      replica: 'up',
    });
    expect(typeof health.body.replicaLagBytes).toBe('number');
  });

  it('with replay paused: plain reads are the replica’s, stale and consistent; minPosition reads fall back to the primary', async () => {
    const before = await monitoring();
    expect(before.t2).toBe('0.00');
    const trailBefore = await trail(T2);
    const sheetsBefore = await unitSheets();
    expect(sheetsBefore).toContain(draft.split('-')[2]);
    await replica.pauseReplay();

    const position = await pay(T2, '40000.00', '记-05-001');
    await projectionsCaughtUp(t); // the primary's execution projection has the payment

    // a plain read: the replica, where replay stands before the payment
    const stale = await monitoring();
    expect(stale.t2).toBe('0.00');
    expect(stale.res.headers['x-projection-behind']).toBeUndefined();
    const primaryPaid = await t.sql<{ n: string }>(
      'SELECT count(*) AS n FROM exec_payments WHERE target_id = $1',
      [T2],
    );
    expect(Number(primaryPaid[0].n)).toBe(1); // the primary has it: the stale answer was the replica's

    // the audit trail from the replica: everything up to the pause, exactly, nothing after
    const staleTrail = await trail(T2);
    expect(staleTrail).toEqual(trailBefore);
    expect(staleTrail.map((e) => e.version)).toEqual(
      (await primaryVersions(T2)).slice(0, staleTrail.length),
    );
    expect(staleTrail.map((e) => e.type)).not.toContain('DisbursementRecorded');
    const csv = await asBuffer(
      request(t.http)
        .get('/audit/events')
        .query({ targetId: T2, format: 'csv' })
        .set('Authorization', `Bearer ${auditor}`),
    ).expect(200);
    const rows = parse((csv.body as Buffer).toString('utf8').replace(/^\uFEFF/, ''), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.map((r) => r['事件类型代码'])).toEqual(staleTrail.map((e) => e.type));

    // the unit workbook from the replica still lists a target withdrawn on the primary
    await request(t.http)
      .post(`/targets/${draft}/withdraw`)
      .set('Authorization', `Bearer ${prep}`)
      .send({ reason: '重复录入' })
      .expect(200);
    const [withdrawn] = await t.sql<{ status: string }>(
      'SELECT status FROM target_list WHERE id = $1',
      [draft],
    );
    expect(withdrawn.status).toBe('withdrawn');
    expect(await unitSheets()).toEqual(sheetsBefore);

    // a read that must see the payment: waits for the replica, then reads the primary
    const started = Date.now();
    const fresh = await monitoring({ minPosition: position });
    expect(Date.now() - started).toBeGreaterThanOrEqual(REPLICA_WAIT_MS);
    expect(fresh.t2).toBe('40000.00');
    expect(fresh.res.headers['x-projection-behind']).toBeUndefined();
    expect(await metric(/bp_replica_fallback_reads_total\{reason="lag"\}/)).toBe(1);
    expect(await metric(/bp_replica_lag_bytes/)).toBeGreaterThan(0); // paused: behind the primary
  });

  it('once the replica has replayed a position, a minPosition read is served by the replica', async () => {
    const first = await pay(T1, '1000.00', '记-05-002');
    await projectionsCaughtUp(t);
    await replica.resumeReplay();
    await replica.caughtUp();
    await replica.pauseReplay();
    await pay(T1, '500.00', '记-05-003'); // on the primary only
    await projectionsCaughtUp(t);

    // the replica covers `first`: served there, so without the second payment (the primary has it)
    const read = await monitoring({ minPosition: first });
    expect(read.t1).toBe('1000.00');
    expect(await metric(/bp_replica_fallback_reads_total\{reason="lag"\}/)).toBe(1); // still test 2's
    expect(read.t2).toBe('40000.00');
    await replica.resumeReplay();
    await replica.caughtUp();
    await until(
      async () => (await monitoring()).t1 === '1500.00',
      10000,
      'the replica to catch up',
    );
    const all = await trail(T1);
    expect(all.map((e) => e.version)).toEqual(await primaryVersions(T1));
    expect(await unitSheets()).not.toContain(draft.split('-')[2]);
  });

  it('with the replica stopped, reads go to the primary and /health stays 200 with replica down', async () => {
    replica.stop();
    const health = await request(t.http).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', database: 'up', replica: 'down' });
    expect(await metric(/bp_replica_lag_bytes/)).toBe(-1);
    const third = await pay(T1, '250.00', '记-05-004');
    await projectionsCaughtUp(t);
    expect((await monitoring()).t1).toBe('1750.00');
    expect((await monitoring({ minPosition: third })).t1).toBe('1750.00');
    const all = await trail(T1);
    expect(all.map((e) => e.version)).toEqual(await primaryVersions(T1));
    expect(all[all.length - 1].position).toBe(third);
    expect(await metric(/bp_replica_fallback_reads_total\{reason="unavailable"\}/)).toBeGreaterThan(
      0,
    );
  });
});
