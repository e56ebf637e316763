import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { Clock, CLOCK } from '../shared/clock';
import { DeliveryQueue } from './delivery-queue';
import { DeliveryService } from './delivery.service';
import { OutboundPolicy } from './outbound';
import { SweepService } from './sweep.service';

/**
 * 预警 raised and delivered: the sweeps (early warning, checkpoint review, divergence), the
 * deliveries by mail or webhook, and the outbound policy webhooks go through. The worker runs
 * them; the API queues sweeps, sends a unit head's test message and checks webhook addresses.
 */
@Module({
  providers: [
    {
      provide: SweepService,
      useFactory: (
        cfg: AppConfig,
        db: Database,
        s: PostgresEventStore,
        c: Clock,
        q: DeliveryQueue,
      ) => new SweepService(db, s, c, q, !!cfg.smtpUrl),
      inject: [APP_CONFIG, Database, PostgresEventStore, CLOCK, DeliveryQueue],
    },
    {
      provide: DeliveryService,
      useFactory: (cfg: AppConfig, db: Database, s: PostgresEventStore, c: Clock) =>
        new DeliveryService(db, s, c, {
          smtpUrl: cfg.smtpUrl,
          mailFrom: cfg.mailFrom,
          webhookTimeoutMs: cfg.webhookTimeoutMs,
          outboundAllow: cfg.outboundAllow,
        }),
      inject: [APP_CONFIG, Database, PostgresEventStore, CLOCK],
    },
    {
      provide: OutboundPolicy,
      useFactory: (cfg: AppConfig) => new OutboundPolicy(cfg.outboundAllow),
      inject: [APP_CONFIG],
    },
  ],
  exports: [SweepService, DeliveryService, OutboundPolicy],
})
export class SweepsModule {}
