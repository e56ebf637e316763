import { homedir } from 'os';
import { join } from 'path';

/** The service's configuration, from the environment (API.md "Processes and configuration"). */
export interface AppConfig {
  readonly databaseUrl: string;
  /**
   * A PostgreSQL streaming replica of DATABASE_URL (DATABASE_READ_URL): audit pages and downloads,
   * monitoring reads and exports go there (database/read-database.ts); unset: to the primary.
   */
  readonly databaseReadUrl?: string;
  /** How long a read naming a position waits for the replica once the primary has it (REPLICA_WAIT_MS). */
  readonly replicaWaitMs: number;
  readonly redisUrl: string;
  /**
   * Redis Cluster seed nodes (REDIS_CLUSTER_NODES=host:port,host:port,…). When set, the queues run
   * on that cluster (REDIS_URL is not used) and the queue prefix carries a hash tag (`{bp}`).
   */
  readonly redisClusterNodes?: readonly RedisNode[];
  readonly port: number;
  readonly queuePrefix: string;
  /**
   * HS256 secret of the bearer tokens (JWT_SECRET). Unset: the secret generated at first start
   * and kept in the database (config/token-secret.ts); there is no default in the code.
   */
  readonly jwtSecret?: string;
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
  /** When set, GET /metrics wants it as a bearer token; unset, only loopback callers get it. */
  readonly metricsToken?: string;
  /** NODE_ENV=production: the API refuses to start without METRICS_TOKEN. */
  readonly production: boolean;
  /**
   * Express's `trust proxy` (TRUST_PROXY): off by default, so `req.ip` is the socket's peer and
   * an X-Forwarded-For header cannot choose the address the sign-in throttle counts.
   */
  readonly trustProxy: boolean | number | string;
  /**
   * The audit key ring that signs the chain's anchors (AUDIT_KEY: secrets, comma-separated, the
   * last one signs); unset: read from `auditKeyFile`, which is generated at first start.
   */
  readonly auditKey?: string;
  readonly auditKeyFile: string;
  /** How often a worker verifies the whole chain and signs the heads that moved; 0: never. */
  readonly auditAnchorIntervalMs: number;
  /** Hosts and CIDR ranges webhooks may reach although loopback or private (OUTBOUND_ALLOW). */
  readonly outboundAllow: readonly string[];
}

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Where the service listens and what it connects to. */
function serverSettings(env: NodeJS.ProcessEnv) {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/budget_performance',
    databaseReadUrl: env.DATABASE_READ_URL || undefined,
    replicaWaitMs: Number(env.REPLICA_WAIT_MS ?? 1000),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisClusterNodes: parseRedisNodes(env.REDIS_CLUSTER_NODES),
    port: Number(env.PORT ?? 3000),
    queuePrefix: env.QUEUE_PREFIX ?? 'bp',
    jwtSecret: env.JWT_SECRET || undefined,
    logLevel: env.LOG_LEVEL ?? 'log',
    bodyLimit: env.BODY_LIMIT ?? '1mb',
    metricsToken: env.METRICS_TOKEN || undefined,
    production: env.NODE_ENV === 'production',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logFormat: env.LOG_FORMAT === 'text' ? ('text' as const) : ('json' as const),
  };
}

/** The worker's pace: projection batches, job locks, sweep schedules, audit anchoring. */
function workerSettings(env: NodeJS.ProcessEnv) {
  return {
    projectionBatchSize: Number(env.PROJECTION_BATCH_SIZE ?? 10000),
    catchUpIntervalMs: Number(env.CATCH_UP_INTERVAL_MS ?? 5000),
    jobLockMs: Number(env.JOB_LOCK_MS ?? 30000),
    stalledCheckMs: Number(env.STALLED_CHECK_MS ?? 30000),
    earlySweepCron: env.SWEEP_EARLY_CRON ?? '0 8 * * *',
    checkpointSweepCron: env.SWEEP_CHECKPOINT_CRON ?? '0 7 1 1,4,7,11 *',
    auditAnchorIntervalMs: Number(env.AUDIT_ANCHOR_INTERVAL_MS ?? 3_600_000),
  };
}

/** What leaves the service: mail, webhooks, and the audit key that signs anchors. */
function outboundSettings(env: NodeJS.ProcessEnv) {
  return {
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'budget-performance <noreply@localhost>',
    webhookTimeoutMs: Number(env.WEBHOOK_TIMEOUT_MS ?? 5000),
    deliveryBackoffMs: Number(env.DELIVERY_BACKOFF_MS ?? 2000),
    auditKey: env.AUDIT_KEY || undefined,
    auditKeyFile:
      env.AUDIT_KEY_FILE || join(homedir(), '.config', 'budget-performance', 'audit-key'),
    outboundAllow: (env.OUTBOUND_ALLOW ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const config: AppConfig = {
    ...serverSettings(env),
    ...workerSettings(env),
    ...outboundSettings(env),
    ...overrides,
  };
  return config.redisClusterNodes?.length
    ? { ...config, queuePrefix: clusterQueuePrefix(config.queuePrefix) }
    : config;
}

/** TRUST_PROXY as Express takes it: `true`, a hop count, or addresses / `loopback` etc.; unset: off. */
export function parseTrustProxy(spec: string | undefined): boolean | number | string {
  const v = (spec ?? '').trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return /^\d+$/.test(v) ? Number(v) : v;
}

/** REDIS_CLUSTER_NODES (`host:port,host:port,…`) as nodes; undefined when unset or blank. */
export function parseRedisNodes(spec: string | undefined): RedisNode[] | undefined {
  const items = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return undefined;
  return items.map((item) => {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(item);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535)
      throw new Error(
        `REDIS_CLUSTER_NODES: "${item}" is not host:port (e.g. REDIS_CLUSTER_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003)`,
      );
    return { host: m[1], port };
  });
}

/**
 * Whether every key under the prefix hashes to one Redis Cluster slot: Redis hashes only what is
 * between the key's first `{` and the first `}` after it, when that is not empty.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}

/**
 * BullMQ's scripts touch several keys of a queue at once, which a Redis Cluster allows only
 * within one slot: a prefix without a hash tag is wrapped in one (`bp` → `{bp}`).
 */
export function clusterQueuePrefix(prefix: string): string {
  if (prefix === '') throw new Error('QUEUE_PREFIX must not be empty on a Redis Cluster');
  return hasHashTag(prefix) ? prefix : `{${prefix}}`;
}
