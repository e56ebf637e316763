import { departmentOf, TargetState, targetProblems } from '@bp/domain';
import { Sql } from '../database/sql';
import { FollowUp } from '../event-store/event-store';

/**
 * The target list (GET /targets) is an inline projection: written in the same statement or
 * transaction that appends the events, so a client reads its own writes and the list never lags.
 * As a follow-up of an append, `$pos` is the position of the last event written.
 */
export function targetListUpsert(s: TargetState): FollowUp | null {
  if (s.status === 'none') return null;
  return {
    text: `INSERT INTO target_list (id, fiscal_year, unit_code, department_code, project_code, unit_name,
       project_name, status, version, budget_total, problems, updated_at, position)
     SELECT $1::text, $2::int, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::int,
       $10::bigint, $11::jsonb, $12::timestamptz, $pos WHERE $pos IS NOT NULL
     ON CONFLICT (id) DO UPDATE SET unit_name = EXCLUDED.unit_name, project_name = EXCLUDED.project_name,
       status = EXCLUDED.status, version = EXCLUDED.version, budget_total = EXCLUDED.budget_total,
       problems = EXCLUDED.problems, updated_at = EXCLUDED.updated_at, position = EXCLUDED.position`,
    params: [
      s.id,
      s.fiscalYear,
      s.unitCode,
      departmentOf(s.unitCode),
      s.projectCode,
      s.content.unitName,
      s.content.projectName,
      s.status,
      s.version,
      s.content.budget.total.toString(),
      JSON.stringify(targetProblems(s)),
      s.updatedAt,
    ],
  };
}

/** The target list row of `s` as of the event at `position`. */
export async function upsertTargetList(sql: Sql, s: TargetState, position: bigint): Promise<void> {
  const up = targetListUpsert(s);
  if (!up) return;
  const n = up.params.length + 1;
  await sql.query(up.text.replaceAll('$pos', `$${n}::bigint`), [...up.params, position.toString()]);
}
