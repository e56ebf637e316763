import {
  CommandMetadata,
  ExistingTarget,
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
import { PostgresEventStore, RecordedEvent } from '../event-store/event-store';
import {
  Answered,
  EventStoreContext,
  foldRecorded,
  handle,
  handleOnce,
  HandleOptions,
  Loaded,
  OnceOptions,
  StateCache,
} from '../event-store/handle';
import { IdempotencyKeys } from '../event-store/idempotency-keys';
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

/** Targets whose last known state a process keeps (a district has a few thousand). */
const CACHED_TARGETS = 20_000;

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
  private readonly cache = new StateCache<TargetState>(CACHED_TARGETS);
  private readonly ctx: EventStoreContext;
  private readonly keys: IdempotencyKeys;

  constructor(
    db: Database,
    private readonly store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly notifier: CatchUpNotifier,
  ) {
    this.ctx = { db, store };
    this.keys = new IdempotencyKeys(db);
  }

  /** The target as its events say, up to `until` if given; 404 when absent or out of scope. */
  async load(
    id: string,
    scope: Scope,
    until?: Date,
  ): Promise<{ state: ExistingTarget; position: bigint }> {
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
    const { state } = this.cache.get(targetStreamId(id)) ?? (await this.read(targetStreamId(id)));
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
   * Runs a command on one target through the pipeline (event-store/handle.ts): read its stream
   * (or the cached state), decide, append the events and the target list row in one statement.
   * A concurrent write by someone else is retried a few times unless the client pinned the
   * version it read.
   */
  async run(
    id: string,
    caller: Caller,
    build: (s: TargetState) => TargetCommand,
    opts: RunOptions = {},
  ): Promise<CommandOutcome> {
    const h = await handle(
      this.ctx,
      targetDecider,
      targetStreamId(id),
      build,
      this.options(id, caller, opts),
    );
    return { state: h.state, position: h.position };
  }

  /** `run` once per Idempotency-Key (a disbursement, a reversal): a replay answers the first result. */
  runOnce<T>(
    id: string,
    caller: Caller,
    build: (s: TargetState) => TargetCommand,
    once: Omit<OnceOptions<TargetState, TargetEvent, T>, 'keys' | 'scope'>,
  ): Promise<Answered<T>> {
    return handleOnce(this.ctx, targetDecider, targetStreamId(id), build, {
      ...this.options(id, caller, {}),
      once: { ...once, keys: this.keys, scope: id },
    });
  }

  private options(
    id: string,
    caller: Caller,
    opts: RunOptions,
  ): HandleOptions<TargetCommand, TargetState, TargetEvent> {
    const alsoWrite = opts.alsoWrite;
    return {
      guard: ({ state }, command) => {
        assertRunnable(id, caller, state, opts);
        // every write on a target is checked against the acting role's own unit or department
        if (state.status !== 'none')
          assertMayWrite(caller.principal, command.metadata.actor.role, state.unitCode);
      },
      project: (next) => targetListUpsert(next),
      alsoWrite: alsoWrite && ((sql, w) => alsoWrite(sql, w.next, w.position)),
      cache: this.cache,
      attempts: opts.expectedVersion === undefined ? 3 : 1,
      onAppended: () => this.notifier.notify(),
    };
  }

  private async read(streamId: string): Promise<Loaded<TargetState>> {
    return foldRecorded(targetDecider, await this.store.readStream(streamId));
  }
}
