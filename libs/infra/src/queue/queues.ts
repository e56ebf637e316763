import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis, { Cluster, Redis } from 'ioredis';
import { randomUUID } from 'crypto';
import { AppConfig } from '../config/app-config';

export const PROJECTIONS_QUEUE = 'projections';
export const CATCH_UP_JOB = 'catch-up';
export const REBUILD_JOB = 'rebuild';

/** A connection for BullMQ: one Redis server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisClient = Redis | Cluster;

/** Where the queues are: REDIS_CLUSTER_NODES, when set, wins over REDIS_URL. */
export type RedisSettings = Pick<AppConfig, 'redisUrl' | 'redisClusterNodes'>;

/**
 * A Redis connection for BullMQ. Workers wait for Redis to come back (maxRetriesPerRequest
 * null, as BullMQ requires); producers in the API fail fast instead, so a request never hangs
 * on a Redis that is down (PostgreSQL has the facts; workers catch up later). With cluster
 * nodes configured, the same two behaviours on an ioredis Cluster (the queue prefix is then
 * hash-tagged by loadConfig, so each queue's keys share one slot).
 */
export function createRedis(
  settings: RedisSettings,
  use: 'worker' | 'producer' = 'worker',
): RedisClient {
  const nodes = settings.redisClusterNodes;
  const redis = nodes?.length
    ? createCluster(
        nodes.map(({ host, port }) => ({ host, port })),
        use,
      )
    : use === 'worker'
      ? new IORedis(settings.redisUrl, { maxRetriesPerRequest: null })
      : new IORedis(settings.redisUrl, {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
        });
  redis.on('error', () => undefined); // reconnects by itself; health and jobs report the outage
  return redis;
}

function createCluster(nodes: { host: string; port: number }[], use: 'worker' | 'producer') {
  return use === 'worker'
    ? new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } })
    : // the cluster-wide offline queue is off (commands fail while the cluster is not ready); each
      // node's own stays on, as ioredis connects to nodes lazily on their first command
      new Cluster(nodes, {
        enableOfflineQueue: false,
        redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000 },
      });
}

/**
 * A producer's connection, ready for the Queues opened on it. A single server is answered at
 * once, as before. A cluster is awaited until ready (at most `timeoutMs`, then it goes on
 * reconnecting by itself), and never answered in its short "connect" state: BullMQ takes a
 * cluster in that state for ready, and a Queue whose first commands fail there (no offline
 * queue) would stay broken.
 */
export async function producerRedis(
  settings: RedisSettings,
  timeoutMs = 5000,
): Promise<RedisClient> {
  const redis = createRedis(settings, 'producer');
  if (!(redis instanceof Cluster)) return redis;
  const end = Date.now() + timeoutMs;
  const waiting = () =>
    redis.status !== 'ready' &&
    redis.status !== 'end' &&
    (Date.now() < end || (redis.status === 'connect' && Date.now() < end + timeoutMs));
  while (waiting()) await new Promise((r) => setTimeout(r, 20));
  return redis;
}

/** How often, at most, a process wakes the workers: commits within the window share one wake-up. */
export const CATCH_UP_WINDOW_MS = 100;

/**
 * Wakes the workers after a commit. Redis only wakes them: losing this job loses nothing,
 * since workers catch up from their checkpoint in PostgreSQL at start and periodically.
 */
export class CatchUpNotifier {
  private readonly logger = new Logger(CatchUpNotifier.name);
  private busy = false;
  private again = false;
  constructor(
    private readonly queue: Queue,
    private readonly windowMs = CATCH_UP_WINDOW_MS,
  ) {}

  /**
   * After a commit. The first commit after a quiet spell wakes the workers at once; commits
   * arriving while that job is being queued or within `windowMs` after it share one more job,
   * queued when the window ends. So under load the workers catch up in batches of a window's
   * commits (a few catch-ups a second, not one per commit), Redis sees one add per window, and
   * every commit is still followed by a catch-up queued after it.
   */
  notify(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.queue
      .add(
        CATCH_UP_JOB,
        {},
        // one waiting at most, and one more queued behind a running one: every commit is followed
        // by a catch-up that starts after it
        {
          deduplication: { id: CATCH_UP_JOB, keepLastIfActive: true },
          removeOnComplete: true,
          removeOnFail: 100,
        },
      )
      .catch((e: Error) =>
        this.logger.warn(`catch-up job not queued (workers will catch up later): ${e.message}`),
      )
      .finally(() => setTimeout(() => this.windowEnded(), this.windowMs).unref());
  }

  /** The window after an add is over: queue the one more job its commits asked for, if any. */
  private windowEnded(): void {
    this.busy = false;
    if (!this.again) return;
    this.again = false;
    this.notify();
  }
}

/** Queues the rebuild of one projection; its progress and result are on the job. */
export async function queueRebuild(queue: Queue, name: string): Promise<string> {
  const job = await queue.add(
    REBUILD_JOB,
    { name },
    {
      jobId: `rebuild-${name}-${randomUUID()}`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
  return job.id as string;
}
