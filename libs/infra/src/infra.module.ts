import {
  DynamicModule,
  Global,
  Inject,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { createDataSource } from './database/data-source';
import { Database } from './database/sql';
import { ReadDatabase } from './database/read-database';
import { PostgresEventStore } from './event-store/event-store';
import { HealthService } from './health/health.service';
import {
  CreateTargetHandler,
  ReviewTargetHandler,
  ReviseTargetHandler,
  SubmitTargetHandler,
  WithdrawTargetHandler,
} from './performance-target/target.commands';
import { GetTargetHandler, ListTargetsHandler } from './performance-target/target.queries';
import { GetTargetChangesHandler } from './performance-target/target-changes.query';
import { TargetStore } from './performance-target/target-store';
import { CatchUpNotifier, producerRedis, PROJECTIONS_QUEUE, RedisClient } from './queue/queues';
import { GetDepartmentGoalsHandler, ImportDocumentHandler } from './import/import.handlers';
import { ImportService } from './import/import.service';
import { WithdrawImportHandler } from './import/import-withdrawal';
import { IdempotencyKeys } from './event-store/idempotency-keys';
import {
  RecordDisbursementHandler,
  RequestAdjustmentHandler,
  ReverseDisbursementHandler,
} from './disbursement/disbursement.commands';
import { MonitoringTargetsHandler, MonitoringUnitsHandler } from './monitoring/monitoring.queries';
import { ProjectionRunner } from './projections/projection-runner';
import { reactorProjection } from './projections/reactor';
import { DivergenceReactor } from './evaluation/divergence.reactor';
import { executionProjection } from './projections/execution.projection';
import { reviewQueueProjection } from './projections/review-queue.projection';
import { ReviewQueueHandler } from './projections/review-queue.query';
import { SetDepartmentReviewersHandler, SetUnitHandler } from './units/units.commands';
import { SetMonitoringConfigHandler } from './alerts/monitoring-config';
import { AcknowledgeAlertHandler, ListAlertsHandler } from './alerts/alerts.handlers';
import { DeliveryQueue, DELIVERIES_QUEUE, SWEEPS_QUEUE } from './alerts/delivery-queue';
import { SweepService } from './alerts/sweep.service';
import { DeliveryService } from './alerts/delivery.service';
import { AuditService } from './audit/audit.service';
import { AuditKeyRing } from './audit/audit-key';
import { OutboundPolicy } from './alerts/outbound';
import {
  FileSelfEvaluationHandler,
  GetSelfEvaluationHandler,
  ReviewSelfEvaluationHandler,
  SelfEvaluationSheetHandler,
} from './evaluation/self-evaluation.handlers';
import {
  ListRoundsHandler,
  ListSelfEvaluationsHandler,
  RoundTargetsHandler,
  ScoreSelfEvaluationHandler,
  SelfEvaluationFormHandler,
} from './evaluation/evaluation-console.handlers';
import {
  FileReportHandler,
  MonitoringTableHandler,
  OpenRoundHandler,
  ReviewReportHandler,
  RoundStatusHandler,
} from './evaluation/monitoring-rounds.handlers';
import { Clock, CLOCK, systemClock } from './shared/clock';
import { ExecutionSeriesHandler, UnitTargetsHandler } from './performance-target/target.exports';
import { ChangeUserHandler, CreateUserHandler, ListUsersHandler } from './users/users.commands';
import { LoginHandler } from './users/login';
import { DepartmentPublicationHandler } from './publication/publication.query';
import { UserSessions } from './users/user-sessions';

export const REDIS = Symbol('REDIS');
export const PROJECTIONS = Symbol('PROJECTIONS_QUEUE');
export const DELIVERIES = Symbol('DELIVERIES_QUEUE');
export const SWEEPS = Symbol('SWEEPS_QUEUE');

const HANDLERS = [
  CreateTargetHandler,
  ReviseTargetHandler,
  SubmitTargetHandler,
  ReviewTargetHandler,
  WithdrawTargetHandler,
  GetTargetHandler,
  GetTargetChangesHandler,
  ListTargetsHandler,
  ImportDocumentHandler,
  WithdrawImportHandler,
  GetDepartmentGoalsHandler,
  RecordDisbursementHandler,
  ReverseDisbursementHandler,
  RequestAdjustmentHandler,
  MonitoringTargetsHandler,
  MonitoringUnitsHandler,
  ReviewQueueHandler,
  SetUnitHandler,
  SetDepartmentReviewersHandler,
  SetMonitoringConfigHandler,
  ListAlertsHandler,
  AcknowledgeAlertHandler,
  FileSelfEvaluationHandler,
  ReviewSelfEvaluationHandler,
  GetSelfEvaluationHandler,
  SelfEvaluationSheetHandler,
  ScoreSelfEvaluationHandler,
  SelfEvaluationFormHandler,
  ListRoundsHandler,
  ListSelfEvaluationsHandler,
  RoundTargetsHandler,
  OpenRoundHandler,
  FileReportHandler,
  ReviewReportHandler,
  MonitoringTableHandler,
  RoundStatusHandler,
  ExecutionSeriesHandler,
  UnitTargetsHandler,
  CreateUserHandler,
  ChangeUserHandler,
  ListUsersHandler,
  LoginHandler,
  DepartmentPublicationHandler,
];

/** Every projection the worker keeps, in the order a catch-up advances them. */
export const PROJECTIONS_LIST = [executionProjection, reviewQueueProjection];

/** Closes the pools when the application shuts down. */
class InfraLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly ds: DataSource,
    private readonly redis: RedisClient,
    private readonly queues: Queue[],
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') {
      for (const q of this.queues) await q.close().catch(() => undefined);
      await this.redis.quit().catch(() => undefined);
    } else {
      this.redis.disconnect(); // Redis is down: nothing to flush, do not wait for it
    }
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** PostgreSQL, the event store and what reads or writes beside it. */
function storageProviders(config: AppConfig, clock: Clock): Provider[] {
  return [
    { provide: APP_CONFIG, useValue: config },
    { provide: CLOCK, useValue: clock },
    {
      provide: DataSource,
      useFactory: async () => createDataSource(config.databaseUrl).initialize(),
    },
    {
      provide: Database,
      useFactory: (ds: DataSource) => new Database(ds),
      inject: [DataSource],
    },
    {
      // DATABASE_READ_URL's replica, or the primary alone (docs/DESIGN.md, "Read replica")
      provide: ReadDatabase,
      useFactory: (db: Database) => new ReadDatabase(db, config.databaseReadUrl),
      inject: [Database],
    },
    {
      provide: PostgresEventStore,
      useFactory: (db: Database) => new PostgresEventStore(db),
      inject: [Database],
    },
    {
      provide: IdempotencyKeys,
      useFactory: (db: Database) => new IdempotencyKeys(db),
      inject: [Database],
    },
    {
      provide: UserSessions,
      useFactory: (db: Database) => new UserSessions(db),
      inject: [Database],
    },
    {
      provide: AuditService,
      useFactory: (db: Database, reads: ReadDatabase) =>
        new AuditService(db, AuditKeyRing.load(config), reads),
      inject: [Database, ReadDatabase],
    },
    {
      provide: HealthService,
      useFactory: (db: Database, r: RedisClient, reads: ReadDatabase) =>
        new HealthService(db, r, reads),
      inject: [Database, REDIS, ReadDatabase],
    },
  ];
}

