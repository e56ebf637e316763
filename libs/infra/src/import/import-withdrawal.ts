import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  actingRole,
  Forbidden,
  NotFound,
  Role,
  targetDecider,
  TargetEvent,
  TargetState,
  targetStreamId,
  VersionConflict,
  withdrawalReason,
} from '@bp/domain';
import { Database } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { appendBatch } from '../event-store/handle';
import { upsertTargetList } from '../performance-target/target-list.projection';
import { Caller, foldTarget, TargetStore } from '../performance-target/target-store';
import { CatchUpNotifier } from '../queue/queues';

/** The answer of POST /imports/:importId/withdraw. */
export interface ImportWithdrawal {
  readonly importId: string;
  /** Drafts the import created, now withdrawn (作废). */
  readonly withdrawn: string[];
  /** Targets the import created that were no longer drafts (submitted since, or withdrawn). */
  readonly skipped: { id: string; status: string }[];
}

export class WithdrawImportCommand extends Command<{
  result: ImportWithdrawal;
  position: bigint;
}> {
  constructor(
    readonly caller: Caller,
    readonly importId: string,
    readonly reason: string,
  ) {
    super();
  }
}

/** One draft to withdraw: its stream version now, its state after, the events to append. */
interface Withdrawal {
  readonly id: string;
  readonly version: number;
  readonly next: TargetState;
  readonly decided: readonly TargetEvent[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ATTEMPTS = 3;

/**
 * Undoes an import run: withdraws the targets its TargetCreated events name that are still
 * drafts (never submitted), all in one transaction like the import itself. A preparer or unit
 * head acts on their own unit's targets only; an import with none the caller may see is a 404.
 */
@CommandHandler(WithdrawImportCommand)
export class WithdrawImportHandler implements ICommandHandler<WithdrawImportCommand> {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
    private readonly notifier: CatchUpNotifier,
  ) {}

  async execute({ caller, importId, reason }: WithdrawImportCommand) {
    const why = withdrawalReason(reason);
    const role = actingRole(caller.principal, ['admin', 'preparer', 'unit_head']);
    if (!role) {
      throw new Forbidden('ROLE_FORBIDDEN', '只有系统管理员、填报人或单位负责人可以撤销导入');
    }
    const ids = await this.createdBy(importId, caller, role);
    if (ids.length === 0) {
      throw new NotFound('IMPORT_NOT_FOUND', '未找到该次导入新建的、您可操作的目标', { importId });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(caller, role, importId, why, ids);
      } catch (e) {
        // someone wrote one of the targets between our read and the append: decide again
        if (!(e instanceof VersionConflict) || attempt >= MAX_ATTEMPTS) throw e;
      }
    }
  }

  /** The targets the run created, by the importId in their TargetCreated events (indexed). */
  private async createdBy(importId: string, caller: Caller, role: Role): Promise<string[]> {
    if (!UUID.test(importId)) return [];
    const { rows } = await this.db.query<{ target_id: string; unit_code: string }>(
      `SELECT target_id, data->>'unitCode' AS unit_code FROM events
        WHERE type = 'TargetCreated' AND data->>'importId' = $1 ORDER BY target_id`,
      [importId],
    );
    return rows
      .filter((r) => role === 'admin' || r.unit_code === caller.principal.unit)
      .map((r) => r.target_id);
  }

  private async attempt(
    caller: Caller,
    role: Role,
    importId: string,
    reason: string,
    ids: string[],
  ) {
    const streams = await this.store.readStreams(ids.map(targetStreamId));
    const metadata = this.targets.metadata(caller, role);
    const withdrawn: Withdrawal[] = [];
    const skipped: { id: string; status: string }[] = [];
    for (const id of ids) {
      const events = streams.get(targetStreamId(id)) ?? [];
      const state = foldTarget(events);
      if (state.status !== 'draft') {
        skipped.push({ id, status: state.status });
        continue;
      }
      const command = { type: 'WithdrawTarget' as const, data: { targetId: id, reason, importId } };
      const decided = targetDecider.decide({ ...command, metadata }, state);
      withdrawn.push({
        id,
        version: events.length,
        next: decided.reduce(targetDecider.evolve, state),
        decided,
      });
    }
    const position = await this.write(withdrawn);
    if (position > 0n) this.notifier.notify();
    return { result: { importId, withdrawn: withdrawn.map((w) => w.id), skipped }, position };
  }

  private async write(items: Withdrawal[]): Promise<bigint> {
    if (items.length === 0) return 0n;
    const batch = items.map((w) => ({
      streamId: targetStreamId(w.id),
      expectedVersion: w.version,
      events: w.decided,
    }));
    return this.db.transaction(async (sql) => {
      const positions = await appendBatch({ db: this.db, store: this.store }, sql, batch);
      for (const w of items) {
        await upsertTargetList(sql, w.next, positions.get(targetStreamId(w.id)) as bigint);
      }
      return [...positions.values()].reduce((max, p) => (p > max ? p : max), 0n);
    });
  }
}
