import { Decider, DomainError, DomainEvent, VersionConflict } from '@bp/domain';
import { randomUUID } from 'crypto';
import { Database, Sql } from '../database/sql';
import { AppendResult, FollowUp, PostgresEventStore, RecordedEvent } from './event-store';
import { Remembered, IdempotencyKeys } from './idempotency-keys';

/**
 * The one path from a command to an append (issue 16, item 1): read the stream (or start from
 * the state this process cached), decide with the pure decider, append at the version read,
 * project inline in the same statement or transaction, retry on a concurrent write, and answer
 * a typed result. Every append of the code goes through `handle`, `handleOnce` or
 * `appendBatch` (a grep for the store's append finds only this file).
 */

type AnyEvent = DomainEvent<string, unknown>;

/** The store and the pool a command runs on. */
export interface EventStoreContext {
  readonly db: Database;
  readonly store: PostgresEventStore;
}

/** A stream's state with where it stands: its version (events read) and last global position. */
export interface Loaded<S> {
  readonly state: S;
  readonly version: number;
  readonly position: bigint;
}

/** What a command did: the state after it, the events it wrote (none: nothing to do), where. */
export interface Handled<S, E> extends Loaded<S> {
  readonly events: readonly E[];
}

/** What an append wrote, for the writes of its transaction: the state before and after. */
export interface Written<S, E> {
  readonly prev: S;
  readonly next: S;
  readonly events: readonly E[];
  /** Global position of the last event written. */
  readonly position: bigint;
}

/** The answer of a command run once per Idempotency-Key: the first answer on a replay. */
export interface Answered<T> {
  readonly answer: T;
  readonly position: bigint;
  readonly replayed: boolean;
}

/**
 * The last state this process wrote or read of each stream, most recent last. It saves the
 * stream read and fold on the next command and cannot make a wrong write: the append is
 * conditional on the version, so a state gone stale fails with a conflict, is dropped, and the
 * command is decided again on a fresh read.
 */
export class StateCache<S> {
  private readonly entries = new Map<string, Loaded<S>>();
  constructor(private readonly max: number) {}

  get(streamId: string): Loaded<S> | undefined {
    const hit = this.entries.get(streamId);
    if (hit) {
      this.entries.delete(streamId);
      this.entries.set(streamId, hit);
    }
    return hit;
  }

  set(streamId: string, loaded: Loaded<S>): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, loaded);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  drop(streamId: string): void {
    this.entries.delete(streamId);
  }
}

export interface HandleOptions<C, S, E> {
  /** Checks before deciding (existence, scope, a pinned version); throws to refuse. */
  readonly guard?: (loaded: Loaded<S>, command: C) => void;
  /** The read-model row written in the append's own statement (`$pos`: the position written). */
  readonly project?: (next: S, events: readonly E[]) => FollowUp | null;
  /** More to write in the append's transaction (a read-model table, an idempotency key). */
  readonly alsoWrite?: (sql: Sql, written: Written<S, E>) => Promise<void>;
  /** Start from (and keep) this process's last known state of the stream. */
  readonly cache?: StateCache<S>;
  /** Attempts on a concurrent write (default 3); 1 when the client pinned the version it read. */
  readonly attempts?: number;
  /** Called after a commit that wrote events (queue the projections' catch-up). */
  readonly onAppended?: () => void;
}

export interface OnceOptions<S, E, T> {
  readonly keys: IdempotencyKeys;
  /** Keys are unique within this scope (a target id). */
  readonly scope: string;
  /** No key: the command simply runs. */
  readonly key?: string;
  /** SHA-256 of the request body: the same key with another body is a 422. */
  readonly bodyHash: string;
  /** The answer to store with the key and return (also on a replay). */
  readonly answer: (state: S, events: readonly E[]) => T;
}

type Command<C, S> = C | ((state: S) => C);
type StreamDecider<C, E, S> = Pick<Decider<C, E, S>, 'initialState' | 'evolve' | 'decide'>;

/** A stream's state from its stored (already decoded) events. */
export function foldRecorded<S, E>(
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  recorded: readonly RecordedEvent[],
): Loaded<S> {
  const state = recorded.reduce(
    (s, e) => decider.evolve(s, { type: e.type, data: e.data, metadata: e.metadata } as E),
    decider.initialState(),
  );
  return { state, version: recorded.length, position: recorded.at(-1)?.position ?? 0n };
}

