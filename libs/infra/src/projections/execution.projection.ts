import { departmentOf, effectivePlan, fenOf, PlanCells, TargetEvent } from '@bp/domain';
import { Sql } from '../database/sql';
import { toDomainEvent } from '../performance-target/target-store';
import { Projection, TableName } from './projection';

interface TargetRow {
  target_id: string;
  fiscal_year: number;
  unit_code: string;
  department_code: string;
  project_name: string;
  status: string;
  budget: string | null;
  plan: Record<string, number> | null;
  disbursed: string;
  draft_budget: string | null;
  draft_plan: Record<string, number> | null;
  pending_budget: string | null;
  pending_plan: Record<string, number> | null;
}

interface PaymentRow {
  target_id: string;
  disbursement_id: string;
  pay_date: string;
  amount: string;
}

const TARGET_COLUMNS = [
  'target_id',
  'fiscal_year',
  'unit_code',
  'department_code',
  'project_name',
  'status',
  'budget',
  'plan',
  'disbursed',
  'draft_budget',
  'draft_plan',
  'pending_budget',
  'pending_plan',
] as const;
const TARGET_TYPES = [
  'text',
  'int',
  'text',
  'text',
  'text',
  'text',
  'bigint',
  'jsonb',
  'bigint',
  'bigint',
  'jsonb',
  'bigint',
  'jsonb',
];

const plan = (cells: PlanCells) => ({ ...effectivePlan(cells) });
const add = (a: string, b: bigint) => (fenOf(a) + b).toString();

/** Folds one event into the rows of its target (in memory; the batch is written at once). */
function applyEvent(
  e: TargetEvent,
  rows: Map<string, TargetRow>,
  payments: Map<string, PaymentRow>,
): void {
  const id = e.data.targetId;
  const row = rows.get(id);
  if (e.type === 'TargetCreated') {
    const c = e.data.content;
    rows.set(id, {
      target_id: id,
      fiscal_year: e.data.fiscalYear,
      unit_code: e.data.unitCode,
      department_code: departmentOf(e.data.unitCode),
      project_name: c.projectName,
      status: 'draft',
      budget: null,
      plan: null,
      disbursed: '0',
      draft_budget: c.budget.total,
      draft_plan: plan(c.plan),
      pending_budget: null,
      pending_plan: null,
    });
    return;
  }
  if (!row) return; // a target whose creation this projection never saw: nothing to attach to
  switch (e.type) {
    case 'TargetRevised': {
      const c = e.data.changes;
      if (c.projectName !== undefined) row.project_name = c.projectName;
      if (c.budget) row.draft_budget = c.budget.total;
      if (c.plan) row.draft_plan = plan(c.plan);
      return;
    }
    case 'TargetSubmitted':
      row.status = 'submitted';
      return;
    case 'TargetReviewed':
      if (e.data.adjustmentId) return;
      row.status =
        e.data.outcome === 'returned'
          ? 'returned'
          : e.data.outcome === 'rejected'
            ? 'rejected'
            : e.data.stage === 'department'
              ? 'department_approved'
              : row.status;
      return;
    case 'TargetApproved':
      Object.assign(row, { status: 'approved', budget: row.draft_budget, plan: row.draft_plan });
      return;
    case 'AdjustmentRequested':
      row.pending_budget = e.data.changes.budget?.total ?? null;
      row.pending_plan = e.data.changes.plan ? plan(e.data.changes.plan) : null;
      return;
    case 'AdjustmentApproved':
      Object.assign(row, {
        budget: row.pending_budget ?? row.budget,
        plan: row.pending_plan ?? row.plan,
        pending_budget: null,
        pending_plan: null,
      });
      return;
    case 'DisbursementRecorded': {
      const d = e.data;
      payments.set(`${id}\u0000${d.disbursementId}`, {
        target_id: id,
        disbursement_id: d.disbursementId,
        pay_date: d.date,
        amount: d.amount,
      });
      row.disbursed = add(row.disbursed, fenOf(d.amount));
      return;
    }
    case 'DisbursementReversed': {
      const p = payments.get(`${id}\u0000${e.data.disbursementId}`);
      if (p) p.amount = add(p.amount, -fenOf(e.data.amount));
      row.disbursed = add(row.disbursed, -fenOf(e.data.amount));
      return;
    }
  }
}

