import { Inject, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  APP_CONFIG,
  AppConfig,
  CATCH_UP_JOB,
  createRedis,
  PostgresEventStore,
  PROJECTIONS_QUEUE,
} from '@bp/infra';

/**
 * Consumes the deduplicated catch-up jobs the API queues after each commit. Projections that
 * read the events after their checkpoint come with the execution-monitoring issue; until then
 * a catch-up reports how far the event store has come.
 */
export class ProjectionsProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionsProcessor.name);
  private worker?: Worker;
  private connection?: Redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: PostgresEventStore,
  ) {}

  onModuleInit(): void {
    this.connection = createRedis(this.config.redisUrl);
    this.worker = new Worker(PROJECTIONS_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: 1,
    });
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`job ${job?.id} failed: ${err.message}`),
    );
  }

  async process(job: Job): Promise<{ head: string }> {
    if (job.name !== CATCH_UP_JOB) throw new Error(`unknown job ${job.name}`);
    const head = await this.store.headPosition();
    return { head: head.toString() };
  }

  /** Waits for the job in hand to finish, then stops taking new ones. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => undefined);
  }
}
