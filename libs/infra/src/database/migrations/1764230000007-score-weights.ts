import { MigrationInterface, QueryRunner } from 'typeorm';

/** Self-evaluation weights per fiscal year, beside the monitoring thresholds. */
export class ScoreWeights1764230000007 implements MigrationInterface {
  name = 'ScoreWeights1764230000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitoring_config ADD COLUMN score_weights jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitoring_config DROP COLUMN score_weights`);
  }
}
