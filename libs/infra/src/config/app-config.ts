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
  /** SMTP for e-mailed alerts (smtp://user:pass@host:port); none: alerts are not e-mailed. */
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly webhookTimeoutMs: number;
  /** First retry delay of a failed delivery; it doubles each time (5 attempts). */
  readonly deliveryBackoffMs: number;
  /** Cron patterns of the sweeps, in Asia/Shanghai. */
  readonly earlySweepCron: string;
  readonly checkpointSweepCron: string;
  /** json (one object per line, the default) or text (Nest's coloured lines). */
  readonly logFormat: 'json' | 'text';
  /** When set, GET /metrics wants it as a bearer token. */
  readonly metricsToken?: string;
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
    projectionBatchSize: Number(env.PROJECTION_BATCH_SIZE ?? 10000),
    catchUpIntervalMs: Number(env.CATCH_UP_INTERVAL_MS ?? 5000),
    jobLockMs: Number(env.JOB_LOCK_MS ?? 30000),
    stalledCheckMs: Number(env.STALLED_CHECK_MS ?? 30000),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'budget-performance <noreply@localhost>',
    webhookTimeoutMs: Number(env.WEBHOOK_TIMEOUT_MS ?? 5000),
    deliveryBackoffMs: Number(env.DELIVERY_BACKOFF_MS ?? 2000),
    earlySweepCron: env.SWEEP_EARLY_CRON ?? '0 8 * * *',
    checkpointSweepCron: env.SWEEP_CHECKPOINT_CRON ?? '0 7 1 1,4,7,11 *',
    metricsToken: env.METRICS_TOKEN || undefined,
    logFormat: env.LOG_FORMAT === 'text' ? 'text' : 'json',
    ...overrides,
  };
}
