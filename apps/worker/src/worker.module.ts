import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig, InfraModule } from '@bp/infra';
import { ProjectionsProcessor } from './processors/projections.processor';
import { AlertsProcessor } from './processors/alerts.processor';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CqrsModule.forRoot(), InfraModule.forRoot(config)],
      providers: [ProjectionsProcessor, AlertsProcessor],
    };
  }
}
