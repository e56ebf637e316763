import { randomUUID } from 'crypto';
import {
  CommandMetadata,
  DomainError,
  fold,
  assertMayWrite,
  inScope,
  NotFound,
  Principal,
  Role,
  Scope,
  targetDecider,
  TargetCommand,
  TargetEvent,
  TargetState,
  targetStreamId,
  VersionConflict,
} from '@bp/domain';
import { Database, Sql } from '../database/sql';
import {
  AppendResult,
  NewEvent,
  PostgresEventStore,
  RecordedEvent,
} from '../event-store/event-store';
import { CatchUpNotifier } from '../queue/queues';
import { Clock } from '../shared/clock';
import { targetListUpsert } from './target-list.projection';

/** Who calls, from the verified token and the HTTP request. */
export interface Caller {
  readonly principal: Principal;
  readonly scope: Scope;
  readonly requestId: string;
  readonly ip?: string;
}

export interface CommandOutcome {
  readonly state: TargetState;
  /** Global position of the last event written, or of the stream's last event if none was. */
  readonly position: bigint;
}

export interface RunOptions {
  /** The version the client read (If-Match): a mismatch is a 409 and is never retried. */
  readonly expectedVersion?: number;
  /** True for CreateTarget: the target need not exist yet. */
  readonly creates?: boolean;
  /** More to write in the same transaction as the events (an idempotency record, say). */
  readonly alsoWrite?: (sql: Sql, next: TargetState, position: bigint) => Promise<void>;
}

const MAX_ATTEMPTS = 3;
/** Targets whose last known state a process keeps (a district has a few thousand). */
const CACHED_TARGETS = 20_000;

/**
 * The last state this process wrote or read of each target, most recent last. It saves the
 * stream read and fold on the next command, and cannot make a wrong write: the append is
 * conditional on the stream's version, so a state gone stale (another process wrote) fails
 * with a version conflict, is dropped, and the command is retried on a fresh read.
 */
class StateCache {
  private readonly entries = new Map<string, { state: TargetState; position: bigint }>();
  constructor(private readonly max: number) {}

  get(id: string): { state: TargetState; position: bigint } | undefined {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
    }
    return hit;
  }

  set(id: string, state: TargetState, position: bigint): void {
    this.entries.delete(id);
    this.entries.set(id, { state, position });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  drop(id: string): void {
    this.entries.delete(id);
  }
}

/**
 * A stored event as the domain sees it: type, data and metadata. The store's reads have decoded
 * it already (event-store/upcasters.ts), so its data is in the current shape of its type.
 */
export function toDomainEvent<E = TargetEvent>(e: RecordedEvent): E {
  return { type: e.type, data: e.data, metadata: e.metadata } as E;
}

/** A target's state from its stored events. */
export function foldTarget(events: readonly RecordedEvent[]): TargetState {
  return fold(
    targetDecider,
    events.map((e) => toDomainEvent(e)),
  );
}

/** A command may run on `state`: the target exists in the caller's scope, at the pinned version. */
function assertRunnable(id: string, caller: Caller, state: TargetState, opts: RunOptions): void {
  if (!opts.creates && (state.status === 'none' || !inScope(caller.scope, state.unitCode))) {
    throw new NotFound('TARGET_NOT_FOUND', `绩效目标 ${id} 不存在`, { targetId: id });
  }
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== state.version) {
    throw new VersionConflict(
      'VERSION_CONFLICT',
      `绩效目标已被他人修改：当前为第 ${state.version} 版，不是第 ${opts.expectedVersion} 版，请刷新后重试`,
      {
        currentVersion: state.version,
        expectedVersion: opts.expectedVersion,
      },
    );
  }
}

