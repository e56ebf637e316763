import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users who sign in: an inline projection of the `user-<id>` streams, written in the same
 * transaction as their events, plus the one thing the events never hold: the password hash.
 * `login_throttle` counts failed sign-ins per username in PostgreSQL, so the limit holds across
 * API processes.
 */
export class Users1764230000009 implements MigrationInterface {
  name = 'Users1764230000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id              text PRIMARY KEY,
        name            text NOT NULL,
        roles           text[] NOT NULL,
        unit_code       text,
        department_code text,
        password_hash   text NOT NULL,
        disabled        boolean NOT NULL DEFAULT false,
        last_login_at   timestamptz,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE login_throttle (
        username     text PRIMARY KEY,
        failures     int NOT NULL,
        window_start timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
    await q.query(`DROP TABLE users`);
  }
}
