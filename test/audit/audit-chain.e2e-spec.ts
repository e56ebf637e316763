import { Client } from 'pg';
import request from 'supertest';
import { eventHash } from '@bp/infra/event-store/event-hash';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';
import { until } from '../support/processes';

interface Broken {
  position: string | null;
  streamId: string;
  version: number;
  reason: string;
}

/**
 * What a database superuser can do to the audit chain (issue 14, item 8), each on a target of
 * its own: delete the last event, all events, the stream row, backdate recorded_at, rewrite an
 * event and recompute the chain with the public algorithm, forge the anchor. Each must make
 * GET /audit/verify answer ok:false naming the stream.
 */
describe('the audit chain against a superuser', () => {
  let t: TestApp;
  let auditor: string;
  const ids: string[] = [];
  const stream = (i: number) => `target-${ids[i]}`;
  const verify = async (targetId?: string) => {
    const res = await request(t.http)
      .get('/audit/verify')
      .query(targetId ? { targetId } : {})
      .set('Authorization', `Bearer ${auditor}`);
    expect(res.status).toBe(200);
    return res.body as { ok: boolean; checked: number; broken: Broken[]; anchored: unknown };
  };
  /** The whole verify fails naming the stream, and the stream's own verify finds exactly `reasons`. */
  const expectBroken = async (i: number, reasons: RegExp[]) => {
    const all = await verify();
    expect(all.ok).toBe(false);
    expect(all.broken.map((b) => b.streamId)).toContain(stream(i));
    const one = await verify(ids[i]);
    expect(one.ok).toBe(false);
    expect(one.broken.map((b) => b.streamId)).toEqual(reasons.map(() => stream(i)));
    expect(one.broken.map((b) => b.reason)).toEqual(reasons.map((r) => expect.stringMatching(r)));
  };
  const su = (work: (c: Client) => Promise<unknown>) => superuser(t.config.databaseUrl, work);

  beforeAll(async () => {
    t = await createTestApp('audit_chain');
    auditor = t.token({ sub: 'audit1', name: '审计员', roles: ['auditor'] });
    const prep = t.token({ sub: 'zhang', name: '张会计', roles: ['preparer'], unit: '314001' });
    for (let i = 0; i < 7; i++) {
      const body = targetBody({ projectCode: `13030322P0039141000${i}H`, projectName: `项目${i}` });
      const created = await request(t.http)
        .post('/targets')
        .set('Authorization', `Bearer ${prep}`)
        .send(body);
      expect(created.status).toBe(201);
      ids.push(created.body.id);
      const submitted = await request(t.http)
        .post(`/targets/${created.body.id}/submit`)
        .set('Authorization', `Bearer ${prep}`);
      expect(submitted.status).toBe(200);
    }
  });
  afterAll(() => t?.close());

  it('an untouched database verifies, and the first whole verify signs an anchor', async () => {
    const first = await verify();
    expect(first).toMatchObject({ ok: true, broken: [], anchored: { streams: 7 } });
    expect(first.checked).toBe(14);
    // nothing changed since: no new anchor
    expect(await verify()).toMatchObject({ ok: true, anchored: null });
    const [anchor] = await t.sql<{ key_id: string; heads: Record<string, unknown> }>(
      `SELECT key_id, heads FROM audit_anchors ORDER BY id DESC LIMIT 1`,
    );
    expect(Object.keys(anchor.heads).sort()).toEqual(ids.map((id) => `target-${id}`).sort());
  });

  it("deleting a stream's last event is found (against streams.version and the anchor)", async () => {
    await su((c) =>
      c.query(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 2`, [stream(0)]),
    );
    await expectBroken(0, [/^事件缺失：流的版本为 2/, /^事件缺失：签名锚点记录的第 2 版/]);
  });

  it("deleting all of a stream's events is found", async () => {
    await su((c) => c.query(`DELETE FROM events WHERE stream_id = $1`, [stream(1)]));
    await expectBroken(1, [/^事件缺失：流的版本为 2，却没有任何事件/]);
  });

  it('deleting a stream with its stream row is found by the anchor', async () => {
    await su(async (c) => {
      await c.query(`DELETE FROM events WHERE stream_id = $1`, [stream(2)]);
      await c.query(`DELETE FROM streams WHERE stream_id = $1`, [stream(2)]);
    });
    await expectBroken(2, [/^整个流已被删除/]);
  });

  it('events without a stream row are found', async () => {
    await su((c) => c.query(`DELETE FROM streams WHERE stream_id = $1`, [stream(3)]));
    await expectBroken(3, [/^流记录缺失：有 2 个事件/]);
  });

  it('backdating recorded_at of one event is found (the hash covers it)', async () => {
    await su((c) =>
      c.query(
        `UPDATE events SET recorded_at = recorded_at - interval '30 days' WHERE stream_id = $1 AND stream_version = 1`,
        [stream(4)],
      ),
    );
    await expectBroken(4, [/^内容被篡改/]);
  });

  it('a chain recomputed with the public algorithm after a change is found by the signed anchor', async () => {
    await su((c) => rewrite(c, stream(5)));
    // every link is sound again: only the signed head tells
    await expectBroken(5, [/^与签名锚点不符/]);
  });

  it('an anchor changed to match a rewritten chain no longer matches its signature', async () => {
    await su(async (c) => {
      await rewrite(c, stream(6));
      const { rows } = await c.query<{ hash: string }>(
        `SELECT hash FROM events WHERE stream_id = $1 AND stream_version = 2`,
        [stream(6)],
      );
      await c.query(
        `UPDATE audit_anchors SET heads = jsonb_set(heads, ARRAY[$1], jsonb_build_array(2, $2::text))`,
        [stream(6), rows[0].hash],
      );
    });
    const all = await verify();
    expect(all.ok).toBe(false);
    expect(all.broken).toContainEqual(
      expect.objectContaining({
        streamId: '(签名锚点)',
        reason: expect.stringMatching(/签名不符/),
      }),
    );
  });
});

describe('the worker signs anchors on its own (AUDIT_ANCHOR_INTERVAL_MS)', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('signs the heads without anyone asking, and again once they move', async () => {
    t = await createTestApp('audit_anchor', { auditAnchorIntervalMs: 300 }, { withWorker: true });
    const prep = t.token({ sub: 'zhang', name: '张会计', roles: ['preparer'], unit: '314001' });
    const create = (i: number) =>
      request(t.http)
        .post('/targets')
        .set('Authorization', `Bearer ${prep}`)
        .send(targetBody({ projectCode: `13030322P0039142000${i}H` }))
        .expect(201);
    const anchored = async () =>
      (
        await t.sql<{ heads: Record<string, unknown> }>(
          `SELECT heads FROM audit_anchors ORDER BY id DESC LIMIT 1`,
        )
      ).map((a) => Object.keys(a.heads).length)[0] ?? 0;
    await create(1);
    await until(async () => (await anchored()) === 1, 10000, 'the first anchor');
    await create(2);
    await until(async () => (await anchored()) === 2, 10000, 'the next anchor');
  }, 30000);
});

/** Changes the stream's first event and recomputes every hash after it, as verify does. */
async function rewrite(c: Client, streamId: string): Promise<void> {
  const { rows } = await c.query<{
    global_position: string;
    stream_version: number;
    event_id: string;
    type: string;
    schema_version: number;
    data: Record<string, unknown>;
    metadata: unknown;
    recorded_at: Date;
    hash_version: 1 | 2;
  }>(`SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);
  let prev: string | null = null;
  for (const [i, e] of rows.entries()) {
    const data = i === 0 ? { ...e.data, purpose: '改写后的用途' } : e.data;
    const hash = eventHash(prev, {
      streamId,
      version: e.stream_version,
      id: e.event_id,
      type: e.type,
      schemaVersion: e.schema_version,
      data,
      metadata: e.metadata,
      hashVersion: e.hash_version,
      recordedAt: e.recorded_at,
    });
    await c.query(
      `UPDATE events SET data = $2, hash = $3, prev_hash = $4 WHERE global_position = $1`,
      [e.global_position, JSON.stringify(data), hash, prev],
    );
    prev = hash;
  }
}

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
