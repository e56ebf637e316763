import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideDepartmentReviewers,
  decideUnit,
  DepartmentReviewersSet,
  departmentStreamId,
  evolveUnit,
  initialUnitState,
  Recipient,
  UnitEvent,
  unitStreamId,
} from '@bp/domain';
import { OutboundPolicy } from '../alerts/outbound';
import { Database } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { Caller, TargetStore, toDomainEvent } from '../performance-target/target-store';
import { runStreamCommand } from '../shared/stream-command';

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
    const r = await runStreamCommand(this.db, this.store, {
      streamId: unitStreamId(code),
      fold: (events) =>
        events.map((e) => toDomainEvent<UnitEvent>(e)).reduce(evolveUnit, initialUnitState()),
      decide: (state) =>
        decideUnit({ type: 'SetUnit', data: { code, name, heads }, metadata }, state),
      project: async (sql, events) => {
        for (const e of events) {
          await sql.query(
            `INSERT INTO units (code, name, department_code, heads, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, heads = EXCLUDED.heads, updated_at = EXCLUDED.updated_at`,
            [code, name, e.data.departmentCode, JSON.stringify(heads), e.metadata.at],
          );
        }
      },
    });
    const state = r.events.reduce(evolveUnit, r.state);
    return {
      unit: { code, name: state.name, departmentCode: state.departmentCode, heads: state.heads },
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
    const r = await runStreamCommand(this.db, this.store, {
      streamId: departmentStreamId(code),
      fold: (events) =>
        events.length
          ? toDomainEvent<DepartmentReviewersSet>(events[events.length - 1]).data.reviewers
          : null,
      decide: (current) =>
        decideDepartmentReviewers(
          { type: 'SetDepartmentReviewers', data: { code, reviewers }, metadata },
          current,
        ),
      project: async (sql, events) => {
        for (const e of events) {
          await sql.query(
            `INSERT INTO departments (code, reviewers, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET reviewers = EXCLUDED.reviewers, updated_at = EXCLUDED.updated_at`,
            [code, JSON.stringify(reviewers), e.metadata.at],
          );
        }
      },
    });
    return { department: { code, reviewers }, position: r.position };
  }
}
