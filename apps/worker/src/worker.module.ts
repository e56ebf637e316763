import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  AuditModule,
  Clock,
  CoreModule,
  ProjectionsModule,
  SweepsModule,
  systemClock,
} from '@bp/infra';
import { ProjectionsProcessor } from './processors/projections.processor';
import { AlertsProcessor } from './processors/alerts.processor';
import { AuditAnchorProcessor } from './processors/audit-anchor.processor';
import { EventPartitionsProcessor } from './processors/event-partitions.processor';

/**
 * The worker imports only the slices it runs (issue 16, item 5): the projections and reactors,
 * the sweeps and deliveries, the audit anchors. No command or query handler, so no CQRS bus.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config, clock), ProjectionsModule, SweepsModule, AuditModule],
      providers: [
        ProjectionsProcessor,
        AlertsProcessor,
        AuditAnchorProcessor,
        EventPartitionsProcessor,
      ],
    };
  }
}
