import { InvalidInput, Scope } from '@bp/domain';
import { Database, Sql } from '../database/sql';
import { AuditKeyRing } from './audit-key';
import { ChainVerifier, VerifyResult } from './audit-verify';

export interface AuditFilters {
  readonly targetId?: string;
  readonly unit?: string;
  readonly actor?: string;
  readonly type?: string;
  readonly from?: Date;
  readonly to?: Date;
}

export interface AuditItem {
  readonly position: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
  readonly actor: { id: string; name: string; role: string; unit: string | null };
  readonly at: string;
  readonly recordedAt: string;
  readonly requestId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly command: string | null;
  readonly ip: string | null;
}

interface Row {
  global_position: string;
  tx: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  event_id: string;
  data: unknown;
  metadata: Record<string, unknown> & { actor?: Record<string, string> };
  recorded_at: Date;
  hash: string | null;
  prev_hash: string | null;
}

const encode = (tx: string, pos: string) => Buffer.from(`${tx}:${pos}`).toString('base64url');
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

/** The cursor of a page: one this service made, or a 400 (never a number PostgreSQL refuses). */
function decode(cursor: string | undefined): [string, string] {
  if (cursor === undefined || cursor === '') return ['0', '0'];
  const m = /^(\d{1,20}):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m || BigInt(m[1]) > MAX_XID8 || BigInt(m[2]) > MAX_BIGINT) {
    throw new InvalidInput('INVALID_CURSOR', '翻页游标无效，请从第一页重新查询', 'cursor');
  }
  return [m[1], m[2]];
}

function item(r: Row): AuditItem {
  const m = r.metadata;
  const a = m.actor ?? {};
  const s = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : null);
  return {
    position: r.global_position,
    streamId: r.stream_id,
    version: r.stream_version,
    type: r.type,
    data: r.data,
    actor: { id: a.id ?? '', name: a.name ?? '', role: a.role ?? '', unit: a.unit ?? null },
    at: s('at') ?? r.recorded_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    requestId: s('requestId'),
    correlationId: s('correlationId'),
    causationId: s('causationId'),
    command: s('command'),
    ip: s('ip'),
  };
}

/**
 * The audit trail over the event store. Pages are read commit-safely, ordered by (transaction,
 * position) like the projections, so a page boundary never skips an event that commits late;
 * the cursor is opaque. Filters use the derived, indexed columns of the events table.
 */
export class AuditService {
  private readonly verifier: ChainVerifier;

  /**
   * `reads`: where pages (and so the CSV and .xlsx) are read, the replica when there is one
   * (ReadDatabase); verify stays on the primary, whose chain it signs.
   */
  constructor(
    db: Database,
    keys: AuditKeyRing,
    private readonly reads: Sql = db,
  ) {
    this.verifier = new ChainVerifier(db, keys);
  }

  async page(
    f: AuditFilters,
    scope: Scope,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const [tx, pos] = decode(cursor);
    const { rows } = await this.reads.query<Row>(
      `SELECT global_position, transaction_id::text AS tx, stream_id, stream_version, type, schema_version, event_id,
              data, metadata, recorded_at, hash, prev_hash
         FROM events
        WHERE ($1::text IS NULL OR target_id = $1) AND ($2::text IS NULL OR unit_code = $2)
          AND ($3::text IS NULL OR actor_id = $3) AND ($4::text IS NULL OR type = $4)
          AND ($5::timestamptz IS NULL OR recorded_at >= $5) AND ($6::timestamptz IS NULL OR recorded_at < $6)
          AND ($7::boolean OR unit_code = ANY($8::text[]))
          AND (transaction_id, global_position) >= ($9::xid8, $10::bigint + 1) -- as readAll: > estimated as empty
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position LIMIT $11`,
      [
        f.targetId ?? null,
        f.unit ?? null,
        f.actor ?? null,
        f.type ?? null,
        f.from ?? null,
        f.to ?? null,
        scope.all,
        scope.units,
        tx,
        pos,
        limit + 1,
      ],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(item),
      nextCursor: rows.length > limit && last ? encode(last.tx, last.global_position) : null,
    };
  }

  /**
   * Verifies the audit chain of one target's stream, or of everything (see ChainVerifier); a
   * whole verify that finds nothing wrong signs the heads it checked as the next anchor.
   */
  verify(targetId?: string): Promise<VerifyResult> {
    return this.verifier.verify(targetId);
  }
}
