import { ChildProcess, spawn } from 'child_process';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import IORedis from 'ioredis';
import { freePort, until } from './processes';

export interface RedisCluster {
  readonly nodes: { host: string; port: number }[];
  /** The nodes as REDIS_CLUSTER_NODES wants them: `127.0.0.1:P1,127.0.0.1:P2,…`. */
  readonly spec: string;
  /** Runs one command on one node (not through the cluster): CLUSTER INFO, KEYS, … */
  command(port: number, ...args: string[]): Promise<unknown>;
  /** Stops every node and removes the temporary directory; safe to call twice. */
  stop(): Promise<void>;
}

/** `count` distinct free loopback ports. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Runs a program to its end, with a time limit; answers its output or throws with it. */
function run(program: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${program} ${args.join(' ')}: ${code ?? signal}\n${out}`));
    });
  });
}

/**
 * A Redis Cluster of its own for one suite: `size` masters (no replicas) on free loopback ports,
 * each `redis-server --cluster-enabled yes` with its nodes file in a temporary directory and
 * nothing saved; `redis-cli --cluster create` joins them and gives out the 16384 slots. Answers
 * once every node reports `cluster_state:ok`. On any failure on the way, what was started is
 * stopped again.
 */
export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'bp-redis-cluster-'));
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  const command = async (port: number, ...args: string[]) => {
    const r = new IORedis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
    });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await r.call(args[0], ...args.slice(1));
    } finally {
      r.disconnect();
    }
  };
  try {
    // the cluster bus listens on a port of its own (port + 10000 by default, which may be > 65535)
    const ports = await freePorts(size * 2);
    const nodes = ports.slice(0, size).map((port) => ({ host: '127.0.0.1', port }));
    nodes.forEach(({ port }, i) => {
      const child = spawn(
        'redis-server',
        [
          ['--port', String(port)],
          ['--cluster-port', String(ports[size + i])],
          ['--bind', '127.0.0.1'],
          ['--cluster-enabled', 'yes'],
          ['--cluster-config-file', join(dir, `nodes-${i + 1}.conf`)],
          ['--cluster-node-timeout', '5000'],
          ['--dir', dir],
          ['--save', ''],
          ['--appendonly', 'no'],
        ].flat(),
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      logs[i] = '';
      child.stdout?.on('data', (d) => (logs[i] += d));
      child.stderr?.on('data', (d) => (logs[i] += d));
      children.push(child);
    });
    for (const { port } of nodes)
      await until(
        async () => (await command(port, 'PING').catch(() => null)) === 'PONG',
        10000,
        `redis-server on ${port}`,
      );
    const spec = nodes.map((n) => `${n.host}:${n.port}`).join(',');
    await run(
      'redis-cli',
      ['--cluster', 'create', ...spec.split(','), '--cluster-replicas', '0', '--cluster-yes'],
      20000,
    );
    await until(
      async () => {
        for (const { port } of nodes) {
          const info = String(await command(port, 'CLUSTER', 'INFO').catch(() => ''));
          if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${size}`))
            return false;
        }
        return true;
      },
      20000,
      'cluster_state:ok on every node',
    );
    return { nodes, spec, command, stop };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${logs.join('\n----\n').slice(-4000)}`);
  }
}
