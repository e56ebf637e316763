import { Decider, DomainEvent, EventMetadata, Refused, VersionConflict } from '@bp/domain';
import { randomUUID } from 'crypto';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { openDatabase } from '../database/data-source';
import { Database } from '../database/sql';
import { appendBatch, EventStoreContext, handle, handleOnce, StateCache } from './handle';
import { bodyHash, IdempotencyKeys } from './idempotency-keys';
import { PostgresEventStore } from './event-store';

/** A counter that may not pass a limit: small enough to read, with a refusal and a no-op. */
type Added = DomainEvent<'Added', { n: number }>;
type Add = { type: 'Add'; data: { n: number; limit: number }; metadata: EventMetadata };
const counter: Decider<Add, Added, number> = {
  initialState: () => 0,
  evolve: (s, e) => s + e.data.n,
  decide: (c, s) => {
    if (s + c.data.n > c.data.limit) throw new Refused('OVER_LIMIT', `超过上限 ${c.data.limit}`);
    return c.data.n === 0 ? [] : [{ type: 'Added', data: { n: c.data.n }, metadata: c.metadata }];
  },
};
const metadata: EventMetadata = {
  actor: { id: 'u1', name: '测试', role: 'admin' },
  at: '2022-03-01T00:00:00.000Z',
  requestId: 'r1',
  command: 'Add',
};
const add = (n: number, limit = 1_000): Add => ({ type: 'Add', data: { n, limit }, metadata });

