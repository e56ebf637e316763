import { VersionConflict } from '@bp/domain';
import { Database, Sql } from '../database/sql';
import { isUniqueViolation } from '../database/sql-error';
import { chain, HASH_VERSION, hashedContent } from './event-hash';
import { GroupCommit } from './group-commit';
import { Upcasters, upcasters as defaultUpcasters } from './upcasters';

/** An event to append; `id` makes the append idempotent. */
export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly schemaVersion?: number;
}

export interface RecordedEvent {
  readonly position: bigint;
  readonly transactionId: string;
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recordedAt: Date;
}

/**
 * A statement to run with an append, in the same statement (a CTE), so both or neither happen:
 * `$1..$n` are its own parameters, `$pos` the position of the last event written (NULL when
 * nothing was written, which the statement must then leave alone).
 */
export interface FollowUp {
  readonly text: string;
  readonly params: readonly unknown[];
}

export interface AppendResult {
  readonly nextVersion: number;
  /** Global position of the last event written (or found, for a repeated append). */
  readonly lastPosition: bigint;
  /** True when every event was there already and nothing was written. */
  readonly duplicate: boolean;
}

/** Where a subscriber stands: the (transaction id, position) of the last event it applied. */
export interface Checkpoint {
  readonly transactionId: string;
  readonly position: bigint;
}

export const START: Checkpoint = { transactionId: '0', position: 0n };

interface EventRow {
  global_position: string;
  tx_id: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
}

// The text form of transaction_id gets another name: ORDER BY would take an output column
// of the same name first and sort xids as text ('10000' < '9999').
const COLUMNS = `global_position, transaction_id::text AS tx_id, event_id, stream_id,
  stream_version, type, schema_version, data, metadata, recorded_at`;

function toRecorded(r: EventRow): RecordedEvent {
  return {
    position: BigInt(r.global_position),
    transactionId: r.tx_id,
    id: r.event_id,
    streamId: r.stream_id,
    streamVersion: r.stream_version,
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    recordedAt: r.recorded_at,
  };
}

function streamType(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
}

/** The events of one stream in a batch append, at the version the stream must be at (0: new). */
interface StreamBatch {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
}

/** Every event of the batches with its stream version and its link in the stream's hash chain. */
function chainedRows(
  live: readonly StreamBatch[],
  prev: Map<string, string | null>,
  recordedAt: Date,
) {
  const links = new Map(
    live.map((b) => [
      b.streamId,
      chain(b.streamId, b.expectedVersion + 1, prev.get(b.streamId) ?? null, b.events, recordedAt),
    ]),
  );
  return live.flatMap((b) =>
    b.events.map((e, i) => ({
      ...e,
      streamId: b.streamId,
      version: b.expectedVersion + i + 1,
      link: links.get(b.streamId)![i],
    })),
  );
}

/** Inserts the chained events in one statement; answers the last position written on each stream. */
async function insertChained(
  sql: Sql,
  rows: ReturnType<typeof chainedRows>,
  recordedAt: Date,
): Promise<Map<string, bigint>> {
  // one JSON document rather than arrays of JSON texts: node-pg escapes every element of a
  // text array, which for 100,000 events cost more than the insert itself
  // metadata shared by many events (one sweep's) is sent once and referred to by index
  const metas = new Map<unknown, number>();
  const doc = rows.map((r) => {
    if (!metas.has(r.metadata)) metas.set(r.metadata, metas.size);
    return {
      i: r.id,
      s: r.streamId,
      v: r.version,
      t: r.type,
      n: r.schemaVersion ?? 1,
      d: r.data,
      m: metas.get(r.metadata),
      h: r.link.hash,
      p: r.link.prevHash,
    };
  });
  const { rows: written } = await sql.query<{ stream_id: string; max: string }>(
    `WITH w AS (INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata, hash, prev_hash, recorded_at, hash_version)
       SELECT (e->>'i')::uuid, e->>'s', (e->>'v')::int, e->>'t', (e->>'n')::int2, e->'d', $2::jsonb->((e->>'m')::int), e->>'h', e->>'p', $3::timestamptz, ${HASH_VERSION}
         FROM jsonb_array_elements($1::jsonb) AS e RETURNING stream_id, global_position)
     SELECT stream_id, max(global_position)::text AS max FROM w GROUP BY stream_id`,
    [JSON.stringify(doc), JSON.stringify([...metas.keys()]), recordedAt],
  );
  return new Map(written.map((r) => [r.stream_id, BigInt(r.max)]));
}

/**
 * The one statement of an append (bp_append): move or create the stream, chain and insert the
 * events; the canonical JSON each hash covers is made here, the database only links it to the
 * last hash and (hash version 2) to the recorded time it sets.
 */
