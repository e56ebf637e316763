import { ChildProcess, spawn } from 'child_process';
import { JwtService } from '@nestjs/jwt';
import autocannon from 'autocannon';
import { randomUUID } from 'crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { resolve } from 'path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { round } from './load';

export const SECRET = 'bench-secret';
const ROUND_ROBIN = process.env.BENCH_SPREAD === 'round-robin';

/**
 * How the service runs: `with-worker` is `npm start` (API and worker in one process),
 * `two-process` the API (`npm run start:api`) beside the worker (`npm run start:worker`),
 * `api-only` the API without any worker (the old, flattering figure, for reference).
 */
export type Mode = 'with-worker' | 'two-process' | 'api-only';

export interface Deployment {
  readonly base: string;
  readonly url: string;
  /** Process ids: the API first, then the worker when it runs apart. */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/** Node arguments of the spawned processes: BENCH_NODE_ARGS, plus a CPU profile per process. */
function nodeArgs(profile: string | undefined): string[] {
  const args = (process.env.BENCH_NODE_ARGS ?? process.env.BENCH_API_NODE_ARGS ?? '')
    .split(' ')
    .filter(Boolean);
  if (!profile) return args;
  mkdirSync(profile, { recursive: true });
  return [...args, '--cpu-prof', `--cpu-prof-dir=${profile}`];
}

/**
 * A process of the build, logging as deployed (LOG_LEVEL unset: one JSON line a request) into
 * a file under the temp directory; BENCH_LOG_LEVEL=silent for the old, quiet figure.
 */
function start(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  label: string,
  profile?: string,
) {
  const { LOG_LEVEL: _, ...inherited } = process.env;
  const level = process.env.BENCH_LOG_LEVEL;
  const log = openSync(resolve(tmpdir(), `bp-bench-${label}.log`), 'w');
  const child = spawn(process.execPath, [...nodeArgs(profile), script, ...args], {
    env: { ...inherited, ...env, ...(level ? { LOG_LEVEL: level } : {}) },
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
  return child;
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Removes the deployment's BullMQ keys from Redis (REDIS_URL or the local server). */
async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * The build at `dist` deployed on the (migrated) database `url` in `mode`, once /health
 * answers. BENCH_PROFILE_DIR: each process writes a CPU profile under <dir>/<label>-api|worker.
 */
export async function deploy(dist: string, url: string, mode: Mode, label: string) {
  const port = 3900 + Math.floor(Math.random() * 90);
  const env = {
    DATABASE_URL: url,
    PORT: String(port),
    JWT_SECRET: SECRET,
    QUEUE_PREFIX: `bp-bench-${randomUUID()}`,
  };
  const prof = process.env.BENCH_PROFILE_DIR;
  const at = (p: string) => (prof ? resolve(prof, `${label}-${p}`) : undefined);
  const api = resolve(dist, 'apps/api/src/main.js');
  const args = mode === 'with-worker' ? ['--with-worker'] : [];
  const procs = [start(api, args, env, `${label}-api`, at('api'))];
  if (mode === 'two-process')
    procs.push(
      start(resolve(dist, 'apps/worker/src/main.js'), [], env, `${label}-worker`, at('worker')),
    );
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await Promise.all(procs.map(stopProcess));
    await dropQueueKeys(env.QUEUE_PREFIX);
  };
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/health`).catch(() => null))?.ok) break;
    if (i > 150 || procs.some((p) => p.exitCode !== null)) {
      await stop();
      throw new Error(`${api} (${mode}) did not answer /health`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, url, pids: procs.map((p) => p.pid as number), stop } satisfies Deployment;
}

const jwt = new JwtService({ secret: SECRET });
export const preparerToken = jwt.sign({
  sub: 'bench-prep',
  name: 'bench',
  roles: ['preparer'],
  unit: '314001',
});

async function call(base: string, path: string, claims: object, body: object): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt.sign(claims)}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

const indicator = {
  level1: '产出指标',
  level2: '数量指标',
  name: 'n',
  description: 'd',
  target: '1个',
  basis: 'b',
};

/** A target of 314001 with a budget too large to run out, taken through both reviews. */
export async function approvedTarget(base: string, code: string): Promise<string> {
  const preparer = { sub: 'p', name: 'p', roles: ['preparer'], unit: '314001' };
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
    indicators: [indicator],
  };
  const id = `2022-314001-${code}`;
  await call(base, '/targets', preparer, table);
  await call(base, `/targets/${id}/submit`, preparer, {});
  const dept = { sub: 'd', name: 'd', roles: ['department_reviewer'], department: '314' };
  await call(base, `/targets/${id}/reviews`, dept, { grade: '优' });
  await call(
    base,
    `/targets/${id}/reviews`,
    { sub: 'f', name: 'f', roles: ['finance_reviewer'] },
    {
      grade: '优',
    },
  );
  return id;
}

/** `n` approved targets, created 16 at a time. */
export async function approvedTargets(base: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let k = 0; k < n; k += 16) {
    const batch = Array.from({ length: Math.min(16, n - k) }, (_, j) => `BENCH${k + j + 1}`);
    ids.push(...(await Promise.all(batch.map((code) => approvedTarget(base, code)))));
  }
  return ids;
}

export interface HttpResult {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  /** Answers by status code, e.g. { 201: 4000, 409: 3 }. */
  readonly statuses: Record<string, number>;
}

/**
 * POST /targets/:id/disbursements from `connections` connections for `seconds`, each
 * connection on a target of its own (targets[k] for connection k), so no two requests in flight
 * ever need the same stream: any 409 is the service's, not the load's.
 */
export async function disbursements(
  base: string,
  targets: readonly string[],
  connections: number,
  seconds: number,
): Promise<HttpResult> {
  if (targets.length < connections) throw new Error('one target per connection');
  let next = 0;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${preparerToken}` };
  const body = () =>
    JSON.stringify({ amount: '0.01', date: '2022-05-10', voucherNo: randomUUID() });
  const r = await autocannon({
    url: base,
    connections,
    duration: seconds,
    setupClient: (client) => {
      const own = `/targets/${targets[next++]}/disbursements`;
      // BENCH_SPREAD=round-robin: the old spread, each request on the next target whatever
      // connection sends it, so two connections can be on one target at once
      const path = () =>
        ROUND_ROBIN ? `/targets/${targets[next++ % connections]}/disbursements` : own;
      client.setRequests([
        {
          method: 'POST',
          headers,
          setupRequest: (req) => ({ ...req, path: path(), body: body() }),
        },
      ]);
    },
  });
  const statuses = Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s?.count ?? 0]),
  );
  return {
    rate: round(r.requests.average, 0),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    statuses,
  };
}

