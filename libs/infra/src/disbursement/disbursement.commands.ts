import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  actingRole,
  ApprovedTarget,
  assertApproved,
  ContentChanges,
  DisbursementRecord,
  Forbidden,
  formatYuan,
  ledgerOf,
  NotFound,
  Role,
  TargetState,
  targetView,
  TargetView,
} from '@bp/domain';
import { randomUUID } from 'crypto';
import { Answered } from '../event-store/handle';
import { Caller, TargetStore } from '../performance-target/target-store';

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

export type Answer<T> = Answered<T>;

export class RecordDisbursementCommand extends Command<Answer<DisbursementAnswer>> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly input: DisbursementInput,
    /** SHA-256 of the request body as sent (`bodyHash`), for the idempotency check. */
    readonly bodyHash: string,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

function disbursementAnswer(s: ApprovedTarget, d: DisbursementRecord): DisbursementAnswer {
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
  constructor(private readonly targets: TargetStore) {}

  async execute(c: RecordDisbursementCommand): Promise<Answer<DisbursementAnswer>> {
    const role = unitRole(c.caller);
    // scope before the idempotency store: a replayed key must not answer for another unit
    await this.targets.assertWritable(c.targetId, c.caller, role);
    const metadata = this.targets.metadata(c.caller, role);
    const data = { targetId: c.targetId, disbursementId: randomUUID(), ...c.input };
    return this.targets.runOnce(
      c.targetId,
      c.caller,
      () => ({ type: 'RecordDisbursement', data, metadata }),
      {
        key: c.idempotencyKey,
        bodyHash: c.bodyHash,
        answer: (next) => {
          const s = assertApproved(next, '登记支出'); // it is: the payment was just recorded on it
          return disbursementAnswer(
            s,
            s.disbursements.find((d) => d.id === data.disbursementId) as DisbursementRecord,
          );
        },
      },
    );
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
    /** SHA-256 of the request body as sent (`bodyHash`), for the idempotency check. */
    readonly bodyHash: string,
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
  const ledger = ledgerOf(next);
  const d = ledger.disbursements.find((x) => x.id === c.disbursementId);
  if (!d) throw new NotFound('DISBURSEMENT_NOT_FOUND', '未找到该笔支出');
  return {
    id: reversalId,
    disbursementId: d.id,
    targetId: c.targetId,
    amount: formatYuan(c.amount),
    reason: c.reason.trim(),
    remaining: formatYuan(d.amount - d.reversed),
    disbursed: formatYuan(ledger.netDisbursed),
  };
}

@CommandHandler(ReverseDisbursementCommand)
export class ReverseDisbursementHandler implements ICommandHandler<ReverseDisbursementCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute(c: ReverseDisbursementCommand): Promise<Answer<ReversalAnswer>> {
    const role = unitRole(c.caller);
    await this.targets.assertWritable(c.targetId, c.caller, role);
    const metadata = this.targets.metadata(c.caller, role);
    const reversalId = randomUUID();
    const data = { ...pick(c), reversalId };
    return this.targets.runOnce(
      c.targetId,
      c.caller,
      () => ({ type: 'ReverseDisbursement', data, metadata }),
      {
        key: c.idempotencyKey,
        bodyHash: c.bodyHash,
        answer: (next) => reversalAnswer(c, reversalId, next),
      },
    );
  }
}

function pick(c: ReverseDisbursementCommand) {
  const { targetId, disbursementId, amount, reason } = c;
  return { targetId, disbursementId, amount, reason };
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
