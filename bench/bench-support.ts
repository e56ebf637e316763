import { spawn } from 'child_process';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { randomBytes, randomUUID } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { resolve } from 'path';
import { AppConfig, dropDatabase, InfraModule, loadConfig, migrate } from '@bp/infra';

const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh, migrated database for one benchmark; drop() removes it. */
export async function benchDatabase(
  label: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const url = `${SERVER}/bp_bench_${label}_${randomBytes(4).toString('hex')}`;
  await migrate(url);
  return { url, drop: () => dropDatabase(url) };
}

/** Runs `fn` `n` times after `warmup` runs; answers the times in milliseconds, sorted. */
export async function timeRuns(
  n: number,
  fn: (i: number) => Promise<unknown> | unknown,
  warmup = 2,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

export interface Row {
  readonly name: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly note?: string;
}

export function row(name: string, times: number[], note?: string): Row {
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { name, runs: times.length, medianMs: round(at(0.5)), p90Ms: round(at(0.9)), note };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Prints the rows as a table and writes them as JSON to bench/results/<name>.json. */
export function report(name: string, rows: Row[]): void {
  console.log(`\n${name}`);
  console.table(
    rows.map((r) => ({
      case: r.name,
      runs: r.runs,
      'median ms': r.medianMs,
      'p90 ms': r.p90Ms,
      note: r.note ?? '',
    })),
  );
  const dir = resolve(process.cwd(), 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    resolve(dir, `${name}.json`),
    JSON.stringify({ name, at: new Date().toISOString(), rows }, null, 2),
  );
}

@Module({})
class BenchModule {}

export interface BenchContext {
  readonly app: INestApplicationContext;
  readonly config: AppConfig;
  readonly url: string;
  close(): Promise<void>;
}

/** The service's handlers on a fresh database and queue prefix of the benchmark's own. */
export async function benchContext(
  label: string,
  overrides: Partial<AppConfig> = {},
): Promise<BenchContext> {
  const db = await benchDatabase(label);
  const config = loadConfig(process.env, {
    databaseUrl: db.url,
    logLevel: 'silent',
    queuePrefix: `bp-bench-${randomUUID()}`,
    ...overrides,
  });
  const app = await NestFactory.createApplicationContext(
    { module: BenchModule, imports: [CqrsModule.forRoot(), InfraModule.forRoot(config)] },
    { logger: false },
  );
  return {
    app,
    config,
    url: db.url,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/**
 * The built API as a process of its own on the bench database (`LOG_LEVEL=silent`), once
 * `/health` answers. BENCH_API_NODE_ARGS ('--cpu-prof --cpu-prof-dir=/tmp/prof') profiles it.
 */
export async function startBenchApi(
  ctx: BenchContext,
  jwtSecret: string,
): Promise<{ base: string; stop(): Promise<void> }> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const api = spawn(process.execPath, [...nodeArgs, 'dist/apps/api/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: ctx.url,
      PORT: String(port),
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'silent',
      QUEUE_PREFIX: ctx.config.queuePrefix,
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`${base}/health`).catch(() => null))?.ok) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    async stop() {
      if (api.exitCode !== null) return;
      const exited = new Promise((r) => api.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    },
  };
}
