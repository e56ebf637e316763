import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Role } from '@bp/domain';
import { AppConfig, Clock, loadConfig } from '@bp/infra';
import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Cluster, Redis } from 'ioredis';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createTestDatabase, TestDatabase, testQueuePrefix } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-of-the-e2e-suite';
/** The suites sign audit anchors with this key rather than make a key file in the home folder. */
export const TEST_AUDIT_KEY = 'test-audit-key-of-the-e2e-suite';
const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  readonly app: INestApplication;
  readonly http: ReturnType<INestApplication['getHttpServer']>;
  readonly config: AppConfig;
  readonly db: TestDatabase;
  readonly worker?: INestApplicationContext;
  token(claims: TokenClaims, options?: { secret?: string; expiresIn?: number }): string;
  /** Runs SQL on the suite's database directly, as a check from outside the service. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** How many events the store holds: "nothing was written" checks compare it. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

export interface TokenClaims {
  readonly sub: string;
  readonly name?: string;
  readonly roles: Role[];
  readonly unit?: string;
  readonly department?: string;
}

/** The API on a fresh database and queue prefix of its own, ready for supertest. */
export async function createTestApp(
  label: string,
  overrides: Partial<AppConfig> = {},
  options: {
    withWorker?: boolean;
    databaseServer?: string;
    clock?: Clock;
    /** DATABASE_READ_URL for the suite's database (the replica suite's). */
    readUrl?: (databaseUrl: string) => string;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(label, options.databaseServer);
  const config = loadConfig(process.env, {
    databaseUrl: db.url,
    databaseReadUrl: options.readUrl?.(db.url),
    redisUrl: TEST_REDIS_URL,
    queuePrefix: testQueuePrefix(label),
    jwtSecret: TEST_JWT_SECRET,
    logLevel: 'silent',
    auditKey: TEST_AUDIT_KEY,
    auditAnchorIntervalMs: 0, // a suite about anchors sets its own
    ...overrides,
  });
  const app = await createApiApp(config, options.clock);
  await app.init();
  const worker = options.withWorker ? await createWorker(config, options.clock) : undefined;
  const jwt = new JwtService({ secret: TEST_JWT_SECRET });
  return {
    app,
    http: app.getHttpServer(),
    config,
    db,
    worker,
    sql: (text, params) => querySql(db.url, text, params),
    eventCount: async () =>
      Number((await querySql<{ n: string }>(db.url, 'SELECT count(*) AS n FROM events'))[0].n),
    token: (claims, options = {}) =>
      jwt.sign(
        { name: `用户${claims.sub}`, ...claims },
        { secret: options.secret ?? TEST_JWT_SECRET, expiresIn: options.expiresIn ?? 3600 },
      ),
    async close() {
      await worker?.close();
      await app.close();
      await cleanQueues({ ...config, redisUrl: TEST_REDIS_URL });
      await db.drop();
    },
  };
}

/** Removes the suite's BullMQ keys so nothing is left in Redis (on every master of a cluster). */
export async function cleanQueues(
  config: Pick<AppConfig, 'redisUrl' | 'redisClusterNodes' | 'queuePrefix'>,
): Promise<void> {
  if (config.redisClusterNodes?.length) return cleanClusterQueues(config);
  const redis = new Redis(config.redisUrl);
  try {
    const keys = await redis.keys(`${config.queuePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** KEYS answers for one node only: each master is asked for the keys it holds. */
async function cleanClusterQueues(
  config: Pick<AppConfig, 'redisClusterNodes' | 'queuePrefix'>,
): Promise<void> {
  const cluster = new Cluster((config.redisClusterNodes ?? []).map((n) => ({ ...n })));
  cluster.on('error', () => undefined);
  try {
    await cluster.ping(); // queued until the cluster is ready
    const pattern = `${config.queuePrefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
    for (const node of cluster.nodes('master')) {
      const keys = await node.keys(pattern);
      await Promise.all(keys.map((key) => node.unlink(key)));
    }
  } finally {
    cluster.disconnect();
  }
}

async function querySql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
