import { ChildProcess, spawn } from 'child_process';
import { createServer } from 'net';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Proc {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a built script of ours (dist/...) with extra environment, collecting its output. */
export function runNode(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

/** Polls `check` every `everyMs` until it answers true or `timeoutMs` passes. */
export async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface RedisServer {
  readonly url: string;
  /** Kills the server with SIGKILL (no shutdown, nothing saved); `start` brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, empty (it never saves), and waits for it. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A Redis server of the suite's own on a free loopback port (so FLUSHALL harms no other suite). */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const { default: IORedis } = await import('ioredis');
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  const start = async () => {
    if (child) throw new Error('redis-server is running already');
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const self = child;
    exited = new Promise((r) => self.once('exit', r));
    void exited.then(() => {
      if (child === self) child = undefined;
    });
    await until(
      async () => {
        const r = new IORedis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        r.on('error', () => undefined);
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          r.disconnect();
        }
      },
      10000,
      'redis-server to start',
    );
  };
  const signal = async (sig: NodeJS.Signals) => {
    child?.kill(sig);
    await exited;
    child = undefined;
  };
  await start();
  return { url, start, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
