import { randomUUID } from 'crypto';
import { targetStreamId, withdrawalOf } from '@bp/domain';
import { created, emeta, ID, PREPARER } from '@bp/domain/performance-target/target.testing';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { openDatabase } from '../database/data-source';
import { Database } from '../database/sql';
import { foldTarget } from '../performance-target/target-store';
import { PostgresEventStore, START } from './event-store';
import { Upcasters } from './upcasters';

const STREAM = targetStreamId(ID);
const withdrawnMeta = emeta(PREPARER, 'WithdrawTarget', '2022-01-13T08:00:00.000Z');

describe('reading events stored at an old schema version', () => {
  let tdb: TestDatabase;
  let db: Database;
  let store: PostgresEventStore;

  beforeAll(async () => {
    tdb = await createTestDatabase('upcasters');
    db = await openDatabase(tdb.url, 4);
    // as if TargetWithdrawn's `cause` had been renamed `reason` in schema version 2
    const registry = new Upcasters().register('TargetWithdrawn', 1, (d) => {
      const { cause, ...rest } = d as { cause: string; targetId: string };
      return { ...rest, reason: cause };
    });
    store = new PostgresEventStore(db, registry);
    await db.transaction((sql) => store.append(sql, STREAM, 0, [{ id: randomUUID(), ...created }]));
    // the withdrawal as an old deployment wrote it: plain SQL, schema version 1, the old shape
    await db.query(`UPDATE streams SET version = 2 WHERE stream_id = $1`, [STREAM]);
    await db.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       VALUES ($1, $2, 2, 'TargetWithdrawn', 1, $3, $4)`,
      [randomUUID(), STREAM, { targetId: ID, cause: '项目取消' }, withdrawnMeta],
    );
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it('reads the stream in the new shape, at the current version', async () => {
    const [first, old] = await store.readStream(STREAM);
    expect(first.schemaVersion).toBe(1);
    expect(old.schemaVersion).toBe(2);
    expect(old.data).toEqual({ targetId: ID, reason: '项目取消' });
    const { rows } = await db.query<{ schema_version: number; data: unknown }>(
      `SELECT schema_version, data FROM events WHERE stream_id = $1 AND stream_version = 2`,
      [STREAM],
    );
    // stored events are never rewritten (the hash chain covers them)
    expect(rows[0]).toEqual({ schema_version: 1, data: { targetId: ID, cause: '项目取消' } });
  });

  it('folds the target from the decoded events', async () => {
    const state = foldTarget(await store.readStream(STREAM));
    expect(state.status).toBe('withdrawn');
    expect(withdrawalOf(state)?.reason).toBe('项目取消');
  });

  it('decodes what projections read, and what readStreams answers', async () => {
    const all = await store.readAll(START, 10);
    expect(all.map((e) => [e.type, e.schemaVersion, e.data])).toContainEqual([
      'TargetWithdrawn',
      2,
      { targetId: ID, reason: '项目取消' },
    ]);
    const byStream = await store.readStreams([STREAM]);
    expect(byStream.get(STREAM)![1].data).toEqual({ targetId: ID, reason: '项目取消' });
  });

  it('appends at the type’s current version, read back as written', async () => {
    const other = targetStreamId('2022-314001-OTHER');
    const data = { targetId: '2022-314001-OTHER', reason: '合并' };
    await db.transaction((sql) =>
      store.append(sql, other, 0, [
        { id: randomUUID(), type: 'TargetWithdrawn', data, metadata: withdrawnMeta },
      ]),
    );
    const { rows } = await db.query<{ schema_version: number }>(
      `SELECT schema_version FROM events WHERE stream_id = $1`,
      [other],
    );
    expect(rows[0].schema_version).toBe(2);
    expect((await store.readStream(other))[0].data).toEqual(data);
  });
});
