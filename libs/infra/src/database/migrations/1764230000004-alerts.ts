import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts (one per target, period, kind and level: the unique key is what keeps reruns and racing
 * workers from warning twice), their deliveries per recipient and channel, the department
 * reviewers who get red alerts, and the monitoring thresholds per fiscal year.
 */
export class Alerts1764230000004 implements MigrationInterface {
  name = 'Alerts1764230000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        id              uuid PRIMARY KEY,
        target_id       text NOT NULL,
        fiscal_year     integer NOT NULL,
        unit_code       text NOT NULL,
        department_code text NOT NULL,
        project_name    text NOT NULL,
        kind            text NOT NULL,
        level           text NOT NULL,
        period          text NOT NULL,
        as_of           date NOT NULL,
        lag_pp          numeric(9, 2) NOT NULL,
        planned_pct     numeric(9, 2) NOT NULL,
        actual_pct      numeric(9, 2) NOT NULL,
        recipients      jsonb NOT NULL,
        raised_at       timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by jsonb,
        escalated_at    timestamptz,
        escalated_to    jsonb,
        CONSTRAINT alerts_dedup UNIQUE (target_id, period, kind, level)
      )`);
    await q.query(`CREATE INDEX alerts_unit ON alerts (unit_code, fiscal_year, raised_at)`);
    await q.query(
      `CREATE INDEX alerts_unacknowledged_red ON alerts (as_of) WHERE level = 'red' AND acknowledged_at IS NULL AND escalated_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE alert_deliveries (
        id             uuid PRIMARY KEY,
        alert_id       uuid NOT NULL REFERENCES alerts (id),
        recipient_id   text NOT NULL,
        recipient_name text NOT NULL,
        channel        text NOT NULL,
        address        text,
        escalation     boolean NOT NULL DEFAULT false,
        status         text NOT NULL,
        attempts       integer NOT NULL DEFAULT 0,
        last_error     text,
        delivered_at   timestamptz,
        CONSTRAINT alert_deliveries_once UNIQUE (alert_id, recipient_id, channel, escalation)
      )`);
    await q.query(
      `CREATE INDEX alert_deliveries_pending ON alert_deliveries (status) WHERE status = 'pending'`,
    );
    await q.query(`
      CREATE TABLE departments (
        code       text PRIMARY KEY,
        reviewers  jsonb NOT NULL DEFAULT '[]',
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE monitoring_config (
        fiscal_year     integer PRIMARY KEY,
        yellow_pp       numeric(6, 2) NOT NULL,
        red_pp          numeric(6, 2) NOT NULL,
        tolerance_pp    numeric(6, 2) NOT NULL,
        escalation_days integer NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['monitoring_config', 'departments', 'alert_deliveries', 'alerts'])
      await q.query(`DROP TABLE ${t}`);
  }
}
