import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';

export const DELIVERIES_QUEUE = 'deliveries';
export const DELIVER_JOB = 'deliver';
export const SWEEPS_QUEUE = 'sweeps';
export const SWEEP_JOB = 'sweep';
export const REQUEUE_JOB = 'requeue-pending';

/**
 * Queues deliveries by their id, so a delivery has one job at a time however often it is
 * queued; PostgreSQL keeps whether it is pending, and a periodic requeue covers a lost Redis.
 */
export class DeliveryQueue {
  private readonly logger = new Logger(DeliveryQueue.name);
  constructor(
    private readonly queue: Queue,
    private readonly backoffMs: number,
  ) {}

  async enqueue(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    const jobs = deliveryIds.map((id) => ({
      name: DELIVER_JOB,
      data: { deliveryId: id },
      opts: {
        jobId: id,
        attempts: 5,
        backoff: { type: 'exponential', delay: this.backoffMs },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    }));
    await this.queue
      .addBulk(jobs)
      .catch((e: Error) =>
        this.logger.warn(`deliveries not queued (the requeue will): ${e.message}`),
      );
  }
}
