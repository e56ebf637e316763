import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  DepartmentGoals,
  DepartmentGoalsRecorded,
  departmentGoalsStreamId,
  isApproved,
  NotFound,
  Scope,
  TargetState,
  targetStreamId,
} from '@bp/domain';
import { ReadDatabase } from '../database/read-database';
import { PostgresEventStore, RecordedEvent } from '../event-store/event-store';
import { Caller, foldTarget, toDomainEvent } from '../performance-target/target-store';
import { departmentNameOf, Publication, PublishedTable } from './publication.layout';

export class DepartmentPublicationQuery extends Query<Publication> {
  constructor(
    readonly caller: Caller,
    readonly departmentCode: string,
    readonly fiscalYear: number,
  ) {
    super();
  }
}

/** Only who reads the whole department: its reviewers, finance, auditors and admins. */
const readsDepartment = (scope: Scope, code: string) =>
  scope.all || scope.departments.includes(code);

/** The approved version in force (after an approved adjustment, the adjusted content). */
function publishedTable(s: TargetState): PublishedTable | null {
  if (!isApproved(s)) return null;
  const c = s.approved.content;
  return {
    targetId: s.id,
    unitCode: s.unitCode,
    unitName: c.unitName,
    projectCode: s.projectCode,
    projectName: c.projectName,
    budget: c.budget,
    purpose: c.purpose,
    plan: c.plan,
    goals: c.goals,
    indicators: c.indicators,
  };
}

/** Unit by unit, each unit's tables in the order they were created (the imported document's). */
function inDocumentOrder(streams: Map<string, RecordedEvent[]>): PublishedTable[] {
  const rows = [...streams.values()].flatMap((events) => {
    const t = publishedTable(foldTarget(events));
    return t ? [{ t, first: events[0].position }] : [];
  });
  rows.sort((a, b) =>
    a.t.unitCode !== b.t.unitCode
      ? a.t.unitCode.localeCompare(b.t.unitCode)
      : Number(a.first - b.first),
  );
  return rows.map((r) => r.t);
}

/**
 * GET /departments/:code/publication.docx: what the department publishes for a year, part 1
 * (the goals recorded at import) and every approved 项目绩效目标表 of its units, read from the
 * target list (which targets are approved) and the targets' streams (the version in force).
 * Outside the caller's scope, or nothing to publish: 404.
 */
@QueryHandler(DepartmentPublicationQuery)
export class DepartmentPublicationHandler implements IQueryHandler<DepartmentPublicationQuery> {
  /** A download: read where reads go, the replica when there is one (ReadDatabase). */
  constructor(
    private readonly db: ReadDatabase,
    private readonly store: PostgresEventStore,
  ) {}

  async execute({
    caller,
    departmentCode,
    fiscalYear,
  }: DepartmentPublicationQuery): Promise<Publication> {
    const visible = readsDepartment(caller.scope, departmentCode);
    const [goals, tables] = visible
      ? await Promise.all([
          this.goals(departmentCode, fiscalYear),
          this.tables(departmentCode, fiscalYear),
        ])
      : [null, []];
    if (!goals && tables.length === 0) {
      throw new NotFound(
        'PUBLICATION_NOT_FOUND',
        `部门${departmentCode}在${fiscalYear}年度没有可公开的绩效目标（没有部门整体绩效目标，也没有已批复的项目绩效目标表）`,
        { departmentCode, fiscalYear },
      );
    }
    const departmentName = departmentNameOf(departmentCode, await this.units(departmentCode));
    return { departmentCode, departmentName, fiscalYear, goals, tables };
  }

  private async goals(code: string, year: number): Promise<DepartmentGoals | null> {
    const events = await this.store.readStream(
      departmentGoalsStreamId(code, year),
      undefined,
      this.db,
    );
    const last = events[events.length - 1];
    if (!last) return null;
    const { overall, areas } = toDomainEvent<DepartmentGoalsRecorded>(last).data;
    return { overall, areas };
  }

  private async tables(code: string, year: number): Promise<PublishedTable[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT id FROM target_list WHERE department_code = $1 AND fiscal_year = $2 AND status = 'approved'`,
      [code, year],
    );
    if (rows.length === 0) return [];
    return inDocumentOrder(
      await this.store.readStreams(
        rows.map((r) => targetStreamId(r.id)),
        this.db,
      ),
    );
  }

  private async units(code: string): Promise<{ code: string; name: string }[]> {
    const { rows } = await this.db.query<{ code: string; name: string }>(
      `SELECT code, name FROM units WHERE department_code = $1 ORDER BY code`,
      [code],
    );
    return rows;
  }
}
