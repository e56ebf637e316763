import { MigrationInterface, QueryRunner } from 'typeorm';

/** The list of targets, kept in the same transaction as their events (an inline projection). */
export class TargetList1764230000001 implements MigrationInterface {
  name = 'TargetList1764230000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE target_list (
        id              text PRIMARY KEY,
        fiscal_year     integer NOT NULL,
        unit_code       text NOT NULL,
        department_code text NOT NULL,
        project_code    text NOT NULL,
        unit_name       text NOT NULL,
        project_name    text NOT NULL,
        status          text NOT NULL,
        version         integer NOT NULL,
        budget_total    bigint NOT NULL,
        problems        jsonb NOT NULL,
        updated_at      timestamptz NOT NULL,
        position        bigint NOT NULL
      )`);
    await q.query(
      `CREATE INDEX target_list_scope ON target_list (fiscal_year, unit_code, status, id)`,
    );
    await q.query(
      `CREATE INDEX target_list_department ON target_list (department_code, fiscal_year, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE target_list`);
  }
}
