import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  actingRole,
  ContentChanges,
  DisbursementRecord,
  Forbidden,
  formatYuan,
  NotFound,
  Role,
  TargetState,
  targetView,
  TargetView,
} from '@bp/domain';
import { randomUUID } from 'crypto';
import { Caller, TargetStore } from '../performance-target/target-store';
import { Idempotency } from './idempotency';

const UNIT_ROLES: readonly Role[] = ['preparer', 'unit_head', 'admin'];

function unitRole(caller: Caller): Role {
  const role = actingRole(caller.principal, UNIT_ROLES);
  if (!role)
    throw new Forbidden('ROLE_FORBIDDEN', '只有填报人、单位负责人或系统管理员可以执行此操作');
  return role;
}

export interface DisbursementInput {
  readonly amount: bigint;
  readonly date?: string;
  readonly period?: 'P1' | 'P2' | 'P3' | 'P4';
  readonly voucherNo: string;
  readonly source: 'fiscal' | 'other';
  readonly note: string;
}

export interface DisbursementAnswer {
  readonly id: string;
  readonly targetId: string;
  readonly amount: string;
  readonly date: string;
  readonly period: string | null;
  readonly voucherNo: string;
  readonly source: string;
  readonly note: string;
  readonly disbursed: string;
}

export type Answer<T> = {
  readonly answer: T;
  readonly position: bigint;
  readonly replayed: boolean;
};

export class RecordDisbursementCommand extends Command<Answer<DisbursementAnswer>> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly input: DisbursementInput,
    /** The request body as sent, for the idempotency check. */
    readonly body: unknown,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

function disbursementAnswer(s: TargetState, d: DisbursementRecord): DisbursementAnswer {
  return {
    id: d.id,
    targetId: s.id,
    amount: formatYuan(d.amount),
    date: d.date,
    period: d.period,
    voucherNo: d.voucherNo,
    source: d.source,
    note: d.note,
    disbursed: formatYuan(s.netDisbursed),
  };
}

@CommandHandler(RecordDisbursementCommand)
export class RecordDisbursementHandler implements ICommandHandler<RecordDisbursementCommand> {
  constructor(
    private readonly targets: TargetStore,
    private readonly idempotency: Idempotency,
  ) {}

  async execute({
    caller,
    targetId,
    input,
    body,
    idempotencyKey,
  }: RecordDisbursementCommand): Promise<Answer<DisbursementAnswer>> {
    const role = unitRole(caller);
    // scope before the idempotency store: a replayed key must not answer for another unit
    await this.targets.assertWritable(targetId, caller, role);
    const metadata = this.targets.metadata(caller, role);
    const disbursementId = randomUUID();
    const r = await this.idempotency.once<DisbursementAnswer>(
      targetId,
      idempotencyKey,
      body,
      async (remember) => {
        let answer: DisbursementAnswer | undefined;
        const outcome = await this.targets.run(
          targetId,
          caller,
          () => ({
            type: 'RecordDisbursement',
            data: { targetId, disbursementId, ...input },
            metadata,
          }),
          {
            alsoWrite: async (sql, next, position) => {
              answer = disbursementAnswer(
                next,
                next.disbursements.find((d) => d.id === disbursementId) as DisbursementRecord,
              );
              await remember(sql, answer, position);
            },
          },
        );
        return { response: answer as DisbursementAnswer, position: outcome.position };
      },
    );
    return { answer: r.response, position: r.position, replayed: r.replayed };
  }
}

export interface ReversalAnswer {
  readonly id: string;
  readonly disbursementId: string;
  readonly targetId: string;
  readonly amount: string;
  readonly reason: string;
  readonly remaining: string;
  readonly disbursed: string;
}

export class ReverseDisbursementCommand extends Command<Answer<ReversalAnswer>> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly disbursementId: string,
    readonly amount: bigint,
    readonly reason: string,
    readonly body: unknown,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

/** The answer of a reversal: what is left of the payment and of the target's net disbursed. */
function reversalAnswer(
  c: ReverseDisbursementCommand,
  reversalId: string,
  next: TargetState,
): ReversalAnswer {
  const d = next.disbursements.find((x) => x.id === c.disbursementId);
  if (!d) throw new NotFound('DISBURSEMENT_NOT_FOUND', '未找到该笔支出');
  return {
    id: reversalId,
    disbursementId: d.id,
    targetId: c.targetId,
    amount: formatYuan(c.amount),
    reason: c.reason.trim(),
    remaining: formatYuan(d.amount - d.reversed),
    disbursed: formatYuan(next.netDisbursed),
  };
}

@CommandHandler(ReverseDisbursementCommand)
export class ReverseDisbursementHandler implements ICommandHandler<ReverseDisbursementCommand> {
  constructor(
    private readonly targets: TargetStore,
    private readonly idempotency: Idempotency,
  ) {}

  async execute(c: ReverseDisbursementCommand): Promise<Answer<ReversalAnswer>> {
    const role = unitRole(c.caller);
    await this.targets.assertWritable(c.targetId, c.caller, role);
    const metadata = this.targets.metadata(c.caller, role);
    const reversalId = randomUUID();
    const data = {
      targetId: c.targetId,
      disbursementId: c.disbursementId,
      reversalId,
      amount: c.amount,
      reason: c.reason,
    };
    const r = await this.idempotency.once<ReversalAnswer>(
      c.targetId,
      c.idempotencyKey,
      c.body,
      async (remember) => {
        let answer: ReversalAnswer | undefined;
        const outcome = await this.targets.run(
          c.targetId,
          c.caller,
          () => ({ type: 'ReverseDisbursement', data, metadata }),
          {
            alsoWrite: async (sql, next, position) => {
              answer = reversalAnswer(c, reversalId, next);
              await remember(sql, answer, position);
            },
          },
        );
        return { response: answer as ReversalAnswer, position: outcome.position };
      },
    );
    return { answer: r.response, position: r.position, replayed: r.replayed };
  }
}

export class RequestAdjustmentCommand extends Command<{ target: TargetView; position: bigint }> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly reason: string,
    readonly changes: Pick<ContentChanges, 'budget' | 'plan' | 'indicators'>,
  ) {
    super();
  }
}

@CommandHandler(RequestAdjustmentCommand)
export class RequestAdjustmentHandler implements ICommandHandler<RequestAdjustmentCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute({ caller, targetId, reason, changes }: RequestAdjustmentCommand) {
    const metadata = this.targets.metadata(caller, unitRole(caller));
    const data = { targetId, adjustmentId: randomUUID(), reason, changes };
    const o = await this.targets.run(targetId, caller, () => ({
      type: 'RequestAdjustment',
      data,
      metadata,
    }));
    return { target: targetView(o.state), position: o.position };
  }
}
