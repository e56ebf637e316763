import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The department a monitoring round covers (issue 14.15): a department reviewer's round is
 * their department's; NULL (finance's or an admin's, and every round opened before) is all.
 */
export class RoundDepartment1764230000023 implements MigrationInterface {
  name = 'RoundDepartment1764230000023';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitoring_rounds ADD COLUMN department_code text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE monitoring_rounds DROP COLUMN department_code`);
  }
}
