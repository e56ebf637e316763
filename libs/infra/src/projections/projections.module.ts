import { Module } from '@nestjs/common';
import { SweepService } from '../alerts/sweep.service';
import { SweepsModule } from '../alerts/sweeps.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Database } from '../database/sql';
import { DivergenceReactor } from '../evaluation/divergence.reactor';
import { PostgresEventStore } from '../event-store/event-store';
import { executionProjection } from './execution.projection';
import { ProjectionRunner } from './projection-runner';
import { reactorProjection } from './reactor';
import { reviewQueueProjection } from './review-queue.projection';

/** Every projection the worker keeps, in the order a catch-up advances them. */
export const PROJECTIONS_LIST = [executionProjection, reviewQueueProjection];

/**
 * The checkpointed consumers of the event log: the projections (execution, review queue) and
 * the reactors (divergence: a filed report's alert), advanced by one runner. The worker runs
 * them; the API asks the runner for status and whether a read model covers a position.
 */
@Module({
  imports: [SweepsModule],
  providers: [
    {
      provide: DivergenceReactor,
      useFactory: (db: Database, s: PostgresEventStore, sweeps: SweepService) =>
        new DivergenceReactor(db, s, sweeps),
      inject: [Database, PostgresEventStore, SweepService],
    },
    {
      provide: ProjectionRunner,
      // reactors run beside the projections: same checkpointed read, same worker jobs
      useFactory: (cfg: AppConfig, db: Database, s: PostgresEventStore, d: DivergenceReactor) =>
        new ProjectionRunner(
          db,
          s,
          [...PROJECTIONS_LIST, reactorProjection(d)],
          cfg.projectionBatchSize,
        ),
      inject: [APP_CONFIG, Database, PostgresEventStore, DivergenceReactor],
    },
  ],
  exports: [ProjectionRunner, DivergenceReactor],
})
export class ProjectionsModule {}