/** Redis and the BullMQ queues, and the lifecycle that closes them with the pool. */
function queueProviders(config: AppConfig): Provider[] {
  return [
    { provide: REDIS, useFactory: () => producerRedis(config) },
    {
      provide: PROJECTIONS,
      useFactory: (redis: RedisClient) =>
        new Queue(PROJECTIONS_QUEUE, { connection: redis, prefix: config.queuePrefix }),
      inject: [REDIS],
    },
    {
      provide: CatchUpNotifier,
      useFactory: (q: Queue) => new CatchUpNotifier(q),
      inject: [PROJECTIONS],
    },
    {
      provide: DELIVERIES,
      useFactory: (redis: RedisClient) =>
        new Queue(DELIVERIES_QUEUE, { connection: redis, prefix: config.queuePrefix }),
      inject: [REDIS],
    },
    {
      provide: SWEEPS,
      useFactory: (redis: RedisClient) =>
        new Queue(SWEEPS_QUEUE, { connection: redis, prefix: config.queuePrefix }),
      inject: [REDIS],
    },
    {
      provide: DeliveryQueue,
      useFactory: (q: Queue) => new DeliveryQueue(q, config.deliveryBackoffMs),
      inject: [DELIVERIES],
    },
    {
      provide: InfraLifecycle,
      useFactory: (ds: DataSource, r: RedisClient, p: Queue, d: Queue, w: Queue) =>
        new InfraLifecycle(ds, r, [p, d, w]),
      inject: [DataSource, REDIS, PROJECTIONS, DELIVERIES, SWEEPS],
    },
  ];
}

