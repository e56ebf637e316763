import { randomUUID } from 'crypto';
import { VersionConflict } from '@bp/domain';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { openDatabase } from '../database/data-source';
import { Database } from '../database/sql';
import { AppendResult, FollowUp, NewEvent, PostgresEventStore } from './event-store';

const ev = (n = 1): NewEvent => ({
  id: randomUUID(),
  type: 'Something',
  data: { n },
  metadata: { actor: 'test' },
});

/** A follow-up writing a row of the stream's own, as the target list does. */
const own = (stream: string): FollowUp => ({
  text: `INSERT INTO gc_rows (stream, pos) SELECT $1::text, $pos WHERE $pos IS NOT NULL`,
  params: [stream],
});

/**
 * Concurrent autocommit appends to target streams share statements and commits
 * (group-commit.ts): each still gets its own answer, its own conflict and its own error.
 */
describe('group commit of concurrent appends', () => {
  let tdb: TestDatabase;
  let db: Database;
  let store: PostgresEventStore;

  beforeAll(async () => {
    tdb = await createTestDatabase('group_commit');
    db = await openDatabase(tdb.url, 12);
    store = new PostgresEventStore(db);
    await db.query('CREATE TABLE gc_rows (stream text PRIMARY KEY, pos bigint NOT NULL)');
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  const txOf = async (streams: string[]) =>
    (
      await db.query<{ tx: string }>(
        `SELECT DISTINCT transaction_id::text AS tx FROM events WHERE stream_id = ANY($1::text[])`,
        [streams],
      )
    ).rows.length;

  it('writes every append with its own position and follow-up, in fewer commits than appends', async () => {
    const streams = Array.from({ length: 30 }, (_, k) => `target-gc-${k}`);
    const results = await Promise.all(
      streams.map((s) => store.append(db, s, 0, [ev(), ev(2)], own(s))),
    );
    for (const [k, s] of streams.entries()) {
      const events = await store.readStream(s);
      expect(events.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect(results[k]).toEqual({
        nextVersion: 2,
        lastPosition: events[1].position,
        duplicate: false,
      });
    }
    const { rows } = await db.query<{ stream: string; pos: string }>(
      `SELECT stream, pos::text AS pos FROM gc_rows WHERE stream = ANY($1::text[]) ORDER BY stream`,
      [streams],
    );
    expect(Object.fromEntries(rows.map((r) => [r.stream, r.pos]))).toEqual(
      Object.fromEntries(streams.map((s, k) => [s, results[k].lastPosition.toString()])),
    );
    // one statement runs at a time: the rest wait and leave together
    expect(await txOf(streams)).toBeLessThan(10);
  });

  it('refuses a stale version to that append alone', async () => {
    await store.append(db, 'target-gc-stale', 0, [ev()]);
    const streams = Array.from({ length: 9 }, (_, k) => `target-gc-fresh-${k}`);
    const outcomes = await Promise.allSettled([
      ...streams.map((s) => store.append(db, s, 0, [ev()], own(s))),
      store.append(db, 'target-gc-stale', 5, [ev()], own('target-gc-stale')),
    ]);
    expect(outcomes.slice(0, 9).every((o) => o.status === 'fulfilled')).toBe(true);
    const last = outcomes[9] as PromiseRejectedResult;
    expect(last.reason).toBeInstanceOf(VersionConflict);
    expect(last.reason).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await store.readStream('target-gc-stale')).toHaveLength(1);
    expect((await db.query(`SELECT 1 FROM gc_rows WHERE stream = 'target-gc-stale'`)).rows).toEqual(
      [],
    );
  });

  it('sends the appends of a failed statement again one by one: only the bad one fails', async () => {
    const taken = ev();
    await store.append(db, 'target-gc-owner', 0, [taken]);
    const streams = Array.from({ length: 9 }, (_, k) => `target-gc-ok-${k}`);
    const outcomes = await Promise.allSettled([
      ...streams.map((s) => store.append(db, s, 0, [ev()], own(s))),
      // an event id stored on another stream already: the unique key refuses the statement
      store.append(db, 'target-gc-thief', 0, [taken, ev()], own('target-gc-thief')),
      ...streams.map((s) => store.append(db, `${s}-b`, 0, [ev()])),
    ]);
    const failed = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toMatchObject({ code: 'EVENT_ID_REUSED' });
    for (const s of streams) {
      expect(await store.readStream(s)).toHaveLength(1);
      expect(await store.readStream(`${s}-b`)).toHaveLength(1);
    }
    expect(await store.readStream('target-gc-thief')).toEqual([]);
  });

  it('never puts two appends to one stream in a statement: one wins, the other conflicts', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => store.append(db, 'target-gc-same', 0, [ev()])),
    );
    const won = outcomes.filter(
      (o) => o.status === 'fulfilled',
    ) as PromiseFulfilledResult<AppendResult>[];
    expect(won).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(5);
    expect(await store.readStream('target-gc-same')).toHaveLength(1);
  });

  it('repeats an append already stored as a duplicate, also when it shares a statement', async () => {
    const events = [ev(), ev(2)];
    const first = await store.append(db, 'target-gc-again', 0, events);
    const [again] = await Promise.all([
      store.append(db, 'target-gc-again', 0, events),
      ...Array.from({ length: 5 }, (_, k) => store.append(db, `target-gc-side-${k}`, 0, [ev()])),
    ]);
    expect(again).toEqual({ nextVersion: 2, lastPosition: first.lastPosition, duplicate: true });
  });
});
