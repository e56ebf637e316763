import { execFile, execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, loadavg, totalmem } from 'os';
import { resolve } from 'path';
import { promisify } from 'util';
import { Client } from 'pg';
import {
  approvedTargets,
  catchUpLag,
  commits,
  cpuNow,
  cpuPerRequest,
  deploy,
  disbursements,
  HttpResult,
  Mode,
} from './deployed';
import { dropDatabase, ensureDatabase, LoopResult, round } from './load';

/**
 * The command path as deployed, every figure beside its baselines from the same run:
 * - raw: `pgbench` one-row insert transactions (bench/raw-insert.sql) at each client count;
 * - event append through the store of each build, and emmett's PostgreSQL store, 8 clients;
 *   and the store's own statement (bp_append) through pgbench, to tell SQL from Node.js;
 * - HTTP "record disbursement" with the worker running: one process (`--with-worker`, as
 *   `npm start`) and API + worker as two processes, at 8 and 64 connections, one target per
 *   connection; then how long the worker takes to catch up once the load stops.
 *
 * BENCH_DIST: the build measured (default dist); BENCH_BASE_DIST: a second build measured in
 * the same run (say a worktree of the start: /tmp/base/dist), or BENCH_BUILDS
 * (name=dir,name=dir…) for any number of builds; BENCH_SECONDS per case;
 * BENCH_REPEAT rounds; BENCH_MODES (with-worker,two-process[,api-only]); BENCH_CONNECTIONS
 * (8,64); BENCH_ONLY (raw,append,emmett,http); BENCH_PROFILE_DIR: CPU profiles of every
 * spawned process under load.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const list = (v: string | undefined, d: string) => (v ?? d).split(',').filter(Boolean);
const MODES = list(process.env.BENCH_MODES, 'with-worker,two-process') as Mode[];
const CONNECTIONS = list(process.env.BENCH_CONNECTIONS, '8,64').map(Number);
const ONLY = new Set(list(process.env.BENCH_ONLY, 'raw,append,emmett,http'));
const exec = promisify(execFile);

interface Build {
  readonly name: string;
  readonly dist: string;
}

/** BENCH_BUILDS (name=dir,name=dir…) measures any number of builds side by side. */
const builds: Build[] = process.env.BENCH_BUILDS
  ? list(process.env.BENCH_BUILDS, '').map((b) => {
      const [name, dir] = b.split('=');
      return { name, dist: resolve(dir) };
    })
  : [{ name: 'this', dist: resolve(process.env.BENCH_DIST ?? 'dist') }];
if (process.env.BENCH_BASE_DIST)
  builds.push({ name: 'base', dist: resolve(process.env.BENCH_BASE_DIST) });

interface Figure {
  readonly round: number;
  readonly case: string;
  readonly build: string;
  readonly clients: number;
  readonly rate: number;
  readonly p50?: number;
  readonly p99?: number;
  readonly note?: string;
  /** Load average (1 min) when the case started. */
  readonly load: number;
}

const figures: Figure[] = [];
const freshUrl = (label: string) => `${SERVER}/bp_bench_${label}_${randomBytes(4).toString('hex')}`;

/** pgbench's one-row insert at `clients` clients: transactions per second. */
async function raw(pgbench: string, clients: number): Promise<LoopResult> {
  const url = freshUrl('raw');
  await ensureDatabase(url);
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('CREATE TABLE raw_bench (id uuid PRIMARY KEY, body jsonb NOT NULL)');
  await c.end();
  return pgbenchOn(pgbench, url, clients, 'bench/raw-insert.sql');
}

/** The store's own statement (bp_append) through pgbench, on a database of the build's schema. */
async function appendStatement(pgbench: string, dist: string, clients: number) {
  const url = freshUrl('stmt');
  await migrateWith(dist, url);
  return pgbenchOn(pgbench, url, clients, 'bench/append-statement.sql');
}

