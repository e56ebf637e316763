import { canonicalJson } from '@bp/domain';
import { Database, Sql } from '../database/sql';
import { eventHash } from '../event-store/event-hash';
import { AuditKeyRing } from './audit-key';

/** One thing verify found wrong: an event, or a whole stream (position null). */
export interface BrokenLink {
  readonly position: string | null;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly reason: string;
}

export interface AnchorInfo {
  readonly id: string;
  readonly keyId: string;
  readonly signedAt: string;
  readonly streams: number;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  /** The first MAX_LISTED things found wrong; `brokenTotal` counts them all. */
  readonly broken: BrokenLink[];
  readonly brokenTotal: number;
  /** The signed anchor the chain was compared with (null: none yet). */
  readonly anchor: AnchorInfo | null;
  /** The anchor this run signed (only a whole verify that found nothing wrong signs one). */
  readonly anchored: AnchorInfo | null;
}

/** At most this many broken links are listed (a table of events written by hand may have millions). */
const MAX_LISTED = 1000;

/** What verify found wrong: the first MAX_LISTED listed, all counted. */
class Findings {
  readonly items: BrokenLink[] = [];
  total = 0;

  push(...found: BrokenLink[]): void {
    this.total += found.length;
    for (const b of found) if (this.items.length < MAX_LISTED) this.items.push(b);
  }
}

/** Each stream's head: its last version and that event's hash. */
type Heads = Record<string, [number, string | null]>;

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  event_id: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
  ms_exact: boolean;
  hash: string | null;
  prev_hash: string | null;
  hash_version: number;
}

interface AnchorRow {
  id: string;
  key_id: string;
  signed_at: Date;
  streams: number;
  heads: Heads;
  signature: string;
}

/** Older anchors kept: deleting the newest one falls back to the one before, not to none. */
const ANCHORS_KEPT = 10;
const ANCHOR_STREAM = '(签名锚点)';

/** The text an anchor's signature covers. */
const anchorText = (keyId: string, signedAt: string, heads: Heads) =>
  canonicalJson({ k: keyId, t: signedAt, h: heads });

/**
 * Verifies the audit chain: every stream listed in `streams` has exactly the events 1..version,
 * every event belongs to a listed stream, each event's hash matches its content (and, from hash
 * version 2, its recorded time) and links to the one before, and every head the latest signed
 * anchor names is still there with the same hash: a chain recomputed with the public algorithm
 * after a change no longer matches the head signed with a key the database does not hold.
 */
export class ChainVerifier {
  constructor(
    private readonly db: Database,
    private readonly keys: AuditKeyRing,
    /** Streams per page and events per batch (small in tests, so paging is exercised). */
    private readonly sizes = { streams: 1000, events: 5000 },
  ) {}

  async verify(targetId?: string): Promise<VerifyResult> {
    const only = targetId ? `target-${targetId}` : null;
    // one snapshot, so an append between two pages is not taken for a missing event
    const run = await this.db.transaction(async (sql) => {
      await sql.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const broken = new Findings();
      const anchor = await this.latestAnchor(sql, broken);
      const walked = await this.walk(sql, only, anchor?.heads ?? {}, broken);
      const orphaned = await orphans(sql, only);
      broken.push(...orphaned);
      const seen = new Set([...Object.keys(walked.heads), ...orphaned.map((o) => o.streamId)]);
      for (const [id, [version]] of Object.entries(anchor?.heads ?? {}))
        if ((only === null || id === only) && !seen.has(id))
          broken.push(
            streamBroken(id, version, '整个流已被删除：签名锚点记录了它，现已没有流记录和事件'),
          );
      return { broken, anchor, ...walked };
    });
    const ok = run.broken.total === 0;
    const anchored = ok && only === null ? await this.writeAnchor(run.heads, run.anchor) : null;
    return {
      ok,
      checked: run.checked,
      broken: run.broken.items,
      brokenTotal: run.broken.total,
      anchor: run.anchor ? info(run.anchor) : null,
      anchored,
    };
  }