async function loadRows(
  sql: Sql,
  table: TableName,
  ids: string[],
): Promise<Map<string, TargetRow>> {
  const { rows } = await sql.query<TargetRow>(
    `SELECT ${TARGET_COLUMNS.join(', ')} FROM ${table('exec_targets')} WHERE target_id = ANY($1::text[])`,
    [ids],
  );
  return new Map(
    rows.map((r) => [r.target_id, { ...r, budget: r.budget, disbursed: String(r.disbursed) }]),
  );
}

async function loadPayments(
  sql: Sql,
  table: TableName,
  keys: { t: string; d: string }[],
): Promise<Map<string, PaymentRow>> {
  if (keys.length === 0) return new Map();
  const { rows } = await sql.query<PaymentRow>(
    `SELECT target_id, disbursement_id, to_char(pay_date, 'YYYY-MM-DD') AS pay_date, amount::text AS amount
       FROM ${table('exec_payments')} p
       JOIN unnest($1::text[], $2::text[]) AS k(t, d) ON p.target_id = k.t AND p.disbursement_id = k.d`,
    [keys.map((k) => k.t), keys.map((k) => k.d)],
  );
  return new Map(rows.map((r) => [`${r.target_id}\u0000${r.disbursement_id}`, r]));
}

async function storeRows(sql: Sql, table: TableName, rows: TargetRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = TARGET_COLUMNS.map((c) =>
    c === 'plan' || c.endsWith('_plan')
      ? rows.map((r) => (r[c] ? JSON.stringify(r[c]) : null))
      : rows.map((r) => r[c]),
  );
  const unnest = TARGET_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  const updates = TARGET_COLUMNS.filter((c) => c !== 'target_id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  await sql.query(
    `INSERT INTO ${table('exec_targets')} (${TARGET_COLUMNS.join(', ')}) SELECT * FROM unnest(${unnest})
     ON CONFLICT (target_id) DO UPDATE SET ${updates}`,
    columns,
  );
}

async function storePayments(sql: Sql, table: TableName, payments: PaymentRow[]): Promise<void> {
  if (payments.length === 0) return;
  await sql.query(
    `INSERT INTO ${table('exec_payments')} (target_id, disbursement_id, pay_date, amount)
     SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[])
     ON CONFLICT (target_id, disbursement_id) DO UPDATE SET amount = EXCLUDED.amount`,
    [
      payments.map((p) => p.target_id),
      payments.map((p) => p.disbursement_id),
      payments.map((p) => p.pay_date),
      payments.map((p) => p.amount),
    ],
  );
}

const TARGET_EVENTS = new Set([
  'TargetCreated',
  'TargetRevised',
  'TargetSubmitted',
  'TargetReviewed',
  'TargetApproved',
  'AdjustmentRequested',
  'AdjustmentApproved',
  'DisbursementRecorded',
  'DisbursementReversed',
]);

/**
 * Execution monitoring: per target the approved budget and plan in force and the net amount of
 * each payment by its date, from which any as-of figure is computed. A batch loads the rows it
 * touches, folds its events into them in memory and writes them back with two upserts.
 */
export const executionProjection: Projection = {
  name: 'execution',
  tables: ['exec_targets', 'exec_payments'],
  async apply(sql, recorded, table) {
    const events = recorded
      .filter((e) => TARGET_EVENTS.has(e.type))
      .map((e) => toDomainEvent<TargetEvent>(e));
    if (events.length === 0) return;
    const rows = await loadRows(sql, table, [...new Set(events.map((e) => e.data.targetId))]);
    const reversed = events.flatMap((e) =>
      e.type === 'DisbursementReversed' ? [{ t: e.data.targetId, d: e.data.disbursementId }] : [],
    );
    const payments = await loadPayments(sql, table, reversed);
    const touched = new Set<string>();
    for (const e of events) {
      applyEvent(e, rows, payments);
      if (e.type === 'DisbursementRecorded' || e.type === 'DisbursementReversed')
        touched.add(`${e.data.targetId}\u0000${e.data.disbursementId}`);
    }
    await storeRows(sql, table, [...rows.values()]);
    await storePayments(
      sql,
      table,
      [...touched].map((k) => payments.get(k)).filter((p): p is PaymentRow => p !== undefined),
    );
  },
};
