import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import {
  Checkpoint,
  Database,
  executionProjection,
  PostgresEventStore,
  Projection,
  ProjectionRunner,
  RecordedEvent,
  Sql,
  START,
} from '@bp/infra';
import { Client } from 'pg';
import { benchContext, report, row, Row } from './bench-support';

/**
 * Projection throughput on BENCH_EVENTS (default 1,000,000) generated events: catch-up of the
 * 'execution' projection on its live tables, rebuild of 'execution' and 'review-queue' into
 * copies swapped in, beside two baselines of the same run (a raw keyset scan of the events with
 * `pg`, and the gap-safe `readAll` alone in batches of the configured size, the read half of a
 * rebuild). A last instrumented rebuild splits its time into read, apply SQL (by statement) and
 * apply JS.
 * Events are generated set-based (INSERT ... SELECT from generate_series): per target 5 lifecycle
 * events and 95 disbursements, the targets created first and their disbursements then in date
 * order. Prints events/s per case and writes bench/results/projections.json.
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = process.env.BENCH_BATCH_SIZE ? Number(process.env.BENCH_BATCH_SIZE) : undefined;
const PER_TARGET = 100;
const LIFECYCLE = 5;
const DISBURSEMENTS = PER_TARGET - LIFECYCLE;
const CHUNK = 100_000;
const RAW_PAGE = 50_000;

interface BenchRow extends Row {
  readonly events: number;
  readonly eventsPerSecond: number;
}

function measured(name: string, ms: number, events: number, extra = ''): BenchRow {
  const eventsPerSecond = Math.round(events / (ms / 1000));
  const note = `${events} events, ${eventsPerSecond} events/s${extra ? `; ${extra}` : ''}`;
  return { ...row(name, [ms], note), events, eventsPerSecond };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** SQL of the unit code and the target id of target number `t` (an SQL expression). */
const unitSql = (t: string) => `((300 + ${t} % 30) * 1000 + 1 + (${t} / 30) % 20)::text`;
const targetIdSql = (t: string) => `'2022-' || ${unitSql(t)} || '-P' || lpad(${t}::text, 6, '0')`;

const STREAMS_SQL = `
  INSERT INTO streams (stream_id, stream_type, version)
  SELECT 'target-' || ${targetIdSql('t')}, 'target', ${PER_TARGET}
    FROM generate_series(0, $1::bigint - 1) t`;

// Event g (0-based) of T targets: g < 5T is lifecycle step g % 5 of target g / 5; after that,
// disbursement round (g - 5T) / T of target (g - 5T) % T, rounds spread over 2022 by date.
const EVENTS_SQL = `
  WITH ev AS (
    SELECT g,
           CASE WHEN g < ${LIFECYCLE} * $1 THEN g / ${LIFECYCLE} ELSE (g - ${LIFECYCLE} * $1) % $1 END AS t,
           CASE WHEN g < ${LIFECYCLE} * $1 THEN g % ${LIFECYCLE}
                ELSE ${LIFECYCLE} + (g - ${LIFECYCLE} * $1) / $1 END AS step
      FROM generate_series($2::bigint, $3::bigint) g
  ), named AS (
    SELECT g, t, step, ${unitSql('t')} AS unit, 'P' || lpad(t::text, 6, '0') AS project,
           ${targetIdSql('t')} AS tid,
           CASE WHEN step < ${LIFECYCLE}
                THEN timestamptz '2022-01-03 09:00:00Z' + make_interval(hours => step::int, secs => t::int)
                ELSE date '2022-01-01' + ((step - ${LIFECYCLE}) * 364 / ${DISBURSEMENTS - 1})::int
                     + interval '10 hours' END AS at
      FROM ev
  )
  INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
  SELECT gen_random_uuid(), 'target-' || n.tid, n.step + 1, k.type,
         CASE k.kind
           WHEN 0 THEN jsonb_build_object('targetId', n.tid, 'fiscalYear', 2022, 'unitCode', n.unit,
             'projectCode', n.project, 'source', 'api', 'content', jsonb_build_object(
               'unitName', '单位' || n.unit, 'projectName', '项目' || n.project,
               'budget', jsonb_build_object('total', '100000000', 'fiscal', '100000000', 'other', '0'),
               'purpose', '保障运转', 'plan', jsonb_build_object('M3', 25, 'M6', 50, 'M10', null, 'M12', 100),
               'goals', '按期完成', 'indicators', '[]'::jsonb))
           WHEN 1 THEN jsonb_build_object('targetId', n.tid, 'contentRevision', 1)
           WHEN 2 THEN jsonb_build_object('targetId', n.tid, 'stage', k.stage, 'grade', '优',
             'opinion', '', 'outcome', 'passed', 'contentRevision', 1)
           WHEN 4 THEN jsonb_build_object('targetId', n.tid, 'contentRevision', 1, 'approvedVersion', 1)
           ELSE jsonb_build_object('targetId', n.tid, 'disbursementId', gen_random_uuid()::text,
             'amount', (1000 + (n.g * 7919) % 1000000)::text, 'date', to_char(n.at, 'YYYY-MM-DD'),
             'period', null, 'voucherNo', 'V' || n.g, 'source', 'fiscal', 'note', '')
         END,
         jsonb_build_object(
           'actor', jsonb_build_object('id', 'bench-' || k.role, 'name', 'bench', 'role', k.role, 'unit', n.unit),
           'at', to_char(n.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'requestId', 'bench-' || n.g, 'command', k.command)
    FROM named n
    JOIN (VALUES
      (0, 0, 'TargetCreated', 'CreateTarget', 'preparer', null),
      (1, 1, 'TargetSubmitted', 'SubmitTarget', 'preparer', null),
      (2, 2, 'TargetReviewed', 'ReviewTarget', 'department_reviewer', 'department'),
      (3, 2, 'TargetReviewed', 'ReviewTarget', 'finance_reviewer', 'finance'),
      (4, 4, 'TargetApproved', 'ReviewTarget', 'finance_reviewer', null),
      (5, 5, 'DisbursementRecorded', 'RecordDisbursement', 'preparer', null)
    ) AS k(step, kind, type, command, role, stage) ON k.step = least(n.step, ${LIFECYCLE})
   ORDER BY n.g`;

