import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig, Clock, InfraModule, systemClock } from '@bp/infra';
import { ProjectionsProcessor } from './processors/projections.processor';
import { AlertsProcessor } from './processors/alerts.processor';
import { AuditAnchorProcessor } from './processors/audit-anchor.processor';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CqrsModule.forRoot(), InfraModule.forRoot(config, clock)],
      providers: [ProjectionsProcessor, AlertsProcessor, AuditAnchorProcessor],
    };
  }
}
