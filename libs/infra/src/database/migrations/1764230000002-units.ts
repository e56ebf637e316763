import { MigrationInterface, QueryRunner } from 'typeorm';

/** Spending units as their events say (inline projection), for scoping and recipients. */
export class Units1764230000002 implements MigrationInterface {
  name = 'Units1764230000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE units (
        code            text PRIMARY KEY,
        name            text NOT NULL,
        department_code text NOT NULL,
        heads           jsonb NOT NULL DEFAULT '[]',
        updated_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX units_department ON units (department_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE units`);
  }
}