/** Runs a command on one stream: see the file's comment. */
export async function handle<C, E extends AnyEvent, S>(
  ctx: EventStoreContext,
  decider: StreamDecider<C, E, S>,
  streamId: string,
  command: Command<C, S>,
  opts: HandleOptions<C, S, E> = {},
): Promise<Handled<S, E>> {
  const cached = opts.cache?.get(streamId);
  if (cached) {
    try {
      return await attempt(ctx, decider, streamId, command, opts, cached);
    } catch (e) {
      // a refusal or a conflict may come of a stale state, and nothing was written (domain
      // errors are thrown before the append, or by its failure): decide again on a fresh read
      if (!(e instanceof DomainError)) throw e;
      opts.cache?.drop(streamId);
    }
  }
  for (let n = 1; ; n++) {
    try {
      const loaded = foldRecorded<S, E>(decider, await ctx.store.readStream(streamId));
      return await attempt(ctx, decider, streamId, command, opts, loaded);
    } catch (e) {
      if (!(e instanceof VersionConflict) || n >= (opts.attempts ?? 3)) throw e;
    }
  }
}

async function attempt<C, E extends AnyEvent, S>(
  ctx: EventStoreContext,
  decider: StreamDecider<C, E, S>,
  streamId: string,
  command: Command<C, S>,
  opts: HandleOptions<C, S, E>,
  loaded: Loaded<S>,
): Promise<Handled<S, E>> {
  const c = typeof command === 'function' ? (command as (s: S) => C)(loaded.state) : command;
  opts.guard?.(loaded, c);
  const events = decider.decide(c, loaded.state);
  if (events.length === 0) return { ...loaded, events };
  const next = events.reduce(decider.evolve, loaded.state);
  const r = await append(ctx, streamId, loaded, events, next, opts);
  const after = { state: next, version: loaded.version + events.length, position: r.lastPosition };
  opts.cache?.set(streamId, after);
  opts.onAppended?.();
  return { ...after, events };
}

/** The events and the inline row in one statement; with more to write, one transaction. */
function append<C, E extends AnyEvent, S>(
  ctx: EventStoreContext,
  streamId: string,
  prev: Loaded<S>,
  events: readonly E[],
  next: S,
  opts: HandleOptions<C, S, E>,
): Promise<AppendResult> {
  const stored = events.map((e) => ({ id: randomUUID(), ...e }));
  const followUp = opts.project?.(next, events) ?? null;
  const alsoWrite = opts.alsoWrite;
  if (!alsoWrite) return ctx.store.append(ctx.db, streamId, prev.version, stored, followUp);
  return ctx.db.transaction(async (sql) => {
    const appended = await ctx.store.append(sql, streamId, prev.version, stored, followUp);
    const position = appended.lastPosition;
    await alsoWrite(sql, { prev: prev.state, next, events, position });
    return appended;
  });
}

/**
 * `handle` once per Idempotency-Key: the same key and body answer the first result and write
 * nothing; the key is stored in the transaction of the events, under a primary key, so two
 * racing retries still apply once (the loser answers the winner's result).
 */
export async function handleOnce<C, E extends AnyEvent, S, T>(
  ctx: EventStoreContext,
  decider: StreamDecider<C, E, S>,
  streamId: string,
  command: Command<C, S>,
  opts: HandleOptions<C, S, E> & { readonly once: OnceOptions<S, E, T> },
): Promise<Answered<T>> {
  const { once } = opts;
  const replay = (r: Remembered<T>) => ({
    answer: r.response,
    position: r.position,
    replayed: true,
  });
  const earlier = once.key ? await once.keys.find<T>(once.scope, once.key, once.bodyHash) : null;
  if (earlier) return replay(earlier);
  let answer: T | undefined;
  const remember = async (sql: Sql, w: Written<S, E>) => {
    answer = once.answer(w.next, w.events);
    if (once.key) await once.keys.remember(sql, once, answer, w.position);
    await opts.alsoWrite?.(sql, w);
  };
  try {
    // without a key (and nothing else to write) the append is one autocommit statement, not a
    // transaction of three: the answer comes from the state it wrote (issue 17, item 2)
    const alsoWrite = once.key || opts.alsoWrite ? remember : undefined;
    const handled = await handle(ctx, decider, streamId, command, { ...opts, alsoWrite });
    const first = answer ?? once.answer(handled.state, handled.events);
    return { answer: first, position: handled.position, replayed: false };
  } catch (e) {
    const raced = once.key
      ? await once.keys.afterRace<T>(once.scope, once.key, once.bodyHash)
      : null;
    if (raced) return replay(raced);
    throw e;
  }
}

/** The events of one stream in a batch, at the version the stream must be at (0: new). */
export interface BatchItem {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: readonly { type: string; data: unknown; metadata: unknown }[];
}

/**
 * The batch form, for writers that decide over many streams at once (a sweep raising thousands
 * of alerts, an import of 36 tables): every stream at its expected version or nothing is
 * written, in the caller's transaction, in a few set-based statements. Answers the last
 * position written on each stream.
 */
export async function appendBatch(
  ctx: EventStoreContext,
  sql: Sql,
  items: readonly BatchItem[],
): Promise<Map<string, bigint>> {
  const batches = items
    .filter((b) => b.events.length > 0)
    .map((b) => ({ ...b, events: b.events.map((e) => ({ id: randomUUID(), ...e })) }));
  return ctx.store.appendMany(sql, batches);
}
