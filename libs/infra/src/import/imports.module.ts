import { Module } from '@nestjs/common';
import { Database } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { TargetStore } from '../performance-target/target-store';
import { TargetsModule } from '../performance-target/targets.module';
import { CatchUpNotifier } from '../queue/queues';
import { GetDepartmentGoalsHandler, ImportDocumentHandler } from './import.handlers';
import { ImportService } from './import.service';
import { WithdrawImportHandler } from './import-withdrawal';

/** 导入: a department's document read into targets, its withdrawal, the department's goals. */
@Module({
  imports: [TargetsModule],
  providers: [
    {
      provide: ImportService,
      useFactory: (db: Database, s: PostgresEventStore, t: TargetStore, n: CatchUpNotifier) =>
        new ImportService(db, s, t, n),
      inject: [Database, PostgresEventStore, TargetStore, CatchUpNotifier],
    },
    ImportDocumentHandler,
    WithdrawImportHandler,
    GetDepartmentGoalsHandler,
  ],
  exports: [ImportService],
})
export class ImportsModule {}
