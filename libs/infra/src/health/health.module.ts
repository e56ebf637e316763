import { Module } from '@nestjs/common';
import { REDIS } from '../core.module';
import { ReadDatabase } from '../database/read-database';
import { Database } from '../database/sql';
import { RedisClient } from '../queue/queues';
import { HealthService } from './health.service';

/** GET /health: PostgreSQL, the replica when there is one, and Redis. */
@Module({
  providers: [
    {
      provide: HealthService,
      useFactory: (db: Database, r: RedisClient, reads: ReadDatabase) =>
        new HealthService(db, r, reads),
      inject: [Database, REDIS, ReadDatabase],
    },
  ],
  exports: [HealthService],
})
export class HealthModule {}
