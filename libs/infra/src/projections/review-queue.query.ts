import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { formatYuan } from '@bp/domain';
import { Database } from '../database/sql';
import { Caller } from '../performance-target/target-store';

export interface ReviewQueueItem {
  readonly targetId: string;
  readonly stage: 'department' | 'finance';
  readonly kind: 'target' | 'adjustment';
  readonly unitCode: string;
  readonly unitName: string;
  readonly projectName: string;
  /** The table's current budget total, decimal 元 (the version in force for an adjustment). */
  readonly budget: { readonly total: string } | null;
  readonly since: string;
}

export class ReviewQueueQuery extends Query<{ items: ReviewQueueItem[] }> {
  constructor(
    readonly caller: Caller,
    readonly stage?: 'department' | 'finance',
  ) {
    super();
  }
}

/** What waits for review at each stage, within the caller's scope, oldest first. */
@QueryHandler(ReviewQueueQuery)
export class ReviewQueueHandler implements IQueryHandler<ReviewQueueQuery> {
  constructor(private readonly db: Database) {}

  async execute({ caller, stage }: ReviewQueueQuery) {
    const { scope } = caller;
    const { rows } = await this.db.query<{
      target_id: string;
      stage: 'department' | 'finance';
      kind: 'target' | 'adjustment';
      unit_code: string;
      unit_name: string | null;
      project_name: string | null;
      budget_total: string | null;
      since: Date;
    }>(
      `SELECT q.target_id, q.stage, q.kind, q.unit_code, l.unit_name, l.project_name, l.budget_total, q.since
         FROM review_queue q LEFT JOIN target_list l ON l.id = q.target_id
        WHERE ($1::text IS NULL OR q.stage = $1)
          AND ($2::boolean OR q.unit_code = ANY($3::text[]) OR q.department_code = ANY($4::text[]))
        ORDER BY q.since, q.target_id LIMIT 1000`,
      [stage ?? null, scope.all, scope.units, scope.departments],
    );
    return {
      items: rows.map((r) => ({
        targetId: r.target_id,
        stage: r.stage,
        kind: r.kind,
        unitCode: r.unit_code,
        unitName: r.unit_name ?? '',
        projectName: r.project_name ?? '',
        budget: r.budget_total === null ? null : { total: formatYuan(BigInt(r.budget_total)) },
        since: r.since.toISOString(),
      })),
    };
  }
}
