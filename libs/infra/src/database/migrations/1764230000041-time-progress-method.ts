import { MigrationInterface, QueryRunner } from 'typeorm';

/** The year's time-progress method (序时进度按天 / 按月), beside its thresholds; days before. */
export class TimeProgressMethod1764230000041 implements MigrationInterface {
  name = 'TimeProgressMethod1764230000041';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE monitoring_config ADD COLUMN time_progress_method text NOT NULL DEFAULT 'days'
         CHECK (time_progress_method IN ('days', 'months'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitoring_config DROP COLUMN time_progress_method`);
  }
}
