import { createSecretKey } from 'crypto';
import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import {
  AlertsModule,
  AppConfig,
  AuditModule,
  Clock,
  CoreModule,
  DisbursementsModule,
  EvaluationModule,
  HealthModule,
  ImportsModule,
  MonitoringModule,
  ProjectionsModule,
  PublicationModule,
  SweepsModule,
  systemClock,
  TargetsModule,
  UnitsModule,
  UsersModule,
} from '@bp/infra';
import { HealthController } from './health/health.controller';
import { AuthGuard } from './http/auth';
import { HttpMetricsMiddleware, Metrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
import { ErrorFilter } from './http/error.filter';
import { TargetsController } from './targets/targets.controller';
import { ImportsController } from './imports/imports.controller';
import { ImportWithdrawalsController } from './imports/import-withdrawals.controller';
import { DepartmentsController } from './departments/departments.controller';
import { PublicationController } from './departments/publication.controller';
import { DisbursementsController } from './disbursements/disbursements.controller';
import { MonitoringController } from './monitoring/monitoring.controller';
import { ProjectionsController } from './projections/projections.controller';
import { AlertsController } from './alerts/alerts.controller';
import { UnitsController } from './alerts/units.controller';
import { CalendarController } from './calendar/calendar.controller';
import { AuditController } from './audit/audit.controller';
import { SelfEvaluationController } from './evaluation/self-evaluation.controller';
import { MonitoringRoundsController } from './evaluation/monitoring-rounds.controller';
import { EvaluationConsoleController } from './evaluation/evaluation-console.controller';
import { TargetExportsController } from './targets/target-exports.controller';
import { AuthController } from './users/auth.controller';
import { UsersController } from './users/users.controller';
import { IndicatorTemplateController } from './indicators/indicator-template.controller';

/**
 * The slices the API serves, each with its handlers (issue 16, item 5). Projections and sweeps
 * are here for their reads and queues (status, coverage, a unit head's test message); the
 * worker advances and runs them.
 */
const SLICES = [
  TargetsModule,
  DisbursementsModule,
  EvaluationModule,
  MonitoringModule,
  AlertsModule,
  SweepsModule,
  ImportsModule,
  PublicationModule,
  UnitsModule,
  UsersModule,
  AuditModule,
  HealthModule,
  ProjectionsModule,
];

/** createApiApp settles the secret (JWT_SECRET or the database's) before the module is built. */
function settledSecret(config: AppConfig): string {
  if (!config.jwtSecret) throw new Error('the token secret is not settled (see withTokenSecret)');
  return config.jwtSecret;
}

@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }

  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        CoreModule.forRoot(config, clock),
        ...SLICES,
        JwtModule.register({
          // a key object made once: given a string, jsonwebtoken first tries it as a public key
          // on every verify and catches the failure, which cost 15% of the API's CPU under load
          secret: createSecretKey(Buffer.from(settledSecret(config))),
          signOptions: { algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        }),
      ],
      controllers: [
        HealthController,
        AuthController,
        UsersController,
        TargetExportsController,
        TargetsController,
        DisbursementsController,
        ImportsController,
        ImportWithdrawalsController,
        DepartmentsController,
        PublicationController,
        MonitoringController,
        ProjectionsController,
        AlertsController,
        UnitsController,
        CalendarController,
        AuditController,
        SelfEvaluationController,
        MonitoringRoundsController,
        EvaluationConsoleController,
        MetricsController,
        IndicatorTemplateController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        Metrics,
        HttpMetricsMiddleware,
      ],
    };
  }
}
