import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, items 2–4. `service_secrets` keeps the token secret the service generates at first
 * start when JWT_SECRET is unset (the API and the CLI both read it; no constant in the code).
 * `users.service` marks the accounts `cli token` makes for scripts. `login_throttle` counts
 * failed sign-ins per key: a (username, address) pair, an address, and a username from
 * anywhere, so that nobody elsewhere can lock out the person at their desk.
 */
export class TokenSecurity1764230000030 implements MigrationInterface {
  name = 'TokenSecurity1764230000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_secrets (
        name       text PRIMARY KEY,
        value      text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE users ADD COLUMN service boolean NOT NULL DEFAULT false`);
    await q.query(`DROP TABLE login_throttle`);
    await q.query(`
      CREATE TABLE login_throttle (
        key          text PRIMARY KEY,
        failures     int NOT NULL,
        window_start timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
    await q.query(`
      CREATE TABLE login_throttle (
        username     text PRIMARY KEY,
        failures     int NOT NULL,
        window_start timestamptz NOT NULL
      )`);
    await q.query(`ALTER TABLE users DROP COLUMN service`);
    await q.query(`DROP TABLE service_secrets`);
  }
}
