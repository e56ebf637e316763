import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain, closed against backdating and rewrites (issue 14, item 8):
 * - `events.hash_version`: events already stored keep version 1 (their hash does not cover
 *   recorded_at) and verify as before; bp_append writes version 2, whose hash is
 *   sha256(previous hash || '\n' || canonical JSON || '\n' || recorded_at as ISO UTC to the
 *   millisecond), recorded_at being set to the millisecond so the application can recompute it.
 * - `audit_anchors`: signed checkpoints of every stream's head (last version and hash), HMAC'd
 *   with a key the database does not hold; verify compares the chain with the latest one.
 */
export class AuditChain1764230000015 implements MigrationInterface {
  name = 'AuditChain1764230000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN hash_version smallint NOT NULL DEFAULT 1`);
    await q.query(`
      CREATE TABLE audit_anchors (
        id         bigserial PRIMARY KEY,
        key_id     text NOT NULL,
        signed_at  timestamptz NOT NULL DEFAULT now(),
        streams    integer NOT NULL,
        heads      jsonb NOT NULL,
        signature  text NOT NULL
      )`);
    await q.query(appendFunction(2));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(appendFunction(1));
    await q.query(`DROP TABLE audit_anchors`);
    await q.query(`ALTER TABLE events DROP COLUMN hash_version`);
  }
}

/** bp_append (see AppendFunction1764230000008) writing events of the given hash version. */
export function appendFunction(version: 1 | 2): string {
  const hashed =
    version === 2
      ? `coalesce(prev, '') || E'\\n' || (e->>'c') || E'\\n' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : `coalesce(prev, '') || E'\\n' || (e->>'c')`;
  const columns = version === 2 ? ', recorded_at, hash_version' : '';
  const values = version === 2 ? ', ts, 2' : '';
  return `
    CREATE OR REPLACE FUNCTION bp_append(p_stream text, p_stream_type text, p_expected integer, p_events jsonb)
    RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE
      n integer := jsonb_array_length(p_events);
      prev text;
      h text;
      e jsonb;
      v integer := p_expected;
      pos bigint;
      ts timestamptz := date_trunc('milliseconds', now());
    BEGIN
      IF p_expected = 0 THEN
        INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream, p_stream_type, n)
          ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN RETURN NULL; END IF;
      ELSE
        UPDATE streams SET version = p_expected + n, updated_at = now()
          WHERE stream_id = p_stream AND version = p_expected;
        IF NOT FOUND THEN RETURN NULL; END IF;
        SELECT hash INTO prev FROM events WHERE stream_id = p_stream AND stream_version = p_expected;
      END IF;
      FOR e IN SELECT value FROM jsonb_array_elements(p_events) LOOP
        v := v + 1;
        h := encode(sha256(convert_to(${hashed}, 'UTF8')), 'hex');
        INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, hash, prev_hash${columns})
          VALUES ((e->>'i')::uuid, p_stream, v, e->>'t', (e->>'n')::smallint, e->'d', e->'m', h, prev${values})
          RETURNING global_position INTO pos;
        prev := h;
      END LOOP;
      RETURN pos;
    END $$`;
}
