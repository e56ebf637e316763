import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finds what one import run created (POST /imports/:importId/withdraw): the run's id is in the
 * data of each TargetCreated event it wrote. A partial index on the events themselves, not a
 * column of a read model, because the events are the record of what the import did (append-only,
 * never rebuilt) and only TargetCreated events carry the id, so the index stays small.
 */
export class ImportId1764230000011 implements MigrationInterface {
  name = 'ImportId1764230000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX events_import_id ON events ((data->>'importId')) WHERE type = 'TargetCreated'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_import_id`);
  }
}
