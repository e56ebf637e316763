import { randomBytes, randomUUID } from 'crypto';
import { Client } from 'pg';
import { dropDatabase, migrate, openDatabase } from '../database/data-source';
import { MIGRATIONS } from '../database/migrations';
import { Database } from '../database/sql';
import { NewEvent, PostgresEventStore } from '../event-store/event-store';
import { AuditKeyRing } from './audit-key';
import { ChainVerifier } from './audit-verify';

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const ev = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'Something',
  data: { n, text: '汽车保险费' },
  metadata: { actor: { id: 'test' }, at: '2022-03-01T00:00:00.000Z' },
});

/** The migrations before the one that hashes recorded_at: the schema old events were written with. */
const BEFORE_HASH_VERSION_2 = MIGRATIONS.filter(
  (m) => Number(/\d{13}$/.exec(m.name)![0]) < 1764230000015,
);

describe('the audit chain across the migration to hash version 2', () => {
  const url = `${SERVER}/bp_audit_chain_${randomBytes(4).toString('hex')}`;
  let db: Database;
  let store: PostgresEventStore;
  let verifier: ChainVerifier;

  beforeAll(async () => {
    await migrate(url, BEFORE_HASH_VERSION_2);
    // written by the store against the old bp_append: hash version 1, recorded_at not covered
    const oldDb = await openDatabase(url, 2);
    const oldStore = new PostgresEventStore(oldDb);
    await oldDb.transaction((sql) => oldStore.append(sql, 'target-old', 0, [ev(1), ev(2)]));
    await oldDb.transaction((sql) => oldStore.append(sql, 'target-old', 2, [ev(3)]));
    await oldDb.close();
    await migrate(url);
    db = await openDatabase(url, 4);
    store = new PostgresEventStore(db);
    verifier = new ChainVerifier(db, new AuditKeyRing(['key-of-this-test']));
  });
  afterAll(async () => {
    await db?.close();
    await dropDatabase(url);
  });

  it('keeps old events at version 1, writes new ones at 2, and the database hashes as the code does', async () => {
    await db.transaction((sql) => store.append(sql, 'target-old', 3, [ev(4), ev(5)]));
    await db.transaction((sql) => store.append(sql, 'target-new', 0, [ev(1)]));
    await db.transaction((sql) =>
      store.appendMany(sql, [
        { streamId: 'target-old', expectedVersion: 5, events: [ev(6)] },
        { streamId: 'alert-many', expectedVersion: 0, events: [ev(1), ev(2)] },
      ]),
    );
    const versions = await db.query<{ s: string; v: number; h: number }>(
      `SELECT stream_id AS s, stream_version AS v, hash_version AS h FROM events ORDER BY stream_id, stream_version`,
    );
    expect(versions.rows.map((r) => `${r.s}@${r.v}:${r.h}`)).toEqual([
      'alert-many@1:2',
      'alert-many@2:2',
      'target-new@1:2',
      'target-old@1:1',
      'target-old@2:1',
      'target-old@3:1',
      'target-old@4:2',
      'target-old@5:2',
      'target-old@6:2',
    ]);
    const result = await verifier.verify();
    expect(result).toMatchObject({ ok: true, checked: 9, broken: [] });
    expect(result.anchored).toMatchObject({ streams: 3 });
    // the same in pages of 2 streams and batches of 2 events, across stream boundaries
    const paged = new ChainVerifier(db, new AuditKeyRing(['key-of-this-test']), {
      streams: 2,
      events: 2,
    });
    expect(await paged.verify()).toMatchObject({
      ok: true,
      checked: 9,
      broken: [],
      anchored: null,
    });
  });

  it('still finds a changed old (version 1) event', async () => {
    await superuser(url, (c) =>
      c.query(
        `UPDATE events SET data = jsonb_set(data, '{n}', '20') WHERE stream_id = 'target-old' AND stream_version = 2`,
      ),
    );
    const result = await verifier.verify();
    expect(result.ok).toBe(false);
    expect(result.broken).toEqual([
      expect.objectContaining({
        streamId: 'target-old',
        version: 2,
        reason: expect.stringMatching(/^内容被篡改/),
      }),
    ]);
  });

  it('finds a version missing in the middle of a stream, read in small batches', async () => {
    await superuser(url, (c) =>
      c.query(`DELETE FROM events WHERE stream_id = 'target-old' AND stream_version = 4`),
    );
    const paged = new ChainVerifier(db, new AuditKeyRing(['key-of-this-test']), {
      streams: 1,
      events: 2,
    });
    const reasons = (await paged.verify()).broken.map(
      (b) => `${b.streamId}@${b.version} ${b.reason}`,
    );
    expect(reasons).toEqual([
      expect.stringMatching(/^target-old@2 内容被篡改/),
      'target-old@5 事件缺失：缺少第 4 版',
    ]);
  });

  it('lists the first 1,000 broken links and counts them all', async () => {
    await db.query(
      `WITH s AS (INSERT INTO streams (stream_id, stream_type, version) VALUES ('bulk-1', 'bulk', 1500))
       INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
       SELECT gen_random_uuid(), 'bulk-1', v, 'ByHand', '{}', '{}' FROM generate_series(1, 1500) v`,
    );
    const result = await verifier.verify();
    expect(result.broken).toHaveLength(1000);
    expect(result.brokenTotal).toBe(1502); // 1,500 without a hash, and the two above
  });
});

/** Runs `work` as the superuser with the append-only trigger off, as an attacker would. */
async function superuser(url: string, work: (c: Client) => Promise<unknown>): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
    await work(c);
    await c.query('ALTER TABLE events ENABLE TRIGGER events_no_update_delete');
  } finally {
    await c.end();
  }
}
