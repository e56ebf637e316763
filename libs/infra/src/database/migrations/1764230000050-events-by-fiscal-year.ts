import { MigrationInterface, QueryRunner } from 'typeorm';
import { appendFunction } from './1764230000015-audit-chain';

/**
 * `events` partitioned by fiscal year (issue 17, item 4): declarative RANGE partitions on
 * `recorded_at`, one per calendar year in Asia/Shanghai (`events_y2026` holds
 * [2026-01-01 00:00+08, 2027-01-01 00:00+08)), plus `events_default` as a safety net.
 * The key is the time the database records (bp_append sets it), not a year the append passes:
 * every writer routes by itself and a past year's partition is closed for good on 1 January
 * (docs/DESIGN.md, "Event store", and docs/SCALING.md).
 *
 * A unique constraint on a partitioned table must contain the partition key, so the two
 * global ones move to `event_ids`, one row per event written by a statement trigger, under
 * the same constraint names (`events_event_id_unique`, `events_stream_version_unique`): a
 * reused id or a duplicate stream version is refused exactly as before, whatever partition
 * the first one is in. `event_ids` also tells bp_append the partition of a stream's last event.
 *
 * The existing rows are moved with their global positions, transaction ids and recorded times,
 * and the identity continues where the old one stood.
 */
export class EventsByFiscalYear1764230000050 implements MigrationInterface {
  name = 'EventsByFiscalYear1764230000050';

