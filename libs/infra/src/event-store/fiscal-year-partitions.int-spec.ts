import { randomBytes, randomUUID } from 'crypto';
import { Client } from 'pg';
import { VersionConflict } from '@bp/domain';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { AuditKeyRing } from '../audit/audit-key';
import { ChainVerifier } from '../audit/audit-verify';
import { dropDatabase, migrate, openDatabase } from '../database/data-source';
import { MIGRATIONS } from '../database/migrations';
import { Database, Sql } from '../database/sql';
import { Projection, TableName } from '../projections/projection';
import { ProjectionRunner } from '../projections/projection-runner';
import { chain } from './event-hash';
import { checkpointOf, NewEvent, PostgresEventStore, RecordedEvent, START } from './event-store';

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const STREAM = 'target-2025-314001-13030322P00391410001H';
const THIS_YEAR = Number(
  new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
);

const ev = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'Something',
  data: { targetId: '2025-314001-13030322P00391410001H', n },
  metadata: { actor: { id: 'test' } },
});

/**
 * Events stored at a recorded time of the past, as the store of that day wrote them (hash
 * version 2 over that time, the stream moved with them): the database clock cannot be set back,
 * and this is what a store running in 2025 left behind.
 */
async function appendRecordedAt(
  sql: Sql,
  expectedVersion: number,
  events: readonly NewEvent[],
  recordedAt: Date,
): Promise<void> {
  const { rows } = await sql.query<{ hash: string }>(
    `SELECT hash FROM events WHERE stream_id = $1 AND stream_version = $2`,
    [STREAM, expectedVersion],
  );
  const links = chain(STREAM, expectedVersion + 1, rows[0]?.hash ?? null, events, recordedAt);
  await sql.query(
    `INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, 'target', $2)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version`,
    [STREAM, expectedVersion + events.length],
  );
  for (const [k, e] of events.entries())
    await sql.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata, hash, prev_hash, recorded_at, hash_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 2)`,
      [
        e.id,
        STREAM,
        expectedVersion + k + 1,
        e.type,
        e.data,
        e.metadata,
        links[k].hash,
        links[k].prevHash,
        recordedAt,
      ],
    );
}

/** Where each event of the stream is stored, by version. */
async function partitionsOf(db: Database, stream = STREAM): Promise<string[]> {
  const { rows } = await db.query<{ part: string }>(
    `SELECT tableoid::regclass::text AS part FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    [stream],
  );
  return rows.map((r) => r.part);
}

/**
 * Waits until the gap-safe reader sees `n` events: it leaves out whatever committed after a
 * transaction still open anywhere on the server (another suite's), for as long as that is open.
 */
