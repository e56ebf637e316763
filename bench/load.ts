import { Client } from 'pg';

export interface LoopResult {
  /** Operations per second. */
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** The first error's message, if any. */
  readonly firstError?: string;
}

/** The q-quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Runs `clients` loops of `work` for `seconds`: operations per second and latencies (ms). */
export async function loops(
  clients: number,
  seconds: number,
  work: (i: number) => Promise<unknown>,
): Promise<LoopResult> {
  const until = Date.now() + seconds * 1000;
  const times: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        const start = process.hrtime.bigint();
        try {
          await work(c * 1_000_000 + i);
          times.push(Number(process.hrtime.bigint() - start) / 1e6);
        } catch (e) {
          errors++;
          firstError ??= (e as Error).message;
        }
      }
    }),
  );
  times.sort((a, b) => a - b);
  return {
    rate: times.length / seconds,
    p50: round(quantile(times, 0.5)),
    p99: round(quantile(times, 0.99)),
    errors,
    firstError,
  };
}

export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function serverUrl(url: string): { server: string; name: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  return { server: u.toString(), name };
}

async function onServer(url: string, sql: string): Promise<void> {
  const { server } = serverUrl(url);
  const c = new Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Creates the (empty) database of `url`. */
export async function ensureDatabase(url: string): Promise<void> {
  const { name } = serverUrl(url);
  await onServer(url, `CREATE DATABASE "${name}"`).catch((e: { code?: string }) => {
    if (e.code !== '42P04') throw e;
  });
}

export async function dropDatabase(url: string): Promise<void> {
  const { name } = serverUrl(url);
  await onServer(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