/** Loads, decides, appends: the one path every target command takes. */
export class TargetStore {
  private readonly cache = new StateCache(CACHED_TARGETS);

  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly notifier: CatchUpNotifier,
  ) {}

  /** The target as its events say, up to `until` if given; 404 when absent or out of scope. */
  async load(
    id: string,
    scope: Scope,
    until?: Date,
  ): Promise<{ state: TargetState; position: bigint }> {
    const events = await this.store.readStream(targetStreamId(id), until);
    const state = foldTarget(events);
    if (state.status === 'none' || !inScope(scope, state.unitCode)) {
      throw new NotFound('TARGET_NOT_FOUND', `绩效目标 ${id} 不存在`, { targetId: id });
    }
    return { state, position: events[events.length - 1].position };
  }

  /**
   * The scope checks of a write, alone: for what answers before the command runs (an
   * idempotent replay), so a stored answer never reaches a caller who may not write there.
   */
  async assertWritable(id: string, caller: Caller, role: Role): Promise<void> {
    const { state } = this.cache.get(id) ?? (await this.read(targetStreamId(id)));
    if (state.status === 'none' || !inScope(caller.scope, state.unitCode)) {
      throw new NotFound('TARGET_NOT_FOUND', `绩效目标 ${id} 不存在`, { targetId: id });
    }
    assertMayWrite(caller.principal, role, state.unitCode);
  }

  metadata(caller: Caller, role: Role): CommandMetadata {
    const p = caller.principal;
    return {
      actor: { id: p.id, name: p.name, role, unit: p.unit, department: p.department },
      at: this.clock.now().toISOString(),
      requestId: caller.requestId,
      correlationId: caller.requestId,
      // the HTTP request (or CLI run) that carried the command caused its events
      causationId: caller.requestId,
      ip: caller.ip,
    };
  }

  /**
   * Runs a command on one target: read its stream, decide, append the events and update the
   * target list in one transaction. A concurrent write by someone else is retried a few times
   * unless the client pinned the version it read.
   */
  async run(
    id: string,
    caller: Caller,
    build: (s: TargetState) => TargetCommand,
    opts: RunOptions = {},
  ): Promise<CommandOutcome> {
    const cached = this.cache.get(id);
    if (cached) {
      try {
        return await this.attempt(id, caller, build, opts, cached);
      } catch (e) {
        // a refusal or a conflict may come of a stale state; nothing was written (domain errors
        // are all thrown before the append, or by its failure): decide again on a fresh read
        if (!(e instanceof DomainError)) throw e;
        this.cache.drop(id);
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(id, caller, build, opts);
      } catch (e) {
        const retry =
          e instanceof VersionConflict &&
          opts.expectedVersion === undefined &&
          attempt < MAX_ATTEMPTS;
        if (!retry) throw e;
      }
    }
  }

  private async attempt(
    id: string,
    caller: Caller,
    build: (s: TargetState) => TargetCommand,
    opts: RunOptions,
    cached?: { state: TargetState; position: bigint },
  ): Promise<CommandOutcome> {
    const streamId = targetStreamId(id);
    const { state, position: lastPosition } = cached ?? (await this.read(streamId));
    assertRunnable(id, caller, state, opts);
    const command = build(state);
    // every write on a target is checked against the acting role's own unit or department
    if (state.status !== 'none')
      assertMayWrite(caller.principal, command.metadata.actor.role, state.unitCode);
    const events = targetDecider.decide(command, state);
    if (events.length === 0) return { state, position: lastPosition };
    const next = events.reduce(targetDecider.evolve, state);
    const stored = events.map((e) => ({ id: randomUUID(), ...e }));
    const result = await this.append(streamId, state.version, stored, next, opts.alsoWrite);
    this.cache.set(id, next, result.lastPosition);
    this.notifier.notify();
    return { state: next, position: result.lastPosition };
  }

  /** The events and the target list row in one statement; with more to write, one transaction. */
  private async append(
    streamId: string,
    version: number,
    stored: NewEvent[],
    next: TargetState,
    alsoWrite: RunOptions['alsoWrite'],
  ): Promise<AppendResult> {
    if (!alsoWrite)
      return this.store.append(this.db, streamId, version, stored, targetListUpsert(next));
    return this.db.transaction(async (sql) => {
      const appended = await this.store.append(
        sql,
        streamId,
        version,
        stored,
        targetListUpsert(next),
      );
      await alsoWrite(sql, next, appended.lastPosition);
      return appended;
    });
  }

  private async read(streamId: string): Promise<{ state: TargetState; position: bigint }> {
    const recorded = await this.store.readStream(streamId);
    return { state: foldTarget(recorded), position: recorded[recorded.length - 1]?.position ?? 0n };
  }
}
