import 'reflect-metadata';
import { PostgresEventStore, Database } from '@bp/infra';
import autocannon from 'autocannon';
import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { JwtService } from '@nestjs/jwt';
import { benchContext, report, row, startBenchApi } from './bench-support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SECRET = 'bench-secret';

/** Runs `clients` loops of `work` for `seconds`; answers operations per second. */
async function loops(
  clients: number,
  seconds: number,
  work: (i: number) => Promise<unknown>,
): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        await work(c * 1_000_000 + i);
        done++;
      }
    }),
  );
  return done / seconds;
}

/** The raw one-row insert transaction, from `clients` connections of their own. */
async function rawInserts(url: string, clients: number): Promise<number> {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  await conns[0].query(
    'CREATE TABLE IF NOT EXISTS raw_bench (id uuid PRIMARY KEY, body jsonb NOT NULL)',
  );
  try {
    return await loops(clients, SECONDS, (i) =>
      conns[Math.floor(i / 1_000_000)].query('INSERT INTO raw_bench VALUES ($1, $2)', [
        randomUUID(),
        '{"x":1}',
      ]),
    );
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}

/**
 * Issue 8's throughput figures, each beside its baseline in the same run: event appends through
 * the event store against raw one-row insert transactions at 8 clients, and HTTP "record
 * disbursement" (autocannon, 8 and 64 connections) against the same baseline.
 */
async function main(): Promise<void> {
  const ctx = await benchContext('http');
  const store = ctx.app.get(PostgresEventStore);
  const db = ctx.app.get(Database);
  let api: Awaited<ReturnType<typeof startBenchApi>> | undefined;
  try {
    const raw8 = await rawInserts(ctx.url, 8);
    // as a command appends: one statement, atomic on its own (no explicit transaction)
    const append8 = await loops(8, SECONDS, () =>
      store.append(db, `bench-${randomUUID()}`, 0, [
        { id: randomUUID(), type: 'Bench', data: { x: 1 }, metadata: { actor: 'bench' } },
      ]),
    );
    api = await startBenchApi(ctx, SECRET);
    const base = api.base;
    // spread over 64 targets: one stream would measure its optimistic-lock contention instead
    const targets: string[] = [];
    for (let k = 1; k <= 64; k++) targets.push(await approvedTarget(base, `BENCH${k}`));
    const jwt = new JwtService({ secret: SECRET });
    const prep = jwt.sign({
      sub: 'bench-prep',
      name: 'bench',
      roles: ['preparer'],
      unit: '314001',
    });
    let n = 0;
    const http = async (connections: number) =>
      autocannon({
        url: base,
        connections,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${prep}` },
            setupRequest: (req) => ({
              ...req,
              path: `/targets/${targets[n++ % targets.length]}/disbursements`,
              body: JSON.stringify({ amount: '0.01', date: '2022-05-10', voucherNo: randomUUID() }),
            }),
          },
        ],
      });
    const h8 = await http(8);
    const h64 = await http(64);
    const note = (r: autocannon.Result) =>
      `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`;
    report('http', [
      row(
        'baseline: raw one-row insert transaction, 8 clients',
        [1000 / raw8],
        `${Math.round(raw8)} tx/s`,
      ),
      row(
        'event append through the store, 8 clients',
        [1000 / append8],
        `${Math.round(append8)} appends/s = ${(append8 / raw8).toFixed(2)} of raw (target ≥ 0.5)`,
      ),
      row(
        'HTTP record disbursement, 8 connections',
        [h8.latency.p50],
        `${note(h8)}; ${(h8.requests.average / raw8).toFixed(2)} of raw (target ≥ 0.15)`,
      ),
      row('HTTP record disbursement, 64 connections', [h64.latency.p50], note(h64)),
    ]);
  } finally {
    await api?.stop();
    await ctx.close();
  }
}

/** A target of 314001 with a budget too large to run out, taken through both reviews. */
async function approvedTarget(base: string, code: string): Promise<string> {
  const jwt = new JwtService({ secret: SECRET });
  const call = async (path: string, claims: object, body: object) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt.sign(claims)}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  const table = {
    fiscalYear: 2022,
    unitCode: '314001',
    unitName: '民政局本级',
    projectCode: code,
    projectName: '基准测试',
    purpose: 'bench',
    budget: { total: '9000000000.00', fiscal: '9000000000.00', other: '0.00' },
    plan: { M3: 25, M6: 50, M10: 75, M12: 100 },
    goals: 'bench',
    indicators: [
      {
        level1: '产出指标',
        level2: '数量指标',
        name: 'n',
        description: 'd',
        target: '1个',
        basis: 'b',
      },
    ],
  };
  await call('/targets', { sub: 'p', name: 'p', roles: ['preparer'], unit: '314001' }, table);
  await call(
    `/targets/2022-314001-${code}/submit`,
    { sub: 'p', name: 'p', roles: ['preparer'], unit: '314001' },
    {},
  );
  await call(
    `/targets/2022-314001-${code}/reviews`,
    { sub: 'd', name: 'd', roles: ['department_reviewer'], department: '314' },
    { grade: '优' },
  );
  await call(
    `/targets/2022-314001-${code}/reviews`,
    { sub: 'f', name: 'f', roles: ['finance_reviewer'] },
    { grade: '优' },
  );
  return `2022-314001-${code}`;
}

void main();