  async up(q: QueryRunner): Promise<void> {
    await setOldTableAside(q);
    await q.query(EVENTS_TABLE);
    await q.query(EVENT_IDS_TABLE);
    for (const f of PARTITION_FUNCTIONS) await q.query(f);
    await q.query(`SELECT bp_ensure_event_partitions()`);
    await q.query(`
      SELECT bp_event_partition(y::int) FROM generate_series(
        coalesce((SELECT min(extract(year FROM recorded_at AT TIME ZONE 'Asia/Shanghai')) FROM events_unpartitioned),
                 extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')),
        extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')) AS y`);
    await q.query(TRIGGERS);
    await moveRows(q);
    for (const index of INDEXES) await q.query(`CREATE INDEX ${index}`);
    await q.query(APPEND_FUNCTION);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events RENAME TO events_partitioned`);
    await q.query(
      `ALTER TABLE events_partitioned RENAME CONSTRAINT events_pkey TO events_partitioned_pkey`,
    );
    await q.query(`ALTER SEQUENCE events_global_position_seq RENAME TO events_partitioned_seq`);
    await q.query(EVENTS_TABLE.replace(/\) PARTITION BY RANGE \(recorded_at\)\s*$/, ')'));
    await q.query(`ALTER TABLE events DROP CONSTRAINT events_pkey, ADD PRIMARY KEY (global_position),
      ADD CONSTRAINT events_event_id_unique_t UNIQUE (event_id),
      ADD CONSTRAINT events_stream_version_unique_t UNIQUE (stream_id, stream_version)`);
    await q.query(`INSERT INTO events (${COPIED}) OVERRIDING SYSTEM VALUE
      SELECT ${COPIED} FROM events_partitioned ORDER BY global_position`);
    await q.query(
      `SELECT setval('events_global_position_seq', last_value, is_called) FROM events_partitioned_seq`,
    );
    await q.query(`DROP TABLE events_partitioned, event_ids`);
    await q.query(
      `ALTER TABLE events RENAME CONSTRAINT events_event_id_unique_t TO events_event_id_unique`,
    );
    await q.query(
      `ALTER TABLE events RENAME CONSTRAINT events_stream_version_unique_t TO events_stream_version_unique`,
    );
    for (const f of [
      'bp_ensure_event_partitions()',
      'bp_event_partition(integer)',
      'bp_event_year_covered(integer)',
      'bp_event_partition_guard(regclass)',
      'events_register_ids()',
    ])
      await q.query(`DROP FUNCTION ${f}`);
    for (const index of INDEXES.filter((i) => !i.startsWith('events_stream_version ')))
      await q.query(`CREATE INDEX ${index}`);
    await q.query(
      `CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()`,
    );
    await q.query(appendFunction(2));
  }
}

/** Every stored column (the generated ones are computed again). */
const COPIED = `global_position, transaction_id, event_id, stream_id, stream_version, type, schema_version,
  data, metadata, recorded_at, hash, prev_hash, hash_version`;

/** The old table stays readable under another name until its rows are copied, then goes. */
async function setOldTableAside(q: QueryRunner): Promise<void> {
  await q.query(`ALTER TABLE events RENAME TO events_unpartitioned`);
  await q.query(
    `ALTER SEQUENCE events_global_position_seq RENAME TO events_unpartitioned_global_position_seq`,
  );
  // its indexes and constraints give their names to the new table's
  for (const index of INDEXES) await q.query(`DROP INDEX IF EXISTS ${index.split(' ')[0]}`);
  await q.query(`ALTER TABLE events_unpartitioned DROP CONSTRAINT events_event_id_unique,
    DROP CONSTRAINT events_stream_version_unique, DROP CONSTRAINT events_pkey`);
}

async function moveRows(q: QueryRunner): Promise<void> {
  await q.query(`INSERT INTO events (${COPIED}) OVERRIDING SYSTEM VALUE
    SELECT ${COPIED} FROM events_unpartitioned ORDER BY global_position`);
  // positions handed out and rolled back are not handed out again, as before
  await q.query(`SELECT setval('events_global_position_seq', last_value, is_called)
    FROM events_unpartitioned_global_position_seq`);
  await q.query(`DROP TABLE events_unpartitioned`);
}

/** The columns of migrations …0000, …0005 and …0015, in their order. */
const EVENTS_TABLE = `
  CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid NOT NULL,
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL CHECK (stream_version > 0),
    type            text NOT NULL,
    schema_version  smallint NOT NULL DEFAULT 1,
    data            jsonb NOT NULL,
    metadata        jsonb NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    target_id text GENERATED ALWAYS AS (data->>'targetId') STORED,
    unit_code text GENERATED ALWAYS AS (
      CASE WHEN stream_id LIKE 'unit-%' THEN data->>'code'
           ELSE COALESCE(data->>'unitCode', NULLIF(split_part(data->>'targetId', '-', 2), '')) END) STORED,
    actor_id text GENERATED ALWAYS AS (metadata->'actor'->>'id') STORED,
    hash text,
    prev_hash text,
    hash_version smallint NOT NULL DEFAULT 1,
    CONSTRAINT events_pkey PRIMARY KEY (global_position, recorded_at)
  ) PARTITION BY RANGE (recorded_at)`;

/** The global uniqueness a partitioned table cannot hold, one row per event. */
const EVENT_IDS_TABLE = `
  CREATE TABLE event_ids (
    event_id        uuid NOT NULL,
    stream_id       text NOT NULL,
    stream_version  integer NOT NULL,
    global_position bigint NOT NULL,
    recorded_at     timestamptz NOT NULL,
    CONSTRAINT events_event_id_unique PRIMARY KEY (event_id),
    CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
  )`;

/** Indexes of the partitioned table (each partition gets its own); as before, plus the stream's. */
const INDEXES = [
  `events_stream_version ON events (stream_id, stream_version)`,
  `events_transaction_position ON events (transaction_id, global_position)`,
  ...['target_id', 'unit_code', 'actor_id', 'type'].map(
    (c) => `events_audit_${c} ON events (${c}, transaction_id, global_position)`,
  ),
  `events_recorded_at ON events (recorded_at)`,
  `events_import_id ON events ((data->>'importId')) WHERE type = 'TargetCreated'`,
];

const PARTITION_FUNCTIONS = [
  // what the parent's statement triggers do not cover on a partition: TRUNCATE of the partition
  // itself, and an insert naming the partition (it registers its ids like one through events)
  `CREATE FUNCTION bp_event_partition_guard(p_part regclass) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     EXECUTE format('CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()', p_part);
     EXECUTE format('CREATE TRIGGER events_register_ids AFTER INSERT ON %s REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION events_register_ids()', p_part);
   END $$`,
  // whether a partition other than the default holds the year (events_y2026, or events_y2027_2028
  // made of a default partition, see below)
  `CREATE FUNCTION bp_event_year_covered(p_year integer) RETURNS boolean LANGUAGE sql STABLE AS $$
     SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_y[0-9]{4}(_[0-9]{4})?$'
         AND p_year BETWEEN substr(c.relname, 9, 4)::int AND substr(c.relname, length(c.relname) - 3, 4)::int)
   $$`,
  // the partition of one fiscal year, if missing; true when made
  `CREATE FUNCTION bp_event_partition(p_year integer) RETURNS boolean LANGUAGE plpgsql AS $$
   DECLARE
     part text := format('events_y%s', p_year);
     lo timestamptz := make_timestamptz(p_year, 1, 1, 0, 0, 0, 'Asia/Shanghai');
     hi timestamptz := make_timestamptz(p_year + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai');
   BEGIN
     IF bp_event_year_covered(p_year) THEN RETURN false; END IF;
     IF EXISTS (SELECT 1 FROM events_default WHERE recorded_at >= lo AND recorded_at < hi) THEN
       RAISE WARNING 'events_default holds events of %: its partition is not made (docs/RUNBOOK.md)', p_year;
       RETURN false;
     END IF;
     EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
     PERFORM bp_event_partition_guard(part::regclass);
     RETURN true;
   END $$`,
  `CREATE FUNCTION events_register_ids() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO event_ids (event_id, stream_id, stream_version, global_position, recorded_at)
       SELECT event_id, stream_id, stream_version, global_position, recorded_at FROM new_events;
     RETURN NULL;
   END $$`,
  // this year's and the next year's partitions (run at migrate time, at every worker's start and
  // daily); rows that fell into the default partition because nobody made their year in time
  // become that year's partition (events_y2027, or events_y2027_2028 for several), without
  // moving them: events are append-only
  `CREATE FUNCTION bp_ensure_event_partitions() RETURNS integer LANGUAGE plpgsql AS $$
   DECLARE
     this_year integer := extract(year FROM now() AT TIME ZONE 'Asia/Shanghai');
     lo integer;
     hi integer;
     part text;
     made integer := 0;
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtext('bp_ensure_event_partitions'));
     IF to_regclass('events_default') IS NULL THEN
       CREATE TABLE events_default PARTITION OF events DEFAULT;
       PERFORM bp_event_partition_guard('events_default');
     END IF;
     SELECT extract(year FROM min(recorded_at) AT TIME ZONE 'Asia/Shanghai'),
            extract(year FROM max(recorded_at) AT TIME ZONE 'Asia/Shanghai')
       INTO lo, hi FROM events_default;
     IF lo IS NOT NULL AND NOT EXISTS (SELECT 1 FROM generate_series(lo, hi) y WHERE bp_event_year_covered(y)) THEN
       part := format('events_y%s', lo) || CASE WHEN hi > lo THEN format('_%s', hi) ELSE '' END;
       ALTER TABLE events DETACH PARTITION events_default;
       EXECUTE format('ALTER TABLE events_default RENAME TO %I', part);
       EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part,
         make_timestamptz(lo, 1, 1, 0, 0, 0, 'Asia/Shanghai'), make_timestamptz(hi + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai'));
       CREATE TABLE events_default PARTITION OF events DEFAULT;
       PERFORM bp_event_partition_guard('events_default');
       made := made + 1;
     END IF;
     FOR y IN this_year .. this_year + 1 LOOP
       IF bp_event_partition(y) THEN made := made + 1; END IF;
     END LOOP;
     RETURN made;
   END $$`,
];

const TRIGGERS = `
  CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only();
  CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
  CREATE TRIGGER events_register_ids AFTER INSERT ON events REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION events_register_ids();
  CREATE TRIGGER event_ids_no_update_delete BEFORE UPDATE OR DELETE ON event_ids FOR EACH ROW EXECUTE FUNCTION events_append_only();
  CREATE TRIGGER event_ids_no_truncate BEFORE TRUNCATE ON event_ids FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()`;

/**
 * bp_append (migrations …0008, …0015) on the partitioned table: the same chain and hash version
 * 2, with every event of the batch in one INSERT (the id-registering trigger fires once per
 * append, not per event), and the previous event looked up in its own partition only.
 */
const APPEND_FUNCTION = `
  CREATE OR REPLACE FUNCTION bp_append(p_stream text, p_stream_type text, p_expected integer, p_events jsonb)
  RETURNS bigint LANGUAGE plpgsql AS $$
  DECLARE
    n integer := jsonb_array_length(p_events);
    prev text;
    prev_at timestamptz;
    hashes text[] := '{}';
    prevs text[] := '{}';
    e jsonb;
    pos bigint;
    ts timestamptz := date_trunc('milliseconds', now());
    stamp text := to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  BEGIN
    IF p_expected = 0 THEN
      INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream, p_stream_type, n)
        ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN RETURN NULL; END IF;
    ELSE
      UPDATE streams SET version = p_expected + n, updated_at = now()
        WHERE stream_id = p_stream AND version = p_expected;
      IF NOT FOUND THEN RETURN NULL; END IF;
      SELECT recorded_at INTO prev_at FROM event_ids WHERE stream_id = p_stream AND stream_version = p_expected;
      IF prev_at IS NOT NULL THEN
        SELECT hash INTO prev FROM events
          WHERE stream_id = p_stream AND stream_version = p_expected AND recorded_at = prev_at;
      ELSE
        SELECT hash INTO prev FROM events WHERE stream_id = p_stream AND stream_version = p_expected;
      END IF;
    END IF;
    FOR e IN SELECT value FROM jsonb_array_elements(p_events) LOOP
      prevs := array_append(prevs, prev);
      prev := encode(sha256(convert_to(coalesce(prev, '') || E'\\n' || (e->>'c') || E'\\n' || stamp, 'UTF8')), 'hex');
      hashes := array_append(hashes, prev);
    END LOOP;
    WITH w AS (
      INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, hash, prev_hash, recorded_at, hash_version)
        SELECT (x.e->>'i')::uuid, p_stream, p_expected + x.k::integer, x.e->>'t', (x.e->>'n')::smallint, x.e->'d', x.e->'m',
               hashes[x.k], prevs[x.k], ts, 2
          FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(e, k) ORDER BY x.k
        RETURNING global_position)
    SELECT max(global_position) INTO pos FROM w;
    RETURN pos;
  END $$`;
