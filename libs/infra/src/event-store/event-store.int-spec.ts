import { randomUUID } from 'crypto';
import { VersionConflict } from '@bp/domain';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { openDatabase } from '../database/data-source';
import { Database } from '../database/sql';
import { checkpointOf, NewEvent, PostgresEventStore, START } from './event-store';

const ev = (type = 'Something', data: unknown = { n: 1 }): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { actor: 'test' },
});

describe('PostgresEventStore', () => {
  let tdb: TestDatabase;
  let db: Database;
  let store: PostgresEventStore;

  beforeAll(async () => {
    tdb = await createTestDatabase('event_store');
    db = await openDatabase(tdb.url, 12);
    store = new PostgresEventStore(db);
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  it('appends to a new stream and reads it back in order, money as exact strings', async () => {
    const result = await db.transaction((sql) =>
      store.append(sql, 'target-a', 0, [ev('A', { fen: '900719925474099312' }), ev('B')]),
    );
    expect(result.nextVersion).toBe(2);
    expect(result.duplicate).toBe(false);
    const events = await store.readStream('target-a');
    expect(events.map((e) => [e.type, e.streamVersion])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
    expect(events[0].data).toEqual({ fen: '900719925474099312' });
    expect(events[1].position).toBe(result.lastPosition);
  });

  it('refuses an append at a stale expected version and writes nothing', async () => {
    await db.transaction((sql) => store.append(sql, 'target-b', 0, [ev()]));
    await expect(
      db.transaction((sql) => store.append(sql, 'target-b', 0, [ev()])),
    ).rejects.toBeInstanceOf(VersionConflict);
    await expect(
      db.transaction((sql) => store.append(sql, 'target-b', 5, [ev()])),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect(await store.readStream('target-b')).toHaveLength(1);
  });

  it('lets exactly one of two racing appends at the same version win', async () => {
    await db.transaction((sql) => store.append(sql, 'target-c', 0, [ev()]));
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => db.transaction((sql) => store.append(sql, 'target-c', 1, [ev()]))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected' && r.reason instanceof VersionConflict),
    ).toHaveLength(3);
    expect(await store.readStream('target-c')).toHaveLength(2);
  });

  it('is idempotent by event id: repeating an append writes nothing and answers the same', async () => {
    const events = [ev('A'), ev('B')];
    const first = await db.transaction((sql) => store.append(sql, 'target-d', 0, events));
    const again = await db.transaction((sql) => store.append(sql, 'target-d', 0, events));
    expect(again).toEqual({ nextVersion: 2, lastPosition: first.lastPosition, duplicate: true });
    expect(await store.readStream('target-d')).toHaveLength(2);
  });

  it('refuses a batch that reuses some stored event ids but not all', async () => {
    const a = ev('A');
    await db.transaction((sql) => store.append(sql, 'target-e', 0, [a]));
    await expect(
      db.transaction((sql) => store.append(sql, 'target-e', 1, [a, ev()])),
    ).rejects.toMatchObject({ code: 'EVENT_ID_REUSED' });
  });

  it('rolls back the whole transaction when a later step fails', async () => {
    await expect(
      db.transaction(async (sql) => {
        await store.append(sql, 'target-f', 0, [ev()]);
        throw new Error('projection failed');
      }),
    ).rejects.toThrow('projection failed');
    expect(await store.readStream('target-f')).toHaveLength(0);
  });

  it('orders by transaction id as a number, not as text (9 < 10 < 99 < 100)', async () => {
    await db.query(
      `INSERT INTO streams (stream_id, stream_type, version) VALUES ('xid-order', 'xid', 4)`,
    );
    for (const [v, xid] of [
      [1, '100'],
      [2, '9'],
      [3, '99'],
      [4, '10'],
    ]) {
      await db.query(
        `INSERT INTO events (transaction_id, event_id, stream_id, stream_version, type, data, metadata)
         VALUES ($1::xid8, $2, 'xid-order', $3, 'X', '{}', '{}')`,
        [xid, randomUUID(), v],
      );
    }
    const order: string[] = [];
    let checkpoint = START;
    for (
      let events = await store.readAll(checkpoint, 1);
      events.length > 0;
      events = await store.readAll(checkpoint, 1)
    ) {
      if (events[0].streamId === 'xid-order') order.push(events[0].transactionId);
      checkpoint = checkpointOf(events[0]);
    }
    expect(order).toEqual(['9', '10', '99', '100']);
  });

  it('reads every event exactly once under 8 concurrent writers whose commits land out of order', async () => {
    const writers = 8;
    const perWriter = 40;
    const written = new Set<string>();
    let writing = true;

    const writer = async (w: number) => {
      for (let i = 0; i < perWriter; i++) {
        const batch = [ev('W', { w, i }), ev('W', { w, i })];
        await db.transaction(async (sql) => {
          await store.append(sql, `writer-${w}-${i}`, 0, batch);
          // hold the transaction open a little so later positions commit first
          await sql.query('SELECT pg_sleep($1)', [((w * 7 + i * 13) % 10) / 1000]);
        });
        batch.forEach((e) => written.add(e.id));
      }
    };

    const seen: string[] = [];
    // xmin is cluster-wide: a long transaction in another database (another suite) holds reads
    // back for a while, so once writing is over the reader polls until it has everything, or 20 s
    const reader = async () => {
      let checkpoint = START;
      const expected = writers * perWriter * 2;
      let deadline = Infinity;
      for (;;) {
        if (!writing && deadline === Infinity) deadline = Date.now() + 20_000;
        const events = await store.readAll(checkpoint, 25);
        events.forEach((e) => e.streamId.startsWith('writer-') && seen.push(e.id));
        if (events.length > 0) checkpoint = checkpointOf(events[events.length - 1]);
        else if (seen.length >= expected || Date.now() > deadline) return;
        else await new Promise((r) => setTimeout(r, 2));
      }
    };

    const readerDone = reader();
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    writing = false;
    await readerDone;

    expect(written.size).toBe(writers * perWriter * 2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(written);
  });
});
