import { Command, ICommandHandler, CommandHandler } from '@nestjs/cqrs';
import {
  actingRole,
  ContentChanges,
  CreateTarget,
  Forbidden,
  assertMayWrite,
  reviewSubjectOf,
  ReviewGrade,
  Role,
  targetId,
  TargetState,
  TargetView,
  targetView,
} from '@bp/domain';
import { Caller, CommandOutcome, TargetStore } from './target-store';

/** What every target command answers: the new state and where its last event stands. */
export interface TargetCommandResult {
  readonly target: TargetView;
  readonly position: bigint;
}

const UNIT_ROLES: readonly Role[] = ['preparer', 'unit_head', 'admin'];

function result(o: CommandOutcome): TargetCommandResult {
  return { target: targetView(o.state), position: o.position };
}

function unitRole(caller: Caller): Role {
  const role = actingRole(caller.principal, UNIT_ROLES);
  if (!role)
    throw new Forbidden('ROLE_FORBIDDEN', '只有填报人、单位负责人或系统管理员可以执行此操作');
  return role;
}

export class CreateTargetCommand extends Command<TargetCommandResult> {
  constructor(
    readonly caller: Caller,
    readonly input: CreateTarget['data'],
  ) {
    super();
  }
}

export class ReviseTargetCommand extends Command<TargetCommandResult> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly changes: ContentChanges,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

export class SubmitTargetCommand extends Command<TargetCommandResult> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
  ) {
    super();
  }
}

export class ReviewTargetCommand extends Command<TargetCommandResult> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly grade: ReviewGrade,
    readonly opinion: string,
  ) {
    super();
  }
}

@CommandHandler(CreateTargetCommand)
export class CreateTargetHandler implements ICommandHandler<CreateTargetCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute({ caller, input }: CreateTargetCommand): Promise<TargetCommandResult> {
    const role = unitRole(caller);
    assertMayWrite(caller.principal, role, input.unitCode);
    const id = targetId(input.fiscalYear, input.unitCode, input.projectCode);
    const metadata = this.targets.metadata(caller, role);
    return result(
      await this.targets.run(id, caller, () => ({ type: 'CreateTarget', data: input, metadata }), {
        creates: true,
      }),
    );
  }
}

@CommandHandler(ReviseTargetCommand)
export class ReviseTargetHandler implements ICommandHandler<ReviseTargetCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute({
    caller,
    targetId: id,
    changes,
    expectedVersion,
  }: ReviseTargetCommand): Promise<TargetCommandResult> {
    const metadata = this.targets.metadata(caller, unitRole(caller));
    const build = () => ({
      type: 'ReviseTarget' as const,
      data: { targetId: id, changes, source: 'api' as const },
      metadata,
    });
    return result(await this.targets.run(id, caller, build, { expectedVersion }));
  }
}

@CommandHandler(SubmitTargetCommand)
export class SubmitTargetHandler implements ICommandHandler<SubmitTargetCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute({ caller, targetId: id }: SubmitTargetCommand): Promise<TargetCommandResult> {
    const metadata = this.targets.metadata(caller, unitRole(caller));
    return result(
      await this.targets.run(id, caller, () => ({
        type: 'SubmitTarget',
        data: { targetId: id },
        metadata,
      })),
    );
  }
}

export class WithdrawTargetCommand extends Command<TargetCommandResult> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly reason: string,
  ) {
    super();
  }
}

/** 作废: the decider checks the state and that the caller is of the target's unit (or admin). */
@CommandHandler(WithdrawTargetCommand)
export class WithdrawTargetHandler implements ICommandHandler<WithdrawTargetCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute({
    caller,
    targetId: id,
    reason,
  }: WithdrawTargetCommand): Promise<TargetCommandResult> {
    const metadata = this.targets.metadata(caller, unitRole(caller));
    return result(
      await this.targets.run(id, caller, () => ({
        type: 'WithdrawTarget',
        data: { targetId: id, reason },
        metadata,
      })),
    );
  }
}

const REVIEWER_ROLES: readonly Role[] = ['department_reviewer', 'finance_reviewer'];

@CommandHandler(ReviewTargetCommand)
export class ReviewTargetHandler implements ICommandHandler<ReviewTargetCommand> {
  constructor(private readonly targets: TargetStore) {}

  async execute({
    caller,
    targetId: id,
    grade,
    opinion,
  }: ReviewTargetCommand): Promise<TargetCommandResult> {
    if (!actingRole(caller.principal, REVIEWER_ROLES)) {
      throw new Forbidden('ROLE_FORBIDDEN', '只有部门审核人或财政审核人可以审核');
    }
    // act in the role the awaited stage needs when the caller holds it; the decider refuses otherwise
    const build = (s: TargetState) => {
      const wanted = reviewSubjectOf(s)?.role;
      const role = actingRole(
        caller.principal,
        wanted ? [wanted, ...REVIEWER_ROLES] : REVIEWER_ROLES,
      ) as Role;
      return {
        type: 'ReviewTarget' as const,
        data: { targetId: id, grade, opinion },
        metadata: this.targets.metadata(caller, role),
      };
    };
    return result(await this.targets.run(id, caller, build));
  }
}