async function pgbenchOn(pgbench: string, url: string, clients: number, script: string) {
  try {
    const { stdout } = await exec(pgbench, [
      ...['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(SECONDS)],
      ...['-f', resolve(script), url],
    ]);
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
    const avg = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
    if (!tps) throw new Error(`pgbench said: ${stdout}`);
    return { rate: tps, p50: avg, p99: NaN, errors: 0 };
  } finally {
    await dropDatabase(url);
  }
}

/** One append benchmark in a process of its own (bench/append-driver.ts). */
async function appends(kind: 'store' | 'emmett', dist: string, clients: number) {
  const url = freshUrl(kind);
  try {
    const driver = resolve(__dirname, 'append-driver.js');
    const args = [driver, kind, dist, url, String(clients), String(SECONDS)];
    const { stdout } = await exec(process.execPath, args, { maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop() as string) as LoopResult;
  } finally {
    await dropDatabase(url);
  }
}

/** Migrates `url` with the build's own migrations, in a process of its own. */
async function migrateWith(dist: string, url: string): Promise<void> {
  const infra = resolve(dist, 'libs/infra/src/index.js');
  const code = `require(${JSON.stringify(infra)}).migrate(process.argv[1]).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })`;
  await exec(process.execPath, ['-e', code, url]);
}

/** HTTP record-disbursement on a fresh deployment of `build` in `mode`, at each connection count. */
async function http(build: Build, mode: Mode, n: number) {
  const url = freshUrl('http');
  await migrateWith(build.dist, url);
  const d = await deploy(build.dist, url, mode, `${build.name}-${mode}-r${n}`);
  const out: { connections: number; r: HttpResult; lagMs: number | null }[] = [];
  try {
    const targets = await approvedTargets(d.base, Math.max(...CONNECTIONS));
    await disbursements(d.base, targets, 8, Math.min(2, SECONDS)); // warm-up, not counted
    for (const connections of CONNECTIONS) {
      const load = loadavg()[0];
      const before = await commits(url);
      const cpuBefore = await cpuNow(url, d.pids);
      const r = await disbursements(d.base, targets, connections, SECONDS);
      const cpuAfter = await cpuNow(url, d.pids);
      const lagMs = mode === 'api-only' ? null : await catchUpLag(url);
      const created = Object.entries(r.statuses).reduce((a, [k, v]) => a + (k < '300' ? v : 0), 0);
      const perRequest = round(((await commits(url)) - before) / Math.max(1, created), 1);
      const cpu = cpuPerRequest(cpuBefore, cpuAfter, created);
      out.push({ connections, r, lagMs });
      figures.push({
        round: n,
        case: `HTTP record disbursement, ${mode}`,
        build: build.name,
        clients: connections,
        rate: r.rate,
        p50: r.p50,
        p99: r.p99,
        note: `statuses ${JSON.stringify(r.statuses)}; worker caught up ${lagMs ?? '-'} ms after; ${perRequest} PG commits a request; CPU ms a request ${JSON.stringify(cpu)}`,
        load: round(load),
      });
    }
  } finally {
    await d.stop();
    await dropDatabase(url);
  }
  return out;
}

function push(
  n: number,
  name: string,
  build: string,
  clients: number,
  r: LoopResult,
  load: number,
) {
  const note = r.errors ? `${r.errors} errors: ${r.firstError}` : undefined;
  figures.push({
    round: n,
    case: name,
    build,
    clients,
    rate: round(r.rate, 0),
    p50: r.p50,
    ...(Number.isNaN(r.p99) ? {} : { p99: r.p99 }),
    note,
    load: round(load),
  });
}

async function oneRound(n: number, pgbench: string | undefined): Promise<void> {
  if (pgbench)
    for (const c of CONNECTIONS) {
      const load = loadavg()[0];
      push(n, 'baseline: raw pgbench one-row insert', 'pg', c, await raw(pgbench, c), load);
    }
  if (ONLY.has('append'))
    for (const b of builds) {
      const load = loadavg()[0];
      push(n, 'event append through the store', b.name, 8, await appends('store', b.dist, 8), load);
    }
  if (ONLY.has('append') && pgbench)
    for (const b of builds) {
      const load = loadavg()[0];
      const r = await appendStatement(pgbench, b.dist, 8);
      push(n, "the store's statement alone (bp_append, pgbench)", b.name, 8, r, load);
    }
  if (ONLY.has('emmett')) {
    const load = loadavg()[0];
    push(
      n,
      'baseline: emmett PostgreSQL appendToStream',
      'emmett',
      8,
      await appends('emmett', '-', 8),
      load,
    );
  }
  if (ONLY.has('http')) for (const mode of MODES) for (const b of builds) await http(b, mode, n);
}

/** The raw rate of the same round at the same client count. */
function rawOf(f: Figure): number | undefined {
  return figures.find((r) => r.round === f.round && r.build === 'pg' && r.clients === f.clients)
    ?.rate;
}

/** Issue 17's target for the figure, and whether this run met it. */
function target(f: Figure, ofRaw: number | undefined): string {
  if (f.case.startsWith('event append')) return verdict('≥ 0.6 of raw', (ofRaw ?? 0) >= 0.6);
  if (!f.case.startsWith('HTTP') || f.case.endsWith('api-only')) return '';
  if (f.clients === 8)
    return verdict('≥ 0.15 of raw, p99 ≤ 25', (ofRaw ?? 0) >= 0.15 && (f.p99 ?? 1e9) <= 25);
  const conflicts = /"409":(\d+)/.exec(f.note ?? '')?.[1];
  return verdict('no 409, p99 ≤ 150', !conflicts && (f.p99 ?? 1e9) <= 150);
}

const verdict = (what: string, met: boolean) => `${what}: ${met ? 'met' : 'MISSED'}`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Over the rounds: the median of each figure, per case, build and client count. */
function summary(rows: { case: string; build: string; clients: number; [k: string]: unknown }[]) {
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.case}|${r.build}|${r.clients}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const num = (g: typeof rows, col: string) => {
    const xs = g.map((r) => r[col]).filter((x): x is number => typeof x === 'number');
    return xs.length ? round(median(xs)) : '';
  };
  console.log(`\nmedians over ${REPEAT} rounds`);
  console.table(
    [...groups.values()].map((g) => ({
      case: g[0].case,
      build: g[0].build,
      clients: g[0].clients,
      'rate /s': num(g, 'rate /s'),
      'of raw': num(g, 'of raw'),
      'p99 ms': num(g, 'p99 ms'),
      load: num(g, 'load'),
    })),
  );
}

function printAndSave(): void {
  const rows = figures.map((f) => {
    const rawRate = rawOf(f);
    const ofRaw = rawRate && f.build !== 'pg' ? round(f.rate / rawRate) : undefined;
    return {
      round: f.round,
      case: f.case,
      build: f.build,
      clients: f.clients,
      'rate /s': f.rate,
      'of raw': ofRaw ?? '',
      'p50 ms': f.p50 ?? '',
      'p99 ms': f.p99 ?? '',
      target: target(f, ofRaw),
      load: f.load,
      note: f.note ?? '',
    };
  });
  console.log('\nhttp: the command path as deployed, beside its baselines (same run)');
  console.table(rows.map(({ note: _, ...r }) => r));
  rows.forEach((r, i) => r.note && console.log(`  [${i}] ${r.note}`));
  if (REPEAT > 1) summary(rows);
  const machine = `${cpus().length} × ${cpus()[0]?.model}, ${round(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`;
  console.log(`machine: ${machine}; uptime: ${execFileSync('uptime').toString().trim()}`);
  const dir = resolve(process.cwd(), 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    resolve(dir, 'http.json'),
    JSON.stringify(
      { name: 'http', at: new Date().toISOString(), machine, seconds: SECONDS, builds, rows },
      null,
      2,
    ),
  );
}

async function main(): Promise<void> {
  const pgbench = ONLY.has('raw')
    ? execFileSync('bash', [resolve('bench/ensure-pgbench.sh')], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
        .toString()
        .trim()
    : undefined;
  console.log(`uptime at start: ${execFileSync('uptime').toString().trim()}`);
  for (let n = 1; n <= REPEAT; n++) await oneRound(n, pgbench);
  printAndSave();
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e);
    process.exit(1);
  },
);