  /**
   * Walks the streams a page at a time and each page's events in batches (one stream may hold
   * 100,000 alerts), checking each stream as its events come; answers the heads seen.
   */
  private async walk(sql: Sql, only: string | null, anchored: Heads, broken: Findings) {
    const heads: Heads = {};
    let checked = 0;
    let after = '';
    for (;;) {
      const { rows: streams } = await sql.query<{ stream_id: string; version: number }>(
        `SELECT stream_id, version FROM streams WHERE ($1::text IS NULL OR stream_id = $1) AND stream_id > $2
          ORDER BY stream_id LIMIT ${this.sizes.streams}`,
        [only, after],
      );
      const checks = new Map(
        streams.map((s) => [
          s.stream_id,
          new StreamCheck(s.stream_id, s.version, broken, anchored[s.stream_id]),
        ]),
      );
      await eachEvent(sql, [...checks.keys()], this.sizes.events, (e) =>
        checks.get(e.stream_id)!.add(e),
      );
      for (const c of checks.values()) {
        c.finish();
        heads[c.streamId] = [c.version, c.lastHash];
        checked += c.count;
      }
      if (streams.length < this.sizes.streams) break;
      after = streams[streams.length - 1].stream_id;
    }
    return { heads, checked };
  }

  /** The newest anchor, if its signature holds; a forged or unknown-key one is reported. */
  private async latestAnchor(sql: Sql, broken: Findings): Promise<AnchorRow | null> {
    const { rows } = await sql.query<AnchorRow>(
      `SELECT id::text AS id, key_id, signed_at, streams, heads, signature FROM audit_anchors ORDER BY id DESC LIMIT 1`,
    );
    const a = rows[0];
    if (!a) return null;
    const text = anchorText(a.key_id, a.signed_at.toISOString(), a.heads);
    const valid = this.keys.check(a.key_id, text, a.signature);
    if (valid === true) return a;
    broken.push(
      streamBroken(
        ANCHOR_STREAM,
        Number(a.id),
        valid === 'unknown-key'
          ? `签名锚点 #${a.id} 的密钥 ${a.key_id} 不在审计密钥中，无法核对`
          : `签名锚点 #${a.id} 的签名不符：锚点被改动或伪造`,
      ),
    );
    return null;
  }