/** CPU time (user + system) of a process so far, in ms; 0 once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 1/100 s
  } catch {
    return 0;
  }
}

/** CPU so far of each process given and of the PostgreSQL backends on the database. */
export async function cpuNow(url: string, pids: readonly number[]): Promise<Map<string, number>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const out = new Map<string, number>(
      pids.map((p, i) => [i === 0 ? 'api' : 'worker', cpuMsOf(p)]),
    );
    for (const r of rows) out.set(`pg:${r.pid}`, cpuMsOf(r.pid));
    return out;
  } finally {
    await c.end();
  }
}

/** CPU ms per request between two `cpuNow`s: the API, the worker (apart), PostgreSQL. */
export function cpuPerRequest(
  before: Map<string, number>,
  after: Map<string, number>,
  requests: number,
): { api: number; worker?: number; pg: number } {
  // a backend opened during the load (the pool growing) counts from its start
  const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
  const pg = [...after.keys()].filter((k) => k.startsWith('pg:')).reduce((a, k) => a + delta(k), 0);
  const per = (ms: number) => round(ms / Math.max(1, requests), 2);
  return {
    api: per(delta('api')),
    ...(after.has('worker') ? { worker: per(delta('worker')) } : {}),
    pg: per(pg),
  };
}

/** Transactions committed in the database so far (pg_stat_database; flushed about every second). */
export async function commits(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await new Promise((r) => setTimeout(r, 1100)); // backends report their counts at most once a second
    const { rows } = await c.query<{ n: string }>(
      `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Number(rows[0].n);
  } finally {
    await c.end();
  }
}

/** Milliseconds until every live projection checkpoint reaches the last event (the worker's lag). */
export async function catchUpLag(url: string, timeoutMs = 30_000): Promise<number | null> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const started = Date.now();
  try {
    for (;;) {
      const { rows } = await c.query<{ behind: boolean }>(
        // in the store's read order (transaction, position): the last event applied need not
        // have the highest position, when transactions commit out of the order of their inserts
        `SELECT EXISTS (SELECT 1 FROM projection_checkpoints c WHERE c.name NOT LIKE '%#rebuild'
            AND EXISTS (SELECT 1 FROM events e
              WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.position))) AS behind`,
      );
      if (!rows[0].behind) return Date.now() - started;
      if (Date.now() - started > timeoutMs) return null;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await c.end();
  }
}