function appendStatement(
  streamId: string,
  expectedVersion: number,
  events: readonly NewEvent[],
  followUp?: FollowUp | null,
): { text: string; params: unknown[] } {
  const doc = events.map((e, k) => {
    const schemaVersion = e.schemaVersion ?? 1;
    const version = expectedVersion + k + 1;
    return {
      i: e.id,
      t: e.type,
      n: schemaVersion,
      d: e.data,
      m: e.metadata,
      c: hashedContent({ ...e, streamId, version, schemaVersion }),
    };
  });
  const params: unknown[] = [streamId, streamType(streamId), expectedVersion, JSON.stringify(doc)];
  if (!followUp) return { text: `SELECT bp_append($1, $2, $3, $4::jsonb)::text AS pos`, params };
  // the follow-up (an inline projection) in the same statement, its parameters after ours
  const shift = params.length;
  const follow = followUp.text
    .replace(/\$(\d+)/g, (_, k: string) => `$${Number(k) + shift}`)
    .replaceAll('$pos', '(SELECT a.pos FROM a)');
  const text = `WITH a AS MATERIALIZED (SELECT bp_append($1, $2, $3, $4::jsonb) AS pos),
        f AS (${follow})
        SELECT pos::text AS pos FROM a`;
  return { text, params: [...params, ...followUp.params] };
}

/** The append-only event store on PostgreSQL: the source of truth and the outbox. */
export class PostgresEventStore {
  /** Concurrent command appends share a statement and a commit (issue 17, item 2). */
  private readonly group = new GroupCommit((text, params) =>
    this.insertOrReused<Record<string, unknown>>(this.db, text, params),
  );

  constructor(
    private readonly db: Database,
    /** Every read decodes through these, so readers see each type's current shape. */
    private readonly upcasters: Upcasters = defaultUpcasters,
  ) {}

  /** A stored row as readers see it: decoded to the current schema version of its type. */
  private decode = (r: EventRow): RecordedEvent => this.upcasters.decode(toRecorded(r));

  /** Events without a version are written at their type's current one. */
  private stamped(events: readonly NewEvent[]): NewEvent[] {
    return events.map((e) =>
      e.schemaVersion === undefined
        ? { ...e, schemaVersion: this.upcasters.currentVersion(e.type) }
        : e,
    );
  }

