import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AlertKind, checkpointSweepDue, DomainError } from '@bp/domain';
import {
  APP_CONFIG,
  AppConfig,
  CLOCK,
  Clock,
  createRedis,
  Database,
  DELIVER_JOB,
  DELIVERIES_QUEUE,
  DeliveryQueue,
  DeliveryService,
  RedisClient,
  SWEEP_JOB,
  SweepService,
  SWEEPS,
  SWEEPS_QUEUE,
  hourInShanghai,
  todayInShanghai,
} from '@bp/infra';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';

const TZ = 'Asia/Shanghai';

/** The day before a business date (a checkpoint sweep on 1 Jul is as of 30 Jun). */
function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Sweeps and deliveries. The sweeps are BullMQ job schedulers in Asia/Shanghai, registered
 * idempotently by every worker (several workers do not multiply them): a daily early warning as
 * of today and a checkpoint review the day after each checkpoint. Deliveries are jobs by delivery
 * id with retries and backoff; pending ones are queued again periodically, so a lost Redis
 * delays an alert and loses none.
 */
export class AlertsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertsProcessor.name);
  private readonly workers: Worker[] = [];
  private connection?: RedisClient;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SWEEPS) private readonly sweeps: Queue,
    private readonly sweepService: SweepService,
    private readonly deliveryService: DeliveryService,
    private readonly deliveries: DeliveryQueue,
    private readonly db: Database,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.connection = createRedis(this.config);
    const opts = {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      lockDuration: this.config.jobLockMs,
      stalledInterval: this.config.stalledCheckMs,
    };
    this.workers.push(
      new Worker(SWEEPS_QUEUE, (job) => this.sweep(job), { ...opts, concurrency: 1 }),
    );
    this.workers.push(
      new Worker(DELIVERIES_QUEUE, (job) => this.deliver(job), { ...opts, concurrency: 8 }),
    );
    this.workers.forEach((w) => {
      w.on('failed', (job, err) =>
        this.logger.warn(`${job?.name} ${job?.id} failed: ${err.message}`),
      );
      // BullMQ emits a lost connection (or one closed by a stop right after start) as 'error':
      // without a listener that is an unhandled error, and the worker process dies of it
      w.on('error', (err) => this.logger.warn(`${w.name}: ${err.message}`));
    });
    await this.schedule().catch((e: Error) =>
      this.logger.warn(`sweeps not scheduled yet: ${e.message}`),
    );
    this.timer = setInterval(() => void this.tick(), this.config.catchUpIntervalMs);
  }

  private async schedule(): Promise<void> {
    await this.sweeps.upsertJobScheduler(
      'sweep-early-daily',
      { pattern: this.config.earlySweepCron, tz: TZ },
      { name: SWEEP_JOB, data: { kind: 'early' } },
    );
    await this.sweeps.upsertJobScheduler(
      'sweep-checkpoint',
      { pattern: this.config.checkpointSweepCron, tz: TZ },
      { name: SWEEP_JOB, data: { kind: 'checkpoint' } },
    );
  }

  /**
   * Re-queues pending deliveries, re-registers the schedulers and runs a checkpoint sweep that
   * never ran (all idempotent): Redis only carries the work, PostgreSQL says what is owed.
   */
  private async tick(): Promise<void> {
    try {
      const { rows } = await this.db.query<{ id: string }>(
        `SELECT id FROM alert_deliveries WHERE status = 'pending' ORDER BY id LIMIT 5000`,
      );
      await this.deliveries.enqueue(rows.map((r) => r.id));
      await this.schedule();
      await this.sweepMissedCheckpoint();
    } catch (e) {
      this.logger.warn(`periodic requeue failed: ${(e as Error).message}`);
    }
  }

  /**
   * A checkpoint whose scheduled sweep is overdue (from 08:00 the day after, for a week) and
   * has no recorded checkpoint sweep gets one: its job was lost with Redis, or Redis was down
   * that morning. One job id per date, so workers do not queue it twice; a sweep run twice
   * raises nothing twice anyway.
   */
  private async sweepMissedCheckpoint(): Promise<void> {
    const due = checkpointSweepDue(todayInShanghai(this.clock), hourInShanghai(this.clock));
    if (!due) return;
    const { rows } = await this.db.query(
      `SELECT 1 FROM sweep_runs WHERE kind = 'checkpoint' AND as_of = $1 LIMIT 1`,
      [due],
    );
    if (rows.length > 0) return;
    await this.sweeps.add(
      SWEEP_JOB,
      { kind: 'checkpoint', asOf: due },
      {
        jobId: `sweep-checkpoint-missed-${due}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 5000 },
        removeOnComplete: true,
        removeOnFail: 100,
      },
    );
    this.logger.warn(`checkpoint sweep as of ${due} had not run: queued it`);
  }

  async sweep(job: Job): Promise<unknown> {
    const { kind, asOf } = job.data as { kind: AlertKind; asOf?: string };
    const today = todayInShanghai(this.clock);
    const date = asOf ?? (kind === 'checkpoint' ? dayBefore(today) : today);
    try {
      return await this.sweepService.sweep(kind, date, `sweep-job-${job.id}`);
    } catch (e) {
      if (e instanceof DomainError) throw new UnrecoverableError(`${e.code}: ${e.message}`);
      throw e;
    }
  }

  async deliver(job: Job): Promise<unknown> {
    if (job.name !== DELIVER_JOB) throw new UnrecoverableError(`unknown job ${job.name}`);
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.deliveryService.deliver((job.data as { deliveryId: string }).deliveryId, final);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.workers.map((w) => w.close()));
    await this.connection?.quit().catch(() => undefined);
  }
}