describe('the command pipeline (real PostgreSQL)', () => {
  let tdb: TestDatabase;
  let db: Database;
  let ctx: EventStoreContext;

  beforeAll(async () => {
    tdb = await createTestDatabase('handle');
    db = await openDatabase(tdb.url, 12);
    ctx = { db, store: new PostgresEventStore(db) };
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  const stream = () => `counter-${randomUUID()}`;
  const total = async (id: string) =>
    (await ctx.store.readStream(id)).reduce((s, e) => s + (e.data as { n: number }).n, 0);

  it('reads, decides, appends at the version read and answers the state, version and position', async () => {
    const id = stream();
    const first = await handle(ctx, counter, id, add(2));
    const second = await handle(ctx, counter, id, (s) => add(s + 1));
    expect(first).toMatchObject({ state: 2, version: 1, events: [{ data: { n: 2 } }] });
    expect(second).toMatchObject({ state: 5, version: 2 });
    expect(second.position).toBeGreaterThan(first.position);
    expect(await total(id)).toBe(5);
  });

  it('a command that decides nothing writes nothing and answers where the stream is', async () => {
    const id = stream();
    const written = await handle(ctx, counter, id, add(1));
    const none = await handle(ctx, counter, id, add(0));
    expect(none).toMatchObject({ state: 1, version: 1, events: [] });
    expect(none.position).toBe(written.position);
  });

  it('16 racing writers on one stream: conflicts are retried on a fresh read, none is lost', async () => {
    const id = stream();
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, () => handle(ctx, counter, id, add(1), { attempts: 20 })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await total(id)).toBe(16);
    expect((await ctx.store.readStream(id)).map((e) => e.streamVersion)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
  });

  it('with one attempt (a pinned version) a concurrent write is a VersionConflict, not a retry', async () => {
    const id = stream();
    await handle(ctx, counter, id, add(1));
    const racing = await Promise.allSettled(
      Array.from({ length: 8 }, () => handle(ctx, counter, id, add(1), { attempts: 1 })),
    );
    const conflicts = racing.filter(
      (r) => r.status === 'rejected' && r.reason instanceof VersionConflict,
    );
    expect(conflicts.length).toBeGreaterThan(0);
    expect(conflicts.length).toBe(racing.filter((r) => r.status === 'rejected').length);
    expect(await total(id)).toBe(1 + racing.filter((r) => r.status === 'fulfilled').length);
  });

  it('a stale cached state is dropped and the command decided again on a fresh read', async () => {
    const id = stream();
    const mine = new StateCache<number>(10);
    const other = new StateCache<number>(10);
    await handle(ctx, counter, id, add(5), { cache: mine });
    await handle(ctx, counter, id, add(4), { cache: other }); // another process moves on
    // on the stale 5 the limit of 9 would allow 4 more; on the real 9 it refuses: the fresh read decides
    const refused = await handle(ctx, counter, id, add(4, 9), { cache: mine }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'OVER_LIMIT' });
    const fine = await handle(ctx, counter, id, add(1, 10), { cache: mine });
    expect(fine).toMatchObject({ state: 10, version: 3 });
    expect(mine.get(id)).toMatchObject({ state: 10, version: 3 });
  });

  it('a refusal writes nothing, and what alsoWrite writes commits or rolls back with the events', async () => {
    const id = stream();
    await db.query(`CREATE TABLE IF NOT EXISTS side (stream text, total int)`);
    await handle(ctx, counter, id, add(3), {
      alsoWrite: async (sql, w) => {
        await sql.query(`INSERT INTO side VALUES ($1, $2)`, [id, w.next]);
      },
    });
    const failed = await handle(ctx, counter, id, add(1), {
      alsoWrite: async () => {
        throw new Error('写入失败');
      },
    }).catch((e: Error) => e.message);
    expect(failed).toBe('写入失败');
    expect(await handle(ctx, counter, id, add(5, 4)).catch((e) => e.code)).toBe('OVER_LIMIT');
    expect(await total(id)).toBe(3);
    const { rows } = await db.query(`SELECT total FROM side WHERE stream = $1`, [id]);
    expect(rows).toEqual([{ total: 3 }]);
  });

  describe('handleOnce', () => {
    const keys = () => new IdempotencyKeys(db);
    const once = (id: string, key: string, n: number) =>
      handleOnce(ctx, counter, id, add(n), {
        attempts: 20,
        once: {
          keys: keys(),
          scope: id,
          key,
          bodyHash: bodyHash({ n }),
          answer: (s) => ({ total: s }),
        },
      });

    it('20 racing retries with one key apply once, and all answer the first result', async () => {
      const id = stream();
      const answers = await Promise.all(Array.from({ length: 20 }, () => once(id, 'k', 2)));
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
      expect(new Set(answers.map((a) => JSON.stringify(a.answer)))).toEqual(
        new Set([JSON.stringify({ total: 2 })]),
      );
      expect(await total(id)).toBe(2);
    });

    it('the same key with another body is a 422 and writes nothing', async () => {
      const id = stream();
      await once(id, 'k2', 1);
      expect(await once(id, 'k2', 7).catch((e) => e.code)).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await total(id)).toBe(1);
    });
  });

  it('appendBatch: every stream at its expected version or nothing, positions per stream', async () => {
    const a = stream();
    const b = stream();
    await handle(ctx, counter, a, add(1));
    const event = { type: 'Added', data: { n: 1 }, metadata };
    const stale = db.transaction((sql) =>
      appendBatch(ctx, sql, [
        { streamId: a, expectedVersion: 0, events: [event] },
        { streamId: b, expectedVersion: 0, events: [event] },
      ]),
    );
    await expect(stale).rejects.toBeInstanceOf(VersionConflict);
    expect(await ctx.store.readStream(b)).toEqual([]);
    const positions = await db.transaction((sql) =>
      appendBatch(ctx, sql, [
        { streamId: a, expectedVersion: 1, events: [event, event] },
        { streamId: b, expectedVersion: 0, events: [event] },
      ]),
    );
    const [ra, rb] = [await ctx.store.readStream(a), await ctx.store.readStream(b)];
    expect(positions.get(a)).toBe(ra.at(-1)?.position);
    expect(positions.get(b)).toBe(rb.at(-1)?.position);
    expect(ra.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  });
});