/** Sweeps, alert deliveries and the outbound policy webhooks go through. */
function alertProviders(config: AppConfig): Provider[] {
  return [
    {
      provide: SweepService,
      useFactory: (db: Database, s: PostgresEventStore, c: Clock, q: DeliveryQueue) =>
        new SweepService(db, s, c, q, !!config.smtpUrl),
      inject: [Database, PostgresEventStore, CLOCK, DeliveryQueue],
    },
    {
      provide: DeliveryService,
      useFactory: (db: Database, s: PostgresEventStore, c: Clock) =>
        new DeliveryService(db, s, c, {
          smtpUrl: config.smtpUrl,
          mailFrom: config.mailFrom,
          webhookTimeoutMs: config.webhookTimeoutMs,
          outboundAllow: config.outboundAllow,
        }),
      inject: [Database, PostgresEventStore, CLOCK],
    },
    {
      provide: OutboundPolicy,
      useFactory: () => new OutboundPolicy(config.outboundAllow),
    },
  ];
}

/** The command side: target store, imports, and the projection runner with its reactors. */
function commandProviders(config: AppConfig): Provider[] {
  return [
    {
      provide: TargetStore,
      useFactory: (db: Database, store: PostgresEventStore, c: Clock, n: CatchUpNotifier) =>
        new TargetStore(db, store, c, n),
      inject: [Database, PostgresEventStore, CLOCK, CatchUpNotifier],
    },
    {
      provide: ImportService,
      useFactory: (db: Database, s: PostgresEventStore, t: TargetStore, n: CatchUpNotifier) =>
        new ImportService(db, s, t, n),
      inject: [Database, PostgresEventStore, TargetStore, CatchUpNotifier],
    },
    {
      provide: ProjectionRunner,
      // reactors run beside the projections: same checkpointed read, same worker jobs
      useFactory: (db: Database, s: PostgresEventStore, sweeps: SweepService) =>
        new ProjectionRunner(
          db,
          s,
          [...PROJECTIONS_LIST, reactorProjection(new DivergenceReactor(db, s, sweeps))],
          config.projectionBatchSize,
        ),
      inject: [Database, PostgresEventStore, SweepService],
    },
  ];
}

/** PostgreSQL, Redis, the event store and the command/query handlers, for API and worker. */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        ...storageProviders(config, clock),
        ...queueProviders(config),
        ...alertProviders(config),
        ...commandProviders(config),
        ...HANDLERS,
      ],
      exports: [
        UserSessions,
        APP_CONFIG,
        CLOCK,
        DataSource,
        Database,
        ReadDatabase,
        PostgresEventStore,
        REDIS,
        PROJECTIONS,
        CatchUpNotifier,
        TargetStore,
        HealthService,
        ImportService,
        ProjectionRunner,
        DELIVERIES,
        SWEEPS,
        DeliveryQueue,
        SweepService,
        DeliveryService,
        AuditService,
      ],
    };
  }
}

export const InjectConfig = () => Inject(APP_CONFIG);
