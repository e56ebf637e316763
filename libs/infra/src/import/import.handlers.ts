import {
  Command,
  CommandHandler,
  ICommandHandler,
  IQueryHandler,
  Query,
  QueryHandler,
} from '@nestjs/cqrs';
import {
  departmentOf,
  DepartmentGoalsRecorded,
  departmentGoalsStreamId,
  NotFound,
  Scope,
} from '@bp/domain';
import { PostgresEventStore } from '../event-store/event-store';
import { Caller, toDomainEvent } from '../performance-target/target-store';
import { ImportInput, ImportReport, ImportService } from './import.service';

export class ImportDocumentCommand extends Command<{ report: ImportReport; position: bigint }> {
  constructor(
    readonly caller: Caller,
    readonly input: ImportInput,
  ) {
    super();
  }
}

@CommandHandler(ImportDocumentCommand)
export class ImportDocumentHandler implements ICommandHandler<ImportDocumentCommand> {
  constructor(private readonly imports: ImportService) {}

  execute({ caller, input }: ImportDocumentCommand) {
    return this.imports.run(caller, input);
  }
}

export type DepartmentGoalsView = DepartmentGoalsRecorded['data'] & { recordedAt: string };

export class GetDepartmentGoalsQuery extends Query<DepartmentGoalsView> {
  constructor(
    readonly caller: Caller,
    readonly departmentCode: string,
    readonly fiscalYear: number,
  ) {
    super();
  }
}

function seesDepartment(scope: Scope, code: string): boolean {
  return (
    scope.all ||
    scope.departments.includes(code) ||
    scope.units.some((u) => departmentOf(u) === code)
  );
}

/** Part 1 of the latest imported document of the department and year. */
@QueryHandler(GetDepartmentGoalsQuery)
export class GetDepartmentGoalsHandler implements IQueryHandler<GetDepartmentGoalsQuery> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({
    caller,
    departmentCode,
    fiscalYear,
  }: GetDepartmentGoalsQuery): Promise<DepartmentGoalsView> {
    const events = seesDepartment(caller.scope, departmentCode)
      ? await this.store.readStream(departmentGoalsStreamId(departmentCode, fiscalYear))
      : [];
    const last = events[events.length - 1];
    if (!last) {
      throw new NotFound(
        'DEPARTMENT_GOALS_NOT_FOUND',
        `部门 ${departmentCode} 没有 ${fiscalYear} 年度的部门整体绩效目标`,
        { departmentCode, fiscalYear },
      );
    }
    return {
      ...toDomainEvent<DepartmentGoalsRecorded>(last).data,
      recordedAt: last.recordedAt.toISOString(),
    };
  }
}
