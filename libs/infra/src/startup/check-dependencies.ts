import IORedis, { Cluster } from 'ioredis';
import { Client } from 'pg';
import { AppConfig, RedisNode } from '../config/app-config';
import { migrate } from '../database/data-source';

const HOW_TO_START_PG =
  'start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or docker compose -f docker/compose.yml up -d postgres), or set DATABASE_URL';
const HOW_TO_START_REDIS =
  'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (or docker compose -f docker/compose.yml up -d redis), or set REDIS_URL';
const HOW_TO_START_CLUSTER =
  'start its nodes (redis-server --cluster-enabled yes …) and create it (redis-cli --cluster create host:port … --cluster-yes), or fix REDIS_CLUSTER_NODES (docs/RUNBOOK.md "Redis Cluster")';

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
  } catch {
    return url;
  }
}

/** Exits the process with one clear line when a dependency is missing. */
function die(line: string): never {
  console.error(line);
  process.exit(1);
}

async function checkPostgres(url: string): Promise<void> {
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new Client({ connectionString: server.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: number }>(
      `SELECT current_setting('server_version_num')::int AS v`,
    );
    if (rows[0].v < 140000)
      die(
        `PostgreSQL at ${hostOf(url)} is older than 14; budget-performance needs PostgreSQL 14 or newer.`,
      );
  } catch (e) {
    die(
      `PostgreSQL is not reachable at ${hostOf(url)} (${(e as Error).message}); ${HOW_TO_START_PG}.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(url: string): Promise<void> {
  const redis = new IORedis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    die(
      `Redis is not reachable at ${hostOf(url)} (${(e as Error).message}); ${HOW_TO_START_REDIS}.`,
    );
  } finally {
    redis.disconnect();
  }
}

/** `CLUSTER INFO`'s cluster_state on the first node that answers, asked directly. */
async function clusterState(nodes: readonly RedisNode[]): Promise<string> {
  let last: Error = new Error('no node given');
  for (const { host, port } of nodes) {
    const redis = new IORedis({
      host,
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 3000,
    });
    let refused: Error | undefined; // the socket's own error says more than "Connection is closed"
    redis.on('error', (e: Error) => (refused = e));
    try {
      await redis.connect();
      const info = String(await redis.call('CLUSTER', 'INFO'));
      return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
    } catch (e) {
      last = refused ?? (e as Error); // not reachable, or not a cluster node: try the next one
    } finally {
      redis.disconnect();
    }
  }
  throw last;
}

/**
 * A Redis Cluster: a seed node answers and reports that every slot is served
 * (cluster_state:ok), and the cluster client reaches it the way the processes will.
 */
async function checkRedisCluster(nodes: readonly RedisNode[]): Promise<void> {
  const where = nodes.map((n) => `${n.host}:${n.port}`).join(',');
  const cluster = new Cluster(
    nodes.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
      redisOptions: { maxRetriesPerRequest: 0, connectTimeout: 3000 },
    },
  );
  cluster.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const state = await clusterState(nodes);
    if (state !== 'ok') throw new Error(`cluster_state:${state}`);
    await Promise.race([
      cluster.connect().then(() => cluster.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      }),
    ]);
  } catch (e) {
    die(
      `Redis Cluster is not ready at ${where} (${(e as Error).message}); ${HOW_TO_START_CLUSTER}.`,
    );
  } finally {
    clearTimeout(timer);
    cluster.disconnect();
  }
}

/**
 * DATABASE_READ_URL: a warning, never a stop, since its reads go to the primary while the replica
 * does not answer (database/read-database.ts). Also says so when it is not a standby at all.
 */
async function checkReplica(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean }>(
      'SELECT pg_is_in_recovery() AS standby',
    );
    if (!rows[0].standby)
      console.warn(
        `DATABASE_READ_URL (${hostOf(url)}) is not a standby: its reads work but take nothing off the primary.`,
      );
  } catch (e) {
    console.warn(
      `The read replica is not reachable at ${hostOf(url)} (${(e as Error).message}); audit, monitoring and export reads go to the primary until it answers (docs/RUNBOOK.md "Read replica").`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Before a process starts: PostgreSQL and Redis answer, and (optionally) the database exists
 * and is migrated. Otherwise one line says which is missing and how to start it.
 */
export async function checkDependencies(
  config: AppConfig,
  opts: { migrate: boolean },
): Promise<void> {
  await checkPostgres(config.databaseUrl);
  if (config.redisClusterNodes?.length) await checkRedisCluster(config.redisClusterNodes);
  else await checkRedis(config.redisUrl);
  if (opts.migrate) {
    const applied = await migrate(config.databaseUrl);
    if (applied.length > 0) console.log(`migrations applied: ${applied.join(', ')}`);
  }
  if (config.databaseReadUrl) await checkReplica(config.databaseReadUrl);
}
