/** The service's configuration, from the environment (API.md "Processes and configuration"). */
export interface AppConfig {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly port: number;
  readonly queuePrefix: string;
  readonly jwtSecret: string;
  readonly logLevel: string;
  /** Largest request body the API reads; larger is a 413. */
  readonly bodyLimit: string;
  /** Events a projection applies per transaction. */
  readonly projectionBatchSize: number;
  /** How often a worker queues a catch-up of its own (it survives a flushed Redis). */
  readonly catchUpIntervalMs: number;
  /** BullMQ: how long a job's lock lasts, and how often stalled jobs (a killed worker's) are taken back. */
  readonly jobLockMs: number;
  readonly stalledCheckMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
export const DEV_JWT_SECRET = 'dev-only-secret-change-me';

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/budget_performance',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    port: Number(env.PORT ?? 3000),
    queuePrefix: env.QUEUE_PREFIX ?? 'bp',
    jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
    logLevel: env.LOG_LEVEL ?? 'log',
    bodyLimit: env.BODY_LIMIT ?? '1mb',
    projectionBatchSize: Number(env.PROJECTION_BATCH_SIZE ?? 5000),
    catchUpIntervalMs: Number(env.CATCH_UP_INTERVAL_MS ?? 5000),
    jobLockMs: Number(env.JOB_LOCK_MS ?? 30000),
    stalledCheckMs: Number(env.STALLED_CHECK_MS ?? 30000),
    ...overrides,
  };
}
