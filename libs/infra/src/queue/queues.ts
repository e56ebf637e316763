import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis, { Redis } from 'ioredis';
import { randomUUID } from 'crypto';

export const PROJECTIONS_QUEUE = 'projections';
export const CATCH_UP_JOB = 'catch-up';
export const REBUILD_JOB = 'rebuild';

/**
 * A Redis connection for BullMQ. Workers wait for Redis to come back (maxRetriesPerRequest
 * null, as BullMQ requires); producers in the API fail fast instead, so a request never hangs
 * on a Redis that is down (PostgreSQL has the facts; workers catch up later).
 */
export function createRedis(url: string, use: 'worker' | 'producer' = 'worker'): Redis {
  const redis =
    use === 'worker'
      ? new IORedis(url, { maxRetriesPerRequest: null })
      : new IORedis(url, {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
        });
  redis.on('error', () => undefined); // reconnects by itself; health and jobs report the outage
  return redis;
}

/**
 * Wakes the workers after a commit. Redis only wakes them: losing this job loses nothing,
 * since workers catch up from their checkpoint in PostgreSQL at start and periodically.
 */
export class CatchUpNotifier {
  private readonly logger = new Logger(CatchUpNotifier.name);
  constructor(private readonly queue: Queue) {}

  notify(): void {
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
      );
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
