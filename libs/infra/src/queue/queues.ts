import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis, { Redis } from 'ioredis';

export const PROJECTIONS_QUEUE = 'projections';
export const CATCH_UP_JOB = 'catch-up';

/** A Redis connection fit for BullMQ (which needs maxRetriesPerRequest null on workers). */
export function createRedis(url: string): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
  });
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
        { deduplication: { id: CATCH_UP_JOB }, removeOnComplete: true, removeOnFail: 100 },
      )
      .catch((e: Error) =>
        this.logger.warn(`catch-up job not queued (workers will catch up later): ${e.message}`),
      );
  }
}
