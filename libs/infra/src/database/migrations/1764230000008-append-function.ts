import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append to one stream as one statement (one round trip): move the stream from its expected
 * version (or create it), read the hash of its last event, insert the new events chained to it.
 * Answers the position of the last event written, or NULL when the stream is not at the
 * expected version (nothing written; the caller tells a repeated append from a conflict).
 * Each element of `p_events` carries the canonical JSON its hash covers (`c`), made by the
 * application as before; the database only chains it: sha256(previous hash || '\n' || c).
 */
export class AppendFunction1764230000008 implements MigrationInterface {
  name = 'AppendFunction1764230000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION bp_append(p_stream text, p_stream_type text, p_expected integer, p_events jsonb)
      RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        n integer := jsonb_array_length(p_events);
        prev text;
        h text;
        e jsonb;
        v integer := p_expected;
        pos bigint;
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
          h := encode(sha256(convert_to(coalesce(prev, '') || E'\\n' || (e->>'c'), 'UTF8')), 'hex');
          INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, hash, prev_hash)
            VALUES ((e->>'i')::uuid, p_stream, v, e->>'t', (e->>'n')::smallint, e->'d', e->'m', h, prev)
            RETURNING global_position INTO pos;
          prev := h;
        END LOOP;
        RETURN pos;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION bp_append(text, text, integer, jsonb)`);
  }
}