  /** The events of one stream in order; with `until`, only those recorded at or before it (to the millisecond, as clients see times). */
  async readStream(streamId: string, until?: Date, sql: Sql = this.db): Promise<RecordedEvent[]> {
    const { rows } = await sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events
        WHERE stream_id = $1 AND ($2::timestamptz IS NULL OR date_trunc('milliseconds', recorded_at) <= $2)
        ORDER BY stream_version`,
      [streamId, until ?? null],
    );
    return rows.map(this.decode);
  }

  /** The events of several streams at once, grouped by stream, each in order. */
  async readStreams(
    streamIds: readonly string[],
    sql: Sql = this.db,
  ): Promise<Map<string, RecordedEvent[]>> {
    const out = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return out;
    const { rows } = await sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`,
      [streamIds],
    );
    for (const r of rows) out.get(r.stream_id)?.push(this.decode(r));
    return out;
  }

  /**
   * Appends events to a stream at `expectedVersion` (0: the stream must not exist yet).
   * Throws VersionConflict when the stream has moved on. Repeating an append whose event ids
   * are all stored already writes nothing and answers where they are.
   */
  async append(
    sql: Sql,
    streamId: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    followUp?: FollowUp | null,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const { text, params } = appendStatement(
      streamId,
      expectedVersion,
      this.stamped(events),
      followUp,
    );
    const pos = await this.send(sql, streamId, text, params, followUp);
    if (pos == null) {
      const existing = await this.findExisting(sql, events);
      if (existing) return existing;
      throw new VersionConflict(
        'VERSION_CONFLICT',
        `数据已被他人修改（已不是第 ${expectedVersion} 版），请刷新后重试`,
        { streamId, expectedVersion },
      );
    }
    return {
      nextVersion: expectedVersion + events.length,
      lastPosition: BigInt(pos),
      duplicate: false,
    };
  }

  /**
   * Appends to many streams in a few set-based statements (a sweep raising thousands of alerts):
   * each stream must be at its expected version (0: new), or nothing is written.
   * Answers the last position written on each stream.
   */
  async appendMany(sql: Sql, batches: readonly StreamBatch[]): Promise<Map<string, bigint>> {
    const live = batches
      .filter((b) => b.events.length > 0)
      .map((b) => ({ ...b, events: this.stamped(b.events) }));
    if (live.length === 0) return new Map();
    await this.moveStreams(sql, live);
    const prev = await this.lastHashes(sql, live);
    // hash version 2 covers recorded_at: take the database's time, to the millisecond, as bp_append does
    const { rows: clock } = await sql.query<{ now: Date }>(
      `SELECT date_trunc('milliseconds', now()) AS now`,
    );
    const recordedAt = clock[0].now;
    return insertChained(sql, chainedRows(live, prev, recordedAt), recordedAt);
  }

  /** Creates the new streams and moves the others on, each only from its expected version. */
  private async moveStreams(sql: Sql, live: readonly StreamBatch[]): Promise<void> {
    const fresh = live.filter((b) => b.expectedVersion === 0);
    const old = live.filter((b) => b.expectedVersion > 0);
    const created = await sql.query(
      `INSERT INTO streams (stream_id, stream_type, version) SELECT s, split_part(s, '-', 1), v FROM unnest($1::text[], $2::int[]) AS u(s, v) ON CONFLICT DO NOTHING`,
      [fresh.map((b) => b.streamId), fresh.map((b) => b.events.length)],
    );
    const moved = await sql.query(
      `UPDATE streams s SET version = u.next, updated_at = now() FROM unnest($1::text[], $2::int[], $3::int[]) AS u(id, expected, next)
        WHERE s.stream_id = u.id AND s.version = u.expected`,
      [
        old.map((b) => b.streamId),
        old.map((b) => b.expectedVersion),
        old.map((b) => b.expectedVersion + b.events.length),
      ],
    );
    if (created.rowCount + moved.rowCount !== live.length) {
      throw new VersionConflict('VERSION_CONFLICT', '部分数据在读取后已被他人修改，请刷新后重试', {
        streams: live.length,
      });
    }
  }

  /** The hash of each stream's last event (the one at its expected version). */
  private async lastHashes(
    sql: Sql,
    streams: readonly { streamId: string; expectedVersion: number }[],
  ): Promise<Map<string, string | null>> {
    const existing = streams.filter((s) => s.expectedVersion > 0);
    if (existing.length === 0) return new Map();
    const { rows } = await sql.query<{ stream_id: string; hash: string | null }>(
      `SELECT e.stream_id, e.hash FROM events e JOIN unnest($1::text[], $2::int[]) AS u(s, v) ON e.stream_id = u.s AND e.stream_version = u.v`,
      [existing.map((s) => s.streamId), existing.map((s) => s.expectedVersion)],
    );
    return new Map(rows.map((r) => [r.stream_id, r.hash]));
  }

  /** Runs the insert; ids stored already (a batch partly repeated) are refused as such. */
  private async insertOrReused<T>(
    sql: Sql,
    text: string,
    params: unknown[],
  ): Promise<{ rows: T[] }> {
    try {
      return await sql.query<T>(text, params);
    } catch (e) {
      if (isUniqueViolation(e, 'events_event_id_unique'))
        throw new VersionConflict('EVENT_ID_REUSED', '这些事件编号已经存在', {});
      throw e;
    }
  }

  /**
   * An autocommit append to a target stream (the command path) leaves in one statement and commit
   * with the appends running beside it (group-commit.ts); its follow-up writes only its own
   * target_list row. In a transaction, or on any other stream, the statement goes alone.
   */
  private async send(
    sql: Sql,
    streamId: string,
    text: string,
    params: unknown[],
    followUp?: FollowUp | null,
  ): Promise<string | null | undefined> {
    if (sql !== this.db || !streamId.startsWith('target-'))
      return (await this.insertOrReused<{ pos: string | null }>(sql, text, params)).rows[0]?.pos;
    const follow = followUp ? { text: followUp.text, params: params.slice(4) } : null;
    const call = { streamId, appendParams: params.slice(0, 4), follow, alone: { text, params } };
    return this.group.append(call);
  }

  private async findExisting(sql: Sql, events: readonly NewEvent[]): Promise<AppendResult | null> {
    // event_ids: the one index of every event id, whatever fiscal year's partition holds it
    const { rows } = await sql.query<{ global_position: string; stream_version: number }>(
      `SELECT global_position, stream_version FROM event_ids WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`,
      [events.map((e) => e.id)],
    );
    if (rows.length === 0) return null;
    if (rows.length !== events.length) {
      throw new VersionConflict('EVENT_ID_REUSED', '其中部分事件编号已经存在', {});
    }
    const last = rows[rows.length - 1];
    return {
      nextVersion: last.stream_version,
      lastPosition: BigInt(last.global_position),
      duplicate: true,
    };
  }

  /**
   * Events after `after` in commit-safe order: only those whose transaction is older than the
   * oldest transaction still in flight, so an event committing late is never skipped.
   * Ordered by (transaction id, position); the last one read is the next checkpoint.
   */
  async readAll(after: Checkpoint, limit: number, sql: Sql = this.db): Promise<RecordedEvent[]> {
    const { rows } = await sql.query<EventRow>(
      // ">= (tx, position + 1)", the same rows as "> (tx, position)": the planner estimates a row
      // comparison by its first column, and "> tx" inside a transaction of many events (an
      // import, a sweep) looks empty, so over the fiscal-year partitions it sorted every later
      // event instead of merging the partitions' index scans (DESIGN.md, "Event store")
      `SELECT ${COLUMNS} FROM events
        WHERE (transaction_id, global_position) >= ($1::xid8, $2::bigint + 1)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position
        LIMIT $3`,
      [after.transactionId, after.position.toString(), limit],
    );
    return rows.map(this.decode);
  }

  /** The highest global position written so far (0 when empty). */
  async headPosition(sql: Sql = this.db): Promise<bigint> {
    const { rows } = await sql.query<{ max: string | null }>(
      `SELECT max(global_position) AS max FROM events`,
    );
    return BigInt(rows[0]?.max ?? 0);
  }
}

export function checkpointOf(event: RecordedEvent): Checkpoint {
  return { transactionId: event.transactionId, position: event.position };
}
