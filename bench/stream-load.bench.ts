import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { ledgerOf, Principal, scopeOf, targetStreamId } from '@bp/domain';
import {
  CatchUpNotifier,
  CLOCK,
  Clock,
  Database,
  foldTarget,
  PostgresEventStore,
  TargetStore,
} from '@bp/infra';
import { randomUUID } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { resolve } from 'path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { benchContext, startBenchApi, timeRuns } from './bench-support';
import { generateApprovedTargets } from './generate-events';

const EVENTS = Number(process.env.BENCH_STREAM_EVENTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 500);
/** Each command adds an event: few enough that the command stream stays near 1,000. */
const COMMAND_RUNS = Number(process.env.BENCH_COMMAND_RUNS ?? 100);
const WARMUP = 20;
const SECRET = 'bench-secret';
const LIFECYCLE = 5; // created, submitted, two reviews, approved

interface Case {
  readonly name: string;
  readonly runs: number;
  readonly opsPerSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** p50 over the baseline's p50. */
  readonly ofBaseline: number;
  readonly note?: string;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function stats(name: string, sorted: number[], baselineP50: number | null, note?: string): Case {
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    name,
    runs: sorted.length,
    opsPerSecond: Math.round(1000 / mean),
    meanMs: round(mean),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    ofBaseline: baselineP50 ? Math.round((at(0.5) / baselineP50) * 10) / 10 : 1,
    note,
  };
}

/**
 * Loading one target stream of 1,000 events (BENCH_STREAM_EVENTS): an approved target and 995
 * disbursements recorded through the command path. Measured, BENCH_RUNS times each after a
 * warm-up: the baseline, a raw `pg` SELECT of the same rows and columns; the event store's
 * `readStream`; the domain fold alone; `TargetStore.load` (read and fold: what `GET /targets/:id`
 * does, and a command in a process that does not hold the target's last state); `GET
 * /targets/:id` against the built API as its own process; and a whole command (record a
 * disbursement) on a second target of 1,000 events, with the state the process keeps and cold.
 * Prints a table and writes bench/results/stream-load.json.
 */