/** Streams and events of `targets` targets, in chunks of CHUNK events (one transaction each). */
async function generate(client: Client, targets: number): Promise<void> {
  await client.query(STREAMS_SQL, [targets]);
  const total = targets * PER_TARGET;
  for (let lo = 0; lo < total; lo += CHUNK) {
    await client.query(EVENTS_SQL, [targets, lo, Math.min(lo + CHUNK, total) - 1]);
  }
  await client.query('VACUUM ANALYZE streams, events');
}

/** Baseline (a): keyset pages of RAW_PAGE rows in commit order through a bare `pg` client. */
async function rawScan(client: Client): Promise<number> {
  let after = { tx: '0', position: '0' };
  let count = 0;
  for (;;) {
    const { rows } = await client.query<{ global_position: string; tx: string }>(
      `SELECT global_position, transaction_id::text AS tx, stream_id, type, data, metadata
         FROM events WHERE (transaction_id, global_position) >= ($1::xid8, $2::bigint + 1)
        ORDER BY transaction_id, global_position LIMIT ${RAW_PAGE}`,
      [after.tx, after.position],
    );
    count += rows.length;
    if (rows.length < RAW_PAGE) return count;
    const last = rows[rows.length - 1];
    after = { tx: last.tx, position: last.global_position };
  }
}

/** Baseline (b): the gap-safe reader alone, in batches of the projection batch size. */
async function readAllScan(store: PostgresEventStore, batch: number): Promise<number> {
  let after: Checkpoint = START;
  let count = 0;
  for (;;) {
    const events = await store.readAll(after, batch);
    count += events.length;
    if (events.length < batch) return count;
    const last = events[events.length - 1];
    after = { transactionId: last.transactionId, position: last.position };
  }
}

/** Throws unless the execution tables hold every generated payment and their sum. */
async function verifyExecution(db: Database, targets: number, when: string): Promise<void> {
  const { rows } = await db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM exec_payments)::text AS payments,
            (SELECT count(*) FROM exec_targets WHERE status = 'approved')::text AS approved,
            (SELECT sum(amount) FROM exec_payments)::text AS disbursed,
            (SELECT count(*) FROM events WHERE type = 'DisbursementRecorded')::text AS recorded,
            (SELECT sum((data->>'amount')::bigint) FROM events
              WHERE type = 'DisbursementRecorded')::text AS expected`,
  );
  const r = rows[0];
  const want = String(targets * DISBURSEMENTS);
  if (r.payments !== want || r.recorded !== want || r.approved !== String(targets))
    throw new Error(`${when}: ${r.payments} payments, ${r.approved} approved; expected ${want}`);
  if (r.disbursed !== r.expected)
    throw new Error(`${when}: disbursed ${r.disbursed}, generated ${r.expected}`);
  console.log(`sanity ${when}: ${r.payments} payments, sum ${r.disbursed} fen: ok`);
}

async function verifyQueueEmpty(db: Database): Promise<void> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM review_queue`);
  if (rows[0].n !== '0') throw new Error(`review_queue holds ${rows[0].n} rows, expected 0`);
}

interface Split {
  readMs: number;
  applyMs: number;
  applySqlMs: number;
  /** Apply's statement time by statement ("INSERT exec_targets"). */
  readonly statements: Map<string, number>;
}

