import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReadDatabase } from '../database/read-database';
import { Database } from '../database/sql';
import { AuditKeyRing } from './audit-key';
import { AuditService } from './audit.service';

/** 审计: the audit pages and exports, chain verification, and the anchors the worker signs. */
@Module({
  providers: [
    {
      provide: AuditService,
      useFactory: (cfg: AppConfig, db: Database, reads: ReadDatabase) =>
        new AuditService(db, AuditKeyRing.load(cfg), reads),
      inject: [APP_CONFIG, Database, ReadDatabase],
    },
  ],
  exports: [AuditService],
})
export class AuditModule {}
