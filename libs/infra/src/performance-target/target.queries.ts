import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { formatYuan, InvalidInput, TargetStatus, TargetView, targetView } from '@bp/domain';
import { Database } from '../database/sql';
import { Caller, TargetStore } from './target-store';

export class GetTargetQuery extends Query<TargetView> {
  constructor(
    readonly caller: Caller,
    readonly targetId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

export interface TargetListFilters {
  readonly fiscalYear?: number;
  readonly unit?: string;
  readonly status?: TargetStatus;
  readonly cursor?: string;
  readonly limit: number;
}

export interface TargetListItem {
  readonly id: string;
  readonly fiscalYear: number;
  readonly unitCode: string;
  readonly unitName: string;
  readonly projectCode: string;
  readonly projectName: string;
  readonly status: string;
  readonly version: number;
  readonly budget: { readonly total: string };
  readonly problems: string[];
  readonly updatedAt: string;
}

export interface TargetPage {
  readonly items: TargetListItem[];
  readonly nextCursor: string | null;
}

export class ListTargetsQuery extends Query<TargetPage> {
  constructor(
    readonly caller: Caller,
    readonly filters: TargetListFilters,
  ) {
    super();
  }
}

@QueryHandler(GetTargetQuery)
export class GetTargetHandler implements IQueryHandler<GetTargetQuery> {
  constructor(private readonly targets: TargetStore) {}

  async execute({ caller, targetId, asOf }: GetTargetQuery): Promise<TargetView> {
    const { state } = await this.targets.load(targetId, caller.scope, asOf);
    return targetView(state);
  }
}

interface ListRow {
  id: string;
  fiscal_year: number;
  unit_code: string;
  unit_name: string;
  project_code: string;
  project_name: string;
  status: string;
  version: number;
  budget_total: string;
  problems: string[];
  updated_at: Date;
}

/** Keyset pagination by id: stable while targets are added. The cursor is opaque to clients. */
export const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
/** A cursor decodes to a target id; a NUL or broken UTF-8 in it would be PostgreSQL's 500, so a 400. */
export function decodeCursor(c: string): string {
  const id = Buffer.from(c, 'base64url').toString('utf8');
  if (id.includes('\u0000') || id.includes('\uFFFD'))
    throw new InvalidInput('INVALID_CURSOR', '翻页游标无效，请从第一页重新查询', 'cursor');
  return id;
}

/** Withdrawn targets (作废) leave the list unless asked for with `status=withdrawn`. */
@QueryHandler(ListTargetsQuery)
export class ListTargetsHandler implements IQueryHandler<ListTargetsQuery> {
  constructor(private readonly db: Database) {}

  async execute({ caller, filters }: ListTargetsQuery): Promise<TargetPage> {
    const { scope } = caller;
    const { rows } = await this.db.query<ListRow>(
      `SELECT * FROM target_list
        WHERE ($1::int IS NULL OR fiscal_year = $1) AND ($2::text IS NULL OR unit_code = $2)
          AND (status = $3 OR ($3::text IS NULL AND status <> 'withdrawn'))
          AND ($4::text IS NULL OR id > $4)
          AND ($5::boolean OR unit_code = ANY($6::text[]) OR department_code = ANY($7::text[]))
        ORDER BY id LIMIT $8`,
      [
        filters.fiscalYear ?? null,
        filters.unit ?? null,
        filters.status ?? null,
        filters.cursor ? decodeCursor(filters.cursor) : null,
        scope.all,
        scope.units,
        scope.departments,
        filters.limit + 1,
      ],
    );
    const page = rows.slice(0, filters.limit);
    return {
      items: page.map(toItem),
      nextCursor: rows.length > filters.limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }
}

function toItem(r: ListRow): TargetListItem {
  return {
    id: r.id,
    fiscalYear: r.fiscal_year,
    unitCode: r.unit_code,
    unitName: r.unit_name,
    projectCode: r.project_code,
    projectName: r.project_name,
    status: r.status,
    version: r.version,
    budget: { total: formatYuan(BigInt(r.budget_total)) },
    problems: r.problems,
    updatedAt: r.updated_at.toISOString(),
  };
}
