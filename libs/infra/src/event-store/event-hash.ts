import { canonicalJson } from '@bp/domain';
import { createHash } from 'crypto';

/** What an event's hash covers: everything stored of it but its position and recorded time. */
export interface HashedContent {
  readonly streamId: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: unknown;
}

/**
 * The link of an event in its stream's hash chain: SHA-256 over the previous event's hash and
 * the canonical JSON of this one (sorted keys, as jsonb gives them back in another order).
 */
export function eventHash(prevHash: string | null, e: HashedContent): string {
  return createHash('sha256')
    .update(`${prevHash ?? ''}\n${hashedContent(e)}`)
    .digest('hex');
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

/** Hashes a stream's new events in order, starting from the hash of the event before them. */
export function chain<
  E extends Omit<HashedContent, 'version' | 'streamId' | 'schemaVersion'> & {
    schemaVersion?: number;
  },
>(
  streamId: string,
  firstVersion: number,
  prevHash: string | null,
  events: readonly E[],
): { hash: string; prevHash: string | null }[] {
  let prev = prevHash;
  return events.map((e, i) => {
    const hash = eventHash(prev, {
      ...e,
      streamId,
      version: firstVersion + i,
      schemaVersion: e.schemaVersion ?? 1,
    });
    const link = { hash, prevHash: prev };
    prev = hash;
    return link;
  });
}
