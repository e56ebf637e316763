import { departmentOf, TargetState, targetProblems } from '@bp/domain';
import { Sql } from '../database/sql';

/**
 * The target list (GET /targets) is an inline projection: written in the transaction that
 * appends the events, so a client reads its own writes and the list never lags.
 */
export async function upsertTargetList(sql: Sql, s: TargetState, position: bigint): Promise<void> {
  if (!s.content) return;
  await sql.query(
    `INSERT INTO target_list (id, fiscal_year, unit_code, department_code, project_code, unit_name,
       project_name, status, version, budget_total, problems, updated_at, position)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (id) DO UPDATE SET unit_name = EXCLUDED.unit_name, project_name = EXCLUDED.project_name,
       status = EXCLUDED.status, version = EXCLUDED.version, budget_total = EXCLUDED.budget_total,
       problems = EXCLUDED.problems, updated_at = EXCLUDED.updated_at, position = EXCLUDED.position`,
    [
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
      position.toString(),
    ],
  );
}
