import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@bp/domain';
import {
  APP_CONFIG,
  AppConfig,
  CATCH_UP_JOB,
  CatchUpNotifier,
  createRedis,
  ProjectionRunner,
  PROJECTIONS_QUEUE,
  REBUILD_JOB,
  RedisClient,
} from '@bp/infra';
import { Job, UnrecoverableError, Worker } from 'bullmq';

const RETRY_MS = 50;

/**
 * Keeps the projections: a catch-up job (queued by the API after each commit, deduplicated)
 * applies what is new; a rebuild job rebuilds one projection with its progress on the job.
 * The worker also queues a catch-up at start and every few seconds, so a lost job or a flushed
 * Redis delays the read models a little and loses nothing.
 */
export class ProjectionsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionsProcessor.name);
  private worker?: Worker;
  private connection?: RedisClient;
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private retryMs = RETRY_MS;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: ProjectionRunner,
    private readonly notifier: CatchUpNotifier,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = createRedis(this.config);
    this.worker = new Worker(PROJECTIONS_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: 2,
      lockDuration: this.config.jobLockMs,
      stalledInterval: this.config.stalledCheckMs,
    });
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`job ${job?.name} ${job?.id} failed: ${err.message}`),
    );
    // a lost connection comes as 'error' (see AlertsProcessor): logged, not an unhandled error
    this.worker.on('error', (err) => this.logger.warn(`${PROJECTIONS_QUEUE}: ${err.message}`));
    this.notifier.notify();
    this.timer = setInterval(() => this.notifier.notify(), this.config.catchUpIntervalMs);
  }

  async process(job: Job): Promise<unknown> {
    try {
      if (job.name === CATCH_UP_JOB) return await this.catchUp();
      if (job.name === REBUILD_JOB) {
        const { name } = job.data as { name: string };
        return await this.runner.rebuild(name, (p) => job.updateProgress(p));
      }
      throw new UnrecoverableError(`unknown job ${job.name}`);
    } catch (e) {
      // a refused command will be refused again: do not retry it; a broken connection may heal
      if (e instanceof DomainError) throw new UnrecoverableError(`${e.code}: ${e.message}`);
      throw e;
    }
  }

  /**
   * Applies what is new. Events a catch-up could not take yet (an older transaction was still
   * open) are looked at again soon rather than at the next interval, since the API wakes the
   * workers once per commit window and not again for them: after 50 ms, doubling up to the
   * interval while nothing could be applied.
   */
  private async catchUp(): Promise<Record<string, number | null>> {
    const out = await this.runner.catchUpAll();
    clearTimeout(this.retry);
    const progressed = Object.values(out).some((n) => (n ?? 0) > 0);
    this.retryMs = progressed
      ? RETRY_MS
      : Math.min(this.retryMs * 2, this.config.catchUpIntervalMs);
    if (await this.runner.behind())
      this.retry = setTimeout(() => this.notifier.notify(), this.retryMs);
    return out;
  }

  /** Stops queuing, lets the job in hand finish, then closes the connection. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.retry);
    await this.worker?.close();
    await this.connection?.quit().catch(() => undefined);
  }
}