  /** Signs the heads just verified, unless the newest anchor already says the same with the same key. */
  private async writeAnchor(heads: Heads, last: AnchorRow | null): Promise<AnchorInfo | null> {
    const keyId = this.keys.signingKeyId;
    if (last && last.key_id === keyId && canonicalJson(last.heads) === canonicalJson(heads))
      return null;
    const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const { signature } = this.keys.sign(anchorText(keyId, signedAt, heads));
    return this.db.transaction(async (sql) => {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO audit_anchors (key_id, signed_at, streams, heads, signature) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`,
        [keyId, signedAt, Object.keys(heads).length, JSON.stringify(heads), signature],
      );
      await sql.query(`DELETE FROM audit_anchors WHERE id <= $1::bigint - ${ANCHORS_KEPT}`, [
        rows[0].id,
      ]);
      return { id: rows[0].id, keyId, signedAt, streams: Object.keys(heads).length };
    });
  }
}

function info(a: AnchorRow): AnchorInfo {
  return { id: a.id, keyId: a.key_id, signedAt: a.signed_at.toISOString(), streams: a.streams };
}

function streamBroken(streamId: string, version: number, reason: string): BrokenLink {
  return { position: null, streamId, version, type: '', reason };
}

/** Hands each event of the streams to `visit`, in stream and version order, a batch at a time. */
async function eachEvent(
  sql: Sql,
  streamIds: string[],
  batch: number,
  visit: (e: EventRow) => void,
): Promise<void> {
  let after: [string, number] = ['', 0];
  while (streamIds.length > 0) {
    const { rows } = await sql.query<EventRow>(
      `SELECT global_position::text AS global_position, stream_id, stream_version, type, schema_version, event_id, data,
              metadata, recorded_at, recorded_at = date_trunc('milliseconds', recorded_at) AS ms_exact, hash, prev_hash, hash_version
         FROM events WHERE stream_id = ANY($1::text[]) AND (stream_id, stream_version) > ($2, $3)
        ORDER BY stream_id, stream_version LIMIT ${batch}`,
      [streamIds, after[0], after[1]],
    );
    rows.forEach(visit);
    if (rows.length < batch) return;
    const last = rows[rows.length - 1];
    after = [last.stream_id, last.stream_version];
  }
}

/** Events whose stream has no row in `streams` (it was deleted, or they were added beside it). */
async function orphans(sql: Sql, only: string | null): Promise<BrokenLink[]> {
  const { rows } = await sql.query<{
    stream_id: string;
    n: number;
    version: number;
    position: string;
  }>(
    `SELECT e.stream_id, count(*)::int AS n, max(e.stream_version) AS version, min(e.global_position)::text AS position
       FROM events e WHERE ($1::text IS NULL OR e.stream_id = $1)
        AND NOT EXISTS (SELECT 1 FROM streams s WHERE s.stream_id = e.stream_id)
      GROUP BY e.stream_id ORDER BY e.stream_id`,
    [only],
  );
  return rows.map((r) => ({
    position: r.position,
    streamId: r.stream_id,
    version: r.version,
    type: '',
    reason: `流记录缺失：有 ${r.n} 个事件，却没有对应的流记录`,
  }));
}

/** One stream, fed its events in order: versions exactly 1..version, each link sound, the signed head still there. */
class StreamCheck {
  count = 0;
  private prev?: EventRow;
  private anchorSeen = false;

  constructor(
    readonly streamId: string,
    readonly version: number,
    private readonly broken: Findings,
    private readonly anchored?: [number, string | null],
  ) {}

  get lastHash(): string | null {
    return this.prev?.hash ?? null;
  }

  add(e: EventRow): void {
    const expected = (this.prev?.stream_version ?? 0) + 1;
    const reason =
      e.stream_version !== expected
        ? `事件缺失：缺少第 ${expected}${e.stream_version - 1 > expected ? ` 至 ${e.stream_version - 1}` : ''} 版`
        : linkProblem(e, this.prev);
    if (reason) this.broken.push(eventBroken(e, reason));
    if (this.anchored && e.stream_version === this.anchored[0]) {
      this.anchorSeen = true;
      if (e.hash !== this.anchored[1])
        this.broken.push(
          eventBroken(
            e,
            `与签名锚点不符：第 ${e.stream_version} 版的哈希值与签名时不同（哈希链被改写后重算）`,
          ),
        );
    }
    this.prev = e;
    this.count++;
  }

  finish(): void {
    const { streamId, version } = this;
    if (!this.prev)
      return this.broken.push(
        streamBroken(streamId, version, `事件缺失：流的版本为 ${version}，却没有任何事件`),
      );
    const last = this.prev.stream_version;
    if (last < version)
      this.broken.push(
        streamBroken(
          streamId,
          version,
          `事件缺失：流的版本为 ${version}，最后的事件却是第 ${last} 版（末尾的事件被删除）`,
        ),
      );
    if (last > version)
      this.broken.push(
        streamBroken(
          streamId,
          version,
          `事件多于流的版本：流的版本为 ${version}，事件却到第 ${last} 版`,
        ),
      );
    if (this.anchored && !this.anchorSeen)
      this.broken.push(
        streamBroken(
          streamId,
          this.anchored[0],
          `事件缺失：签名锚点记录的第 ${this.anchored[0]} 版已不存在（签名后的事件被删除）`,
        ),
      );
  }
}

function eventBroken(e: EventRow, reason: string): BrokenLink {
  return {
    position: e.global_position,
    streamId: e.stream_id,
    version: e.stream_version,
    type: e.type,
    reason,
  };
}

function linkProblem(r: EventRow, before: EventRow | undefined): string | null {
  if (!r.hash) return '未存储哈希值';
  if (r.hash_version !== 1 && r.hash_version !== 2) return `未知的哈希版本 ${r.hash_version}`;
  // version 1 only ever precedes version 2: a later event back at 1 escaped its recorded time
  if (r.hash_version === 1 && before?.hash_version === 2)
    return '哈希版本被改回 1：记录时间不再受哈希保护';
  const expectedPrev = before?.hash ?? null;
  if ((r.prev_hash ?? null) !== expectedPrev) return '哈希链断开：记录的前一哈希值与前一事件不符';
  if (r.hash_version === 2 && !r.ms_exact)
    return '内容被篡改：记录时间被改动（不是写入时的毫秒值）';
  const hash = eventHash(expectedPrev, {
    streamId: r.stream_id,
    version: r.stream_version,
    id: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    hashVersion: r.hash_version,
    recordedAt: r.recorded_at,
  });
  if (hash === r.hash) return null;
  return r.hash_version === 2
    ? '内容被篡改：哈希值与存储的事件（含记录时间）不符'
    : '内容被篡改：哈希值与存储的事件不符';
}
