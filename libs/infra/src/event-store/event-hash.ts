import { canonicalJson } from '@bp/domain';
import { createHash } from 'crypto';

/**
 * What an event's hash covers: everything stored of it but its position, and from hash version 2
 * its recorded time too (`asOf` and the audit filters rely on it, so backdating must break it).
 */
export interface HashedContent {
  readonly streamId: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
  /** 1: events written before recorded_at was hashed; 2: recorded_at is covered. */
  readonly hashVersion?: 1 | 2;
  /** Stored to the millisecond from version 2 on, so this Date is exact. */
  readonly recordedAt?: Date;
}

/** The hash version new events get (bp_append computes the same, see its migration). */
export const HASH_VERSION = 2;

/**
 * The link of an event in its stream's hash chain: SHA-256 over the previous event's hash and
 * the canonical JSON of this one (sorted keys, as jsonb gives them back in another order);
 * from version 2, followed by its recorded time as ISO text in UTC to the millisecond.
 */
export function eventHash(prevHash: string | null, e: HashedContent): string {
  const version = e.hashVersion ?? 1;
  let text = `${prevHash ?? ''}\n${hashedContent(e)}`;
  if (version === 2) {
    if (!e.recordedAt) throw new Error('hash version 2 covers recorded_at: it is missing');
    text += `\n${e.recordedAt.toISOString()}`;
  }
  return createHash('sha256').update(text).digest('hex');
}

/** The canonical JSON an event's hash covers (the database chains it in `bp_append`). */
export function hashedContent(e: HashedContent): string {
  return canonicalJson({
    s: e.streamId,
    v: e.version,
    i: e.id,
    t: e.type,
    n: e.schemaVersion,
    d: e.data,
    m: e.metadata,
  });
}

/**
 * Hashes a stream's new events in order (hash version 2, all recorded at `recordedAt`), starting
 * from the hash of the event before them.
 */
export function chain<
  E extends Omit<HashedContent, 'version' | 'streamId' | 'schemaVersion'> & {
    schemaVersion?: number;
  },
>(
  streamId: string,
  firstVersion: number,
  prevHash: string | null,
  events: readonly E[],
  recordedAt: Date,
): { hash: string; prevHash: string | null }[] {
  let prev = prevHash;
  return events.map((e, i) => {
    const hash = eventHash(prev, {
      ...e,
      streamId,
      version: firstVersion + i,
      schemaVersion: e.schemaVersion ?? 1,
      hashVersion: HASH_VERSION,
      recordedAt,
    });
    const link = { hash, prevHash: prev };
    prev = hash;
    return link;
  });
}
