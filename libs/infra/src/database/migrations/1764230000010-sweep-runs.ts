import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per finished monitoring sweep, so a worker can tell that a checkpoint's sweep never
 * ran (its job lost with Redis) and run it itself. A sweep that raises nothing writes no event,
 * so the events alone cannot say it ran.
 */
export class SweepRuns1764230000010 implements MigrationInterface {
  name = 'SweepRuns1764230000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sweep_runs (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind        text NOT NULL,
        as_of       date NOT NULL,
        request_id  text NOT NULL,
        evaluated   integer NOT NULL,
        raised      integer NOT NULL,
        escalated   integer NOT NULL,
        finished_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sweep_runs_kind_as_of ON sweep_runs (kind, as_of)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sweep_runs`);
  }
}
