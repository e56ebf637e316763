import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { DeliveryQueue, DELIVERIES_QUEUE, SWEEPS_QUEUE } from './alerts/delivery-queue';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { openDatabase } from './database/data-source';
import { ReadDatabase } from './database/read-database';
import { Database } from './database/sql';
import { PostgresEventStore } from './event-store/event-store';
import { IdempotencyKeys } from './event-store/idempotency-keys';
import { CatchUpNotifier, producerRedis, PROJECTIONS_QUEUE, RedisClient } from './queue/queues';
import { Clock, CLOCK, systemClock } from './shared/clock';

export const REDIS = Symbol('REDIS');
export const PROJECTIONS = Symbol('PROJECTIONS_QUEUE');
export const DELIVERIES = Symbol('DELIVERIES_QUEUE');
export const SWEEPS = Symbol('SWEEPS_QUEUE');

/** Closes the queues, Redis and the pool when the application shuts down. */
class CoreLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly db: Database,
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
    await this.db.close();
  }
}

/** The settings, the clock, PostgreSQL (primary and read pools) and the event store. */
function storageProviders(config: AppConfig, clock: Clock): Provider[] {
  return [
    { provide: APP_CONFIG, useValue: config },
    { provide: CLOCK, useValue: clock },
    { provide: Database, useFactory: () => openDatabase(config.databaseUrl) },
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
  ];
}

/**
 * A producer's queue on the shared connection. BullMQ emits a lost connection (or one closed by a
 * stop right after start, before the queue's first command answered) as 'error': with no
 * listener that is an unhandled error and the process dies of it, so it is logged instead.
 */
const queueOn = (name: string, config: AppConfig) => (redis: RedisClient) => {
  const queue = new Queue(name, { connection: redis, prefix: config.queuePrefix });
  queue.on('error', (e) => new Logger('queues').warn(`${name}: ${e.message}`));
  return queue;
};

/** Redis and the BullMQ queues, and the lifecycle that closes them with the pool. */
function queueProviders(config: AppConfig): Provider[] {
  return [
    { provide: REDIS, useFactory: () => producerRedis(config) },
    { provide: PROJECTIONS, useFactory: queueOn(PROJECTIONS_QUEUE, config), inject: [REDIS] },
    { provide: DELIVERIES, useFactory: queueOn(DELIVERIES_QUEUE, config), inject: [REDIS] },
    { provide: SWEEPS, useFactory: queueOn(SWEEPS_QUEUE, config), inject: [REDIS] },
    {
      provide: CatchUpNotifier,
      useFactory: (q: Queue) => new CatchUpNotifier(q),
      inject: [PROJECTIONS],
    },
    {
      provide: DeliveryQueue,
      useFactory: (q: Queue) => new DeliveryQueue(q, config.deliveryBackoffMs),
      inject: [DELIVERIES],
    },
    {
      provide: CoreLifecycle,
      useFactory: (db: Database, r: RedisClient, p: Queue, d: Queue, w: Queue) =>
        new CoreLifecycle(db, r, [p, d, w]),
      inject: [Database, REDIS, PROJECTIONS, DELIVERIES, SWEEPS],
    },
  ];
}

/**
 * What every slice shares (issue 16, item 5): settings, clock, the pools, the event store and
 * its idempotency keys, Redis and the queues. Global, so a slice module injects them without
 * importing this; an application imports it once, with its settings.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: CoreModule,
      providers: [...storageProviders(config, clock), ...queueProviders(config)],
      exports: [
        APP_CONFIG,
        CLOCK,
        Database,
        ReadDatabase,
        PostgresEventStore,
        IdempotencyKeys,
        REDIS,
        PROJECTIONS,
        DELIVERIES,
        SWEEPS,
        CatchUpNotifier,
        DeliveryQueue,
      ],
    };
  }
}

export const InjectConfig = () => Inject(APP_CONFIG);
