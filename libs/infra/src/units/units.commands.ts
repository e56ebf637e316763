import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DepartmentReviewersSet,
  departmentReviewersDecider,
  departmentStreamId,
  Recipient,
  unitDecider,
  UnitEvent,
  UnitState,
  unitStreamId,
} from '@bp/domain';
import { OutboundPolicy } from '../alerts/outbound';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { handle, Written } from '../event-store/handle';
import { Caller, TargetStore } from '../performance-target/target-store';

export class SetUnitCommand extends Command<{
  unit: { code: string; name: string; departmentCode: string; heads: readonly Recipient[] };
  position: bigint;
}> {
  constructor(
    readonly caller: Caller,
    readonly code: string,
    readonly name: string,
    readonly heads: readonly Recipient[],
  ) {
    super();
  }
}

/** The `units` row of a SetUnit, in the transaction of its event. */
async function upsertUnitRow(sql: Sql, w: Written<UnitState, UnitEvent>): Promise<void> {
  for (const e of w.events) {
    await sql.query(
      `INSERT INTO units (code, name, department_code, heads, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, heads = EXCLUDED.heads, updated_at = EXCLUDED.updated_at`,
      [
        w.next.code,
        w.next.name,
        w.next.departmentCode,
        JSON.stringify(w.next.heads),
        e.metadata.at,
      ],
    );
  }
}

/** The `departments` row of a SetDepartmentReviewers, in the transaction of its event. */
async function upsertDepartmentRow(
  sql: Sql,
  w: Written<readonly Recipient[] | null, DepartmentReviewersSet>,
): Promise<void> {
  for (const e of w.events) {
    await sql.query(
      `INSERT INTO departments (code, reviewers, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET reviewers = EXCLUDED.reviewers, updated_at = EXCLUDED.updated_at`,
      [e.data.code, JSON.stringify(e.data.reviewers), e.metadata.at],
    );
  }
}

/** PUT /units/:code: the unit's name and heads, an event in its stream and a row in `units`. */
@CommandHandler(SetUnitCommand)
export class SetUnitHandler implements ICommandHandler<SetUnitCommand> {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
    private readonly outbound: OutboundPolicy,
  ) {}

  async execute({ caller, code, name, heads }: SetUnitCommand) {
    const metadata = this.targets.metadata(caller, 'admin');
    await this.outbound.assertRecipients(heads, 'heads');
    const ctx = { db: this.db, store: this.store };
    const command = { type: 'SetUnit' as const, data: { code, name, heads }, metadata };
    const r = await handle(ctx, unitDecider, unitStreamId(code), command, {
      alsoWrite: upsertUnitRow,
    });
    return {
      unit: {
        code,
        name: r.state.name,
        departmentCode: r.state.departmentCode,
        heads: r.state.heads,
      },
      position: r.position,
    };
  }
}

export class SetDepartmentReviewersCommand extends Command<{
  department: { code: string; reviewers: readonly Recipient[] };
  position: bigint;
}> {
  constructor(
    readonly caller: Caller,
    readonly code: string,
    readonly reviewers: readonly Recipient[],
  ) {
    super();
  }
}

/** PUT /departments/:code/reviewers: who receives the department's red alerts and escalations. */
@CommandHandler(SetDepartmentReviewersCommand)
export class SetDepartmentReviewersHandler implements ICommandHandler<SetDepartmentReviewersCommand> {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
    private readonly outbound: OutboundPolicy,
  ) {}

  async execute({ caller, code, reviewers }: SetDepartmentReviewersCommand) {
    const metadata = this.targets.metadata(caller, 'admin');
    await this.outbound.assertRecipients(reviewers, 'reviewers');
    const ctx = { db: this.db, store: this.store };
    const command = {
      type: 'SetDepartmentReviewers' as const,
      data: { code, reviewers },
      metadata,
    };
    const r = await handle(ctx, departmentReviewersDecider, departmentStreamId(code), command, {
      alsoWrite: upsertDepartmentRow,
    });
    return { department: { code, reviewers }, position: r.position };
  }
}
