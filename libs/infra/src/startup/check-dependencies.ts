import IORedis from 'ioredis';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { migrate } from '../database/data-source';

const HOW_TO_START_PG =
  'start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or docker compose -f docker/compose.yml up -d postgres), or set DATABASE_URL';
const HOW_TO_START_REDIS =
  'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (or docker compose -f docker/compose.yml up -d redis), or set REDIS_URL';

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

/**
 * Before a process starts: PostgreSQL and Redis answer, and (optionally) the database exists
 * and is migrated. Otherwise one line says which is missing and how to start it.
 */
export async function checkDependencies(
  config: AppConfig,
  opts: { migrate: boolean },
): Promise<void> {
  await checkPostgres(config.databaseUrl);
  await checkRedis(config.redisUrl);
  if (opts.migrate) {
    const applied = await migrate(config.databaseUrl);
    if (applied.length > 0) console.log(`migrations applied: ${applied.join(', ')}`);
  }
}