/** "INSERT exec_payments" for an upsert into (a copy of) exec_payments. */
function statementLabel(text: string): string {
  const table = /(exec_\w+?|review_queue)(?:__rebuild)?\b/.exec(text)?.[1] ?? '?';
  return `${text.trim().split(/\s/, 1)[0]} ${table}`;
}

/** The store, timing readAll. */
class TimedStore extends PostgresEventStore {
  constructor(
    db: Database,
    private readonly split: Split,
  ) {
    super(db);
  }

  override async readAll(after: Checkpoint, limit: number, sql?: Sql): Promise<RecordedEvent[]> {
    const { ms, result } = await timed(() => super.readAll(after, limit, sql));
    this.split.readMs += ms;
    return result;
  }
}

/** The projection, timing apply and the statements it runs. */
function timedProjection(p: Projection, split: Split): Projection {
  const timedSql = (sql: Sql): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      const { ms, result } = await timed(() => sql.query<T>(text, params));
      split.applySqlMs += ms;
      const label = statementLabel(text);
      split.statements.set(label, (split.statements.get(label) ?? 0) + ms);
      return result;
    },
  });
  return {
    ...p,
    async apply(sql, events, table) {
      const { ms } = await timed(() => p.apply(timedSql(sql), events, table));
      split.applyMs += ms;
    },
  };
}

/** A rebuild of 'execution' by a runner whose store and projection are timed. */
async function instrumentedRebuild(db: Database, batch: number): Promise<BenchRow> {
  const split: Split = { readMs: 0, applyMs: 0, applySqlMs: 0, statements: new Map() };
  const store = new TimedStore(db, split);
  const runner = new ProjectionRunner(
    db,
    store,
    [timedProjection(executionProjection, split)],
    batch,
  );
  const { ms, result } = await timed(() => runner.rebuild('execution'));
  const f = (x: number) => Math.round(x);
  const other = ms - split.readMs - split.applyMs;
  const statements = [...split.statements].map(([label, t]) => `${label} ${f(t)}`).join(', ');
  const note = `readAll ${f(split.readMs)} ms, apply SQL ${f(split.applySqlMs)} ms (${statements}), apply JS ${f(
    split.applyMs - split.applySqlMs,
  )} ms, checkpoints/transactions/swap ${f(other)} ms`;
  return measured('rebuild execution (instrumented split)', ms, result.applied, note);
}

async function main(): Promise<void> {
  const targets = Math.floor(EVENTS / PER_TARGET);
  if (targets < 1) throw new Error(`BENCH_EVENTS must be at least ${PER_TARGET}`);
  const ctx = await benchContext('projections', BATCH ? { projectionBatchSize: BATCH } : {});
  const { app } = ctx;
  const db = { url: ctx.url };
  const client = new Client({ connectionString: db.url });
  const config = ctx.config;

  try {
    await client.connect();
    const rows = await run(app, client, targets, config.projectionBatchSize);
    report('projections', rows);
    for (const r of rows) console.log(`${r.name}: ${r.eventsPerSecond} events/s`);
  } finally {
    await client.end().catch(() => undefined);
    await ctx.close();
  }
}

/** Every case in order, each timed once over all the events. */
async function run(
  app: INestApplicationContext,
  client: Client,
  targets: number,
  batch: number,
): Promise<BenchRow[]> {
  const total = targets * PER_TARGET;
  const [db, runner] = [app.get(Database), app.get(ProjectionRunner)];
  const store = app.get(PostgresEventStore);
  const gen = await timed(() => generate(client, targets));
  const rows = [measured('generation (set-based SQL + VACUUM ANALYZE)', gen.ms, total)];
  const raw = await timed(() => rawScan(client));
  rows.push(
    measured(`baseline: raw keyset SELECT via pg, pages of ${RAW_PAGE}`, raw.ms, raw.result),
  );
  const read = await timed(() => readAllScan(store, batch));
  rows.push(measured(`baseline: readAll, batches of ${batch}`, read.ms, read.result));
  const catchUp = await timed(() => runner.catchUp('execution'));
  rows.push(measured('catch-up execution', catchUp.ms, catchUp.result ?? 0));
  await verifyExecution(db, targets, 'after catch-up');
  const rebuild = await timed(() => runner.rebuild('execution'));
  rows.push(measured('rebuild execution', rebuild.ms, rebuild.result.applied));
  await verifyExecution(db, targets, 'after rebuild');
  const queue = await timed(() => runner.rebuild('review-queue'));
  rows.push(measured('rebuild review-queue', queue.ms, queue.result.applied));
  await verifyQueueEmpty(db);
  rows.push(await instrumentedRebuild(db, batch));
  await verifyExecution(db, targets, 'after instrumented rebuild');
  return rows;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
