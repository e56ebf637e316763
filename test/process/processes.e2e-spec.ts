import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { dropDatabase } from '@bp/infra';
import { cleanQueues } from '../support/app-factory';
import { targetBody } from '../support/fixtures';
import { freePort, Proc, runNode as run } from '../support/processes';

/**
 * The built processes as an operator runs them (npm test builds first): npm start's
 * migrate + API + worker, a stop on SIGTERM, and one clear line when a dependency is missing.
 */
const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const API = 'dist/apps/api/src/main.js';

async function waitForHealth(port: number, proc: Proc): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API did not become healthy:\n${proc.output()}`);
}

describe('processes', () => {
  const env = () => ({
    DATABASE_URL: `${SERVER}/bp_process_${randomBytes(4).toString('hex')}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bp-test-process-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: 'process-test-secret',
  });

  it('npm start: creates and migrates the database, serves the API with the worker, stops cleanly on SIGTERM', async () => {
    const e = { ...env(), PORT: String(await freePort()) };
    const proc = run(API, ['--migrate', '--with-worker'], e);
    try {
      await waitForHealth(Number(e.PORT), proc);
      const token = execFileSync(
        process.execPath,
        [
          'dist/apps/cli/src/main.js',
          'token',
          '--sub',
          'u1',
          '--name',
          '张三',
          '--role',
          'preparer',
          '--unit',
          '314001',
        ],
        {
          env: { ...process.env, ...e },
        },
      )
        .toString()
        .trim();
      const res = await fetch(`http://127.0.0.1:${e.PORT}/targets`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(targetBody()),
      });
      expect(res.status).toBe(201);
      expect(proc.output()).toContain('worker running');
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toEqual({ code: 0, signal: null });
      expect(proc.output()).toContain('stopped');
    } finally {
      proc.child.kill('SIGKILL');
      await dropDatabase(e.DATABASE_URL);
      await cleanQueues({ redisUrl: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX } as never);
    }
  });

  it('the worker alone starts, connects to Redis and stops cleanly on SIGTERM', async () => {
    const e = env();
    execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
      env: { ...process.env, ...e },
    });
    const proc = run('dist/apps/worker/src/main.js', [], e);
    try {
      for (let i = 0; i < 100 && !proc.output().includes('worker started'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(proc.output()).toContain('worker started');
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toEqual({ code: 0, signal: null });
    } finally {
      proc.child.kill('SIGKILL');
      await dropDatabase(e.DATABASE_URL);
      await cleanQueues({ redisUrl: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX } as never);
    }
  });

  it.each([
    ['Redis', { REDIS_URL: 'redis://127.0.0.1:1' }],
    ['PostgreSQL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/bp' }],
  ])('stops with one clear line when %s is unreachable', async (name, broken) => {
    const proc = run(API, [], { ...env(), ...broken, PORT: String(await freePort()) });
    expect(await proc.exited).toEqual({ code: 1, signal: null });
    const lines = proc.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^${name} is not reachable at 127\\.0\\.0\\.1:1 .*start it with`),
    );
  });
});
