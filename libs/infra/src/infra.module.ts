import { DynamicModule, Module } from '@nestjs/common';
import { AlertsModule } from './alerts/alerts.module';
import { SweepsModule } from './alerts/sweeps.module';
import { AuditModule } from './audit/audit.module';
import { AppConfig } from './config/app-config';
import { CoreModule } from './core.module';
import { DisbursementsModule } from './disbursement/disbursements.module';
import { EvaluationModule } from './evaluation/evaluation.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './import/imports.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { TargetsModule } from './performance-target/targets.module';
import { ProjectionsModule } from './projections/projections.module';
import { PublicationModule } from './publication/publication.module';
import { Clock, systemClock } from './shared/clock';
import { UnitsModule } from './units/units.module';
import { UsersModule } from './users/users.module';

/**
 * Every slice, each a module of its own with its handlers, projections and reactors (issue 16,
 * item 5). The API's AppModule imports the ones it serves, the worker the ones it runs.
 */
export const SLICES = {
  targets: TargetsModule,
  disbursements: DisbursementsModule,
  evaluation: EvaluationModule,
  monitoring: MonitoringModule,
  alerts: AlertsModule,
  sweeps: SweepsModule,
  imports: ImportsModule,
  publication: PublicationModule,
  units: UnitsModule,
  users: UsersModule,
  audit: AuditModule,
  health: HealthModule,
  projections: ProjectionsModule,
} as const;

/** The core and every slice: the CLI and the benchmarks, which may call any handler or service. */
@Module({})
export class InfraModule {
  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    const slices = Object.values(SLICES);
    return {
      module: InfraModule,
      imports: [CoreModule.forRoot(config, clock), ...slices],
      exports: [CoreModule, ...slices],
    };
  }
}