async function main(): Promise<void> {
  const ctx = await benchContext('streamload');
  const store = ctx.app.get(PostgresEventStore);
  const targets = ctx.app.get(TargetStore);
  const raw = new Client({ connectionString: ctx.url });
  let api: Awaited<ReturnType<typeof startBenchApi>> | undefined;
  try {
    await raw.connect();
    // the approved target (generated, as the other benchmarks do), then its disbursements through
    // TargetStore.run, the path of POST /targets/:id/disbursements: read, fold, decide, append
    await generateApprovedTargets(ctx.url, 1, 0, 'L');
    const id = '2022-314001-L0000001';
    const principal: Principal = {
      id: 'bench-prep',
      name: 'bench',
      roles: ['preparer'],
      unit: '314001',
    };
    const caller = { principal, scope: scopeOf(principal), requestId: 'bench-stream-load' };
    const disburse = (on: TargetStore, target: string, i: number) =>
      on.run(target, caller, () => ({
        type: 'RecordDisbursement',
        data: {
          targetId: target,
          disbursementId: randomUUID(),
          amount: BigInt(100 + (i % 900)),
          date: `2022-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
          voucherNo: `SL${i}-${randomUUID()}`,
          source: 'fiscal',
          note: '',
        },
        metadata: on.metadata(caller, 'preparer'),
      }));
    const setupStart = Date.now();
    for (let i = 0; i < EVENTS - LIFECYCLE; i++) await disburse(targets, id, i);
    const setupMs = Date.now() - setupStart;
    const streamId = targetStreamId(id);
    const { rows: count } = await raw.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE stream_id = $1',
      [streamId],
    );
    if (count[0].n !== EVENTS)
      throw new Error(`the stream has ${count[0].n} events, not ${EVENTS}`);
    console.log(
      `stream ${streamId}: ${EVENTS} events (${EVENTS - LIFECYCLE} disbursements recorded in ${setupMs} ms)`,
    );

    // the same rows and columns as readStream, through a connection of its own
    const rawSql = `SELECT global_position, transaction_id::text AS tx_id, event_id, stream_id, stream_version, type,
                           schema_version, data, metadata, recorded_at
                      FROM events WHERE stream_id = $1 ORDER BY stream_version`;
    const baseline = await timeRuns(
      RUNS,
      async () => {
        const { rows } = await raw.query(rawSql, [streamId]);
        if (rows.length !== EVENTS) throw new Error(`raw read: ${rows.length} rows`);
      },
      WARMUP,
    );
    const base = stats('baseline: raw pg SELECT of the stream', baseline, null, `${EVENTS} rows`);
    const events = await store.readStream(streamId);
    const cases: Case[] = [
      base,
      stats(
        'event store readStream',
        await timeRuns(RUNS, () => store.readStream(streamId), WARMUP),
        base.p50Ms,
      ),
      stats(
        'domain fold alone (foldTarget, events in memory)',
        await timeRuns(RUNS, () => foldTarget(events), WARMUP),
        base.p50Ms,
      ),
      stats(
        'TargetStore.load: readStream + fold',
        await timeRuns(RUNS, () => targets.load(id, caller.scope), WARMUP),
        base.p50Ms,
        'GET /targets/:id, or a command on a target not cached',
      ),
    ];
    const folded = await targets.load(id, caller.scope);
    const { disbursements } = ledgerOf(folded.state);
    if (disbursements.length !== EVENTS - LIFECYCLE)
      throw new Error(`folded ${disbursements.length} disbursements`);

    // GET /targets/:id through the built API, its own process, one request at a time
    api = await startBenchApi(ctx, SECRET);
    const url = `${api.base}/targets/${id}`;
    const token = new JwtService({ secret: SECRET }).sign({
      sub: principal.id,
      name: principal.name,
      roles: principal.roles,
      unit: principal.unit,
    });
    const headers = { authorization: `Bearer ${token}` };
    let bytes = 0;
    for (let i = 0; i < 100 && !bytes; i++) {
      const res = await fetch(url, { headers }).catch(() => null);
      if (res?.ok) bytes = (await res.arrayBuffer()).byteLength;
      else await new Promise((r) => setTimeout(r, 200));
    }
    if (!bytes) throw new Error('the API did not answer GET /targets/:id');
    cases.push(
      stats(
        'HTTP GET /targets/:id (API process, 1 connection)',
        await timeRuns(
          RUNS,
          async () => {
            const res = await fetch(url, { headers });
            if (!res.ok) throw new Error(`GET answered ${res.status}`);
            await res.arrayBuffer();
          },
          WARMUP,
        ),
        base.p50Ms,
        `${Math.round(bytes / 1024)} KiB of JSON`,
      ),
    );
    // a whole command on a target of 1,000 events (another one, generated: each run adds an
    // event): with the state this process last wrote (TargetStore keeps it), and cold, as in a
    // process that has not seen the target (a fresh TargetStore: read and fold first)
    await generateApprovedTargets(ctx.url, 1, EVENTS - LIFECYCLE, 'M');
    const other = '2022-314001-M0000001';
    const fresh = () =>
      new TargetStore(
        ctx.app.get(Database),
        store,
        ctx.app.get<Clock>(CLOCK),
        ctx.app.get(CatchUpNotifier),
      );
    let n = 0;
    cases.push(
      stats(
        'command (record a disbursement), state cached',
        await timeRuns(COMMAND_RUNS, () => disburse(targets, other, n++), 5),
        base.p50Ms,
        'TargetStore.run: decide + append',
      ),
      stats(
        'command (record a disbursement), cold',
        await timeRuns(COMMAND_RUNS, () => disburse(fresh(), other, n++), 5),
        base.p50Ms,
        `read + fold + decide + append; stream ${EVENTS} → ${EVENTS + n} events`,
      ),
    );

    write(cases);
  } finally {
    await api?.stop();
    await raw.end().catch(() => undefined);
    await cleanQueue(ctx.config.redisUrl, ctx.config.queuePrefix);
    await ctx.close();
  }
}

function write(cases: Case[]): void {
  console.log(`\nstream-load (${EVENTS} events, ${RUNS} runs each)`);
  console.table(
    cases.map((c) => ({
      case: c.name,
      'ops/s': c.opsPerSecond,
      'p50 ms': c.p50Ms,
      'p99 ms': c.p99Ms,
      '× baseline p50': c.ofBaseline,
      note: c.note ?? '',
    })),
  );
  const dir = resolve(process.cwd(), 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    resolve(dir, 'stream-load.json'),
    JSON.stringify(
      { name: 'stream-load', at: new Date().toISOString(), events: EVENTS, cases },
      null,
      2,
    ),
  );
}

/** The catch-up jobs the commands queued under the benchmark's prefix. */
async function cleanQueue(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } catch {
    // Redis is not needed for the figures
  } finally {
    redis.disconnect();
  }
}

void main();
