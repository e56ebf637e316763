import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of commands (a retried request answers the first result), and the tables of
 * the execution-monitoring and review-queue projections that the worker maintains.
 */
export class IdempotencyAndExecution1764230000003 implements MigrationInterface {
  name = 'IdempotencyAndExecution1764230000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        target_id    text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        response     jsonb NOT NULL,
        position     bigint NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (target_id, key)
      )`);
    await q.query(`
      CREATE TABLE exec_targets (
        target_id       text PRIMARY KEY,
        fiscal_year     integer NOT NULL,
        unit_code       text NOT NULL,
        department_code text NOT NULL,
        project_name    text NOT NULL,
        status          text NOT NULL,
        budget          bigint,
        plan            jsonb,
        draft_budget    bigint,
        draft_plan      jsonb,
        pending_budget  bigint,
        pending_plan    jsonb
      )`);
    await q.query(`CREATE INDEX exec_targets_year_unit ON exec_targets (fiscal_year, unit_code)`);
    await q.query(`
      CREATE TABLE exec_payments (
        target_id       text NOT NULL,
        disbursement_id text NOT NULL,
        pay_date        date NOT NULL,
        amount          bigint NOT NULL,
        PRIMARY KEY (target_id, disbursement_id)
      )`);
    await q.query(`
      CREATE TABLE review_queue (
        target_id       text NOT NULL,
        stage           text NOT NULL,
        kind            text NOT NULL,
        fiscal_year     integer NOT NULL,
        unit_code       text NOT NULL,
        department_code text NOT NULL,
        since           timestamptz NOT NULL,
        PRIMARY KEY (target_id)
      )`);
    await q.query(
      `CREATE INDEX review_queue_stage ON review_queue (stage, department_code, since)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE review_queue`);
    await q.query(`DROP TABLE exec_payments`);
    await q.query(`DROP TABLE exec_targets`);
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
