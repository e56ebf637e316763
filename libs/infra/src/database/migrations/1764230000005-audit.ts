import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: columns derived from each event for the filters an auditor uses (target,
 * unit, actor), indexes to match, a hash chain per stream, and the events table made
 * append-only in the database itself.
 */
export class Audit1764230000005 implements MigrationInterface {
  name = 'Audit1764230000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events
      ADD COLUMN target_id text GENERATED ALWAYS AS (data->>'targetId') STORED,
      ADD COLUMN unit_code text GENERATED ALWAYS AS (
        CASE WHEN stream_id LIKE 'unit-%' THEN data->>'code'
             ELSE COALESCE(data->>'unitCode', NULLIF(split_part(data->>'targetId', '-', 2), '')) END) STORED,
      ADD COLUMN actor_id text GENERATED ALWAYS AS (metadata->'actor'->>'id') STORED,
      ADD COLUMN hash text,
      ADD COLUMN prev_hash text`);
    for (const col of ['target_id', 'unit_code', 'actor_id', 'type']) {
      await q.query(
        `CREATE INDEX events_audit_${col} ON events (${col}, transaction_id, global_position)`,
      );
    }
    await q.query(`CREATE INDEX events_recorded_at ON events (recorded_at)`);
    await q.query(`
      CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the events table is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER events_no_truncate ON events`);
    await q.query(`DROP TRIGGER events_no_update_delete ON events`);
    await q.query(`DROP FUNCTION events_append_only()`);
    for (const col of ['target_id', 'unit_code', 'actor_id', 'type'])
      await q.query(`DROP INDEX events_audit_${col}`);
    await q.query(`DROP INDEX events_recorded_at`);
    await q.query(
      `ALTER TABLE events DROP COLUMN target_id, DROP COLUMN unit_code, DROP COLUMN actor_id, DROP COLUMN hash, DROP COLUMN prev_hash`,
    );
  }
}