async function untilVisible(store: PostgresEventStore, n: number): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    if ((await store.readAll(START, n + 1)).length >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the gap-safe reader did not see ${n} events within 15 s`);
}

/** What `read` answers, and the plans of its statements (auto_explain, sent as notices). */
async function explained<T>(
  url: string,
  read: (sql: Sql) => Promise<T>,
): Promise<{ plans: string; read: T }> {
  const client = new Client({ connectionString: url });
  const notices: string[] = [];
  client.on('notice', (n) => notices.push(n.message ?? ''));
  await client.connect();
  try {
    await client.query(`LOAD 'auto_explain'`);
    await client.query(`SET auto_explain.log_min_duration = 0`);
    await client.query(`SET auto_explain.log_level = notice`);
    const sql: Sql = {
      async query<R>(text: string, params?: unknown[]) {
        const r = await client.query(text, params);
        return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
      },
    };
    return { read: await read(sql), plans: notices.join('\n') };
  } finally {
    await client.end();
  }
}

/** A read model of every event's stream, version and fiscal year of recording, for the rebuild. */
const trail: Projection = {
  name: 'year-trail',
  tables: ['year_trail'],
  async apply(sql: Sql, events: readonly RecordedEvent[], table: TableName): Promise<void> {
    await sql.query(
      `INSERT INTO ${table('year_trail')} (stream_id, stream_version, year)
       SELECT s, v, extract(year FROM t AT TIME ZONE 'Asia/Shanghai') FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS u(s, v, t)`,
      [
        events.map((e) => e.streamId),
        events.map((e) => e.streamVersion),
        events.map((e) => e.recordedAt),
      ],
    );
  },
};

describe('events partitioned by fiscal year (the recorded year in Asia/Shanghai)', () => {
  let tdb: TestDatabase;
  let db: Database;
  let store: PostgresEventStore;
  const in2025 = [ev(1), ev(2)];
  const atNewYear = ev(3);
  let now: NewEvent[];

  beforeAll(async () => {
    tdb = await createTestDatabase('fiscal_years');
    db = await openDatabase(tdb.url, 6);
    store = new PostgresEventStore(db);
    // a target of 2025: prepared in 2025, its last event of 2025 a millisecond before midnight in
    // Shanghai, the next one at midnight (already 2026 there), the rest today
    await db.transaction((sql) =>
      appendRecordedAt(sql, 0, in2025, new Date('2025-12-31T15:59:59.999Z')),
    );
    await db.transaction((sql) =>
      appendRecordedAt(sql, 2, [atNewYear], new Date('2025-12-31T16:00:00.000Z')),
    );
    now = [ev(4), ev(5)];
    await db.transaction((sql) => store.append(sql, STREAM, 3, now));
    await untilVisible(store, 5);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('has this year and the next made at migrate time, and a default partition', async () => {
    const { rows } = await db.query<{ part: string }>(
      `SELECT c.relname AS part FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass ORDER BY 1`,
    );
    expect(rows.map((r) => r.part)).toEqual(
      expect.arrayContaining([
        `events_y${THIS_YEAR}`,
        `events_y${THIS_YEAR + 1}`,
        'events_default',
      ]),
    );
  });

  it('stores each event in the partition of its recorded year, a year nobody made going to the default until it is made', async () => {
    const before = await partitionsOf(db);
    expect(before.slice(0, 2)).toEqual(['events_default', 'events_default']);
    expect(before.slice(2, 3)).toEqual(['events_y2026']);
    const { rows } = await db.query<{ made: number }>(
      `SELECT bp_ensure_event_partitions() AS made`,
    );
    expect(rows[0].made).toBe(1);
    // the default partition became 2025's, its rows where they were, a new empty default
    expect(await partitionsOf(db)).toEqual([
      'events_y2025',
      'events_y2025',
      'events_y2026',
      `events_y${THIS_YEAR}`,
      `events_y${THIS_YEAR}`,
    ]);
    const empty = await db.query<{ n: string }>(`SELECT count(*) AS n FROM events_default`);
    expect(empty.rows[0].n).toBe('0');
    expect((await db.query(`SELECT bp_ensure_event_partitions() AS made`)).rows[0]).toEqual({
      made: 0,
    });
  });

  it('reads the stream and the whole store in order across the partitions', async () => {
    const stream = await store.readStream(STREAM);
    expect(stream.map((e) => e.id)).toEqual([...in2025, atNewYear, ...now].map((e) => e.id));
    expect(stream.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
    const asOf2025 = await store.readStream(STREAM, new Date('2025-12-31T15:59:59.999Z'));
    expect(asOf2025.map((e) => e.streamVersion)).toEqual([1, 2]);
    const all = await store.readAll(START, 100);
    expect(all.map((e) => e.id)).toEqual(stream.map((e) => e.id));
    // a checkpoint in 2025's partition goes on in the next ones, nothing skipped or repeated
    const rest = await store.readAll(checkpointOf(all[1]), 100);
    expect(rest.map((e) => e.streamVersion)).toEqual([3, 4, 5]);
  });

  it('verifies the one chain across the years', async () => {
    const verifier = new ChainVerifier(db, new AuditKeyRing(['key-of-this-test']));
    const result = await verifier.verify();
    expect(result).toMatchObject({ ok: true, checked: 5, broken: [] });
    expect((await verifier.verify('2025-314001-13030322P00391410001H')).ok).toBe(true);
  });

  it('answers a repeated append from another year without writing, and refuses ids reused across partitions', async () => {
    const positions = await db.query<{ p: string }>(
      `SELECT global_position::text AS p FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [STREAM],
    );
    const again = await db.transaction((sql) => store.append(sql, STREAM, 0, in2025));
    expect(again).toEqual({
      nextVersion: 2,
      lastPosition: BigInt(positions.rows[1].p),
      duplicate: true,
    });
    // the stream is at 5: an id of 2025 with a new one, at the right version, is refused whole
    const reuse = db.transaction((sql) => store.append(sql, STREAM, 5, [in2025[0], ev(6)]));
    await expect(reuse).rejects.toMatchObject({ code: 'EVENT_ID_REUSED' });
    await expect(reuse).rejects.toBeInstanceOf(VersionConflict);
    // a stream version stored in 2025 cannot be stored again today, whoever writes it
    await expect(
      db.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata) VALUES ($1, $2, 1, 'X', '{}', '{}')`,
        [randomUUID(), STREAM],
      ),
    ).rejects.toMatchObject({ constraint: 'events_stream_version_unique' });
    expect(await store.readStream(STREAM)).toHaveLength(5);
  });

  it('rebuilds a projection from both years', async () => {
    await db.query(
      `CREATE TABLE year_trail (stream_id text, stream_version int, year int, PRIMARY KEY (stream_id, stream_version))`,
    );
    const runner = new ProjectionRunner(db, store, [trail], 2);
    await runner.catchUp(trail.name);
    const { applied } = await runner.rebuild(trail.name);
    expect(applied).toBe(5);
    const { rows } = await db.query<{ v: number; year: number }>(
      `SELECT stream_version AS v, year FROM year_trail ORDER BY stream_version`,
    );
    expect(rows).toEqual([
      { v: 1, year: 2025 },
      { v: 2, year: 2025 },
      { v: 3, year: 2026 },
      { v: 4, year: THIS_YEAR },
      { v: 5, year: THIS_YEAR },
    ]);
  });

  it('reads on from inside a large transaction by merging the partitions, not sorting what follows', async () => {
    // one transaction of 3,000 events, as a sweep or an import writes them
    const big = Array.from({ length: 3000 }, (_, i) => ev(i));
    await db.transaction((sql) =>
      store.appendMany(sql, [{ streamId: 'sweep-big', expectedVersion: 0, events: big }]),
    );
    await untilVisible(store, 5 + 3000);
    await db.query('ANALYZE events');
    const inside = (await store.readAll(START, 5 + 10)).at(-1)!;
    const { plans, read } = await explained(tdb.url, (sql) =>
      store.readAll(checkpointOf(inside), 100, sql),
    );
    expect(read.map((e) => e.streamVersion)).toEqual(big.slice(10, 110).map((_, i) => i + 11));
    // "> (tx, position)" is estimated by "> tx": none inside that transaction, so the planner
    // appended the partitions and sorted every later event; ">= (tx, position + 1)" merges them
    expect(plans).toMatch(/Merge Append/);
    expect(plans).not.toMatch(/->\s+Sort\b/);
  });

  it('keeps the events table append-only in every partition', async () => {
    await expect(db.query(`DELETE FROM events_y2025`)).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE events_y2025`)).rejects.toThrow(/append-only/);
    await expect(db.query(`UPDATE event_ids SET stream_version = 9`)).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('the migration to partitions moves the stored events', () => {
  const url = `${SERVER}/bp_partition_move_${randomBytes(4).toString('hex')}`;
  let db: Database;

  afterAll(async () => {
    await db?.close();
    await dropDatabase(url);
  });

  it('keeps positions, transaction ids, times and hashes, and the identity goes on after them', async () => {
    await migrate(
      url,
      MIGRATIONS.filter((m) => m.name !== 'EventsByFiscalYear1764230000050'),
    );
    const old = await openDatabase(url, 2);
    const oldStore = new PostgresEventStore(old);
    await old.transaction((sql) => oldStore.append(sql, 'target-a', 0, [ev(1), ev(2)]));
    await old.transaction((sql) => oldStore.append(sql, 'target-b', 0, [ev(1)]));
    const snapshot = `SELECT global_position::text, transaction_id::text, event_id, stream_id, stream_version,
      recorded_at, hash, prev_hash, hash_version, target_id, unit_code FROM events ORDER BY global_position`;
    const before = (await old.query<{ global_position: string }>(snapshot)).rows;
    await old.close();

    await migrate(url);
    db = await openDatabase(url, 2);
    const store = new PostgresEventStore(db);
    expect((await db.query(snapshot)).rows).toEqual(before);
    const { rows } = await db.query<{ kind: string }>(
      `SELECT c.relkind AS kind FROM pg_class c WHERE c.relname = 'events'`,
    );
    expect(rows[0].kind).toBe('p');
    const next = await db.transaction((sql) => store.append(sql, 'target-a', 2, [ev(3)]));
    expect(next.lastPosition).toBe(BigInt(before[before.length - 1].global_position) + 1n);
    const verified = await new ChainVerifier(db, new AuditKeyRing(['k'])).verify();
    expect(verified).toMatchObject({ ok: true, checked: 4 });
  });
});
