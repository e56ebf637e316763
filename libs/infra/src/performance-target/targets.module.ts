import { Module } from '@nestjs/common';
import { Database } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { CatchUpNotifier } from '../queue/queues';
import { Clock, CLOCK } from '../shared/clock';
import {
  CreateTargetHandler,
  ReviewTargetHandler,
  ReviseTargetHandler,
  SubmitTargetHandler,
  WithdrawTargetHandler,
} from './target.commands';
import { GetTargetChangesHandler } from './target-changes.query';
import { ExecutionSeriesHandler, UnitTargetsHandler } from './target.exports';
import { GetTargetHandler, ListTargetsHandler } from './target.queries';
import { TargetStore } from './target-store';

/**
 * 绩效目标: the target store (the target decider, its state cache and the inline target list)
 * and the target commands, queries and exports. Every slice that reads a target imports it.
 */
@Module({
  providers: [
    {
      provide: TargetStore,
      useFactory: (db: Database, store: PostgresEventStore, c: Clock, n: CatchUpNotifier) =>
        new TargetStore(db, store, c, n),
      inject: [Database, PostgresEventStore, CLOCK, CatchUpNotifier],
    },
    CreateTargetHandler,
    ReviseTargetHandler,
    SubmitTargetHandler,
    ReviewTargetHandler,
    WithdrawTargetHandler,
    GetTargetHandler,
    GetTargetChangesHandler,
    ListTargetsHandler,
    ExecutionSeriesHandler,
    UnitTargetsHandler,
  ],
  exports: [TargetStore],
})
export class TargetsModule {}
