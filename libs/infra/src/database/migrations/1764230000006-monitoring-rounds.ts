import { MigrationInterface, QueryRunner } from 'typeorm';

/** Monitoring rounds (绩效运行监控), as their events say: for listing and for units to report in. */
export class MonitoringRounds1764230000006 implements MigrationInterface {
  name = 'MonitoringRounds1764230000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE monitoring_rounds (
        round_id    uuid PRIMARY KEY,
        fiscal_year integer NOT NULL,
        name        text NOT NULL,
        as_of       date NOT NULL,
        deadline    date NOT NULL,
        opened_by   jsonb NOT NULL,
        opened_at   timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE monitoring_rounds`);
  }
}
