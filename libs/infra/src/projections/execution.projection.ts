import {
  departmentOf,
  effectivePlan,
  fenOf,
  PlanCells,
  statusAfterReview,
  TargetEvent,
} from '@bp/domain';
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
  'jsonb',
  'bigint',
  'jsonb',
];

const plan = (cells: PlanCells) => ({ ...effectivePlan(cells) });

type EventOf<T extends TargetEvent['type']> = Extract<TargetEvent, { type: T }>;

/** The row of a new target: a draft, with nothing in force yet. */
function createdRow(e: EventOf<'TargetCreated'>): TargetRow {
  const c = e.data.content;
  return {
    target_id: e.data.targetId,
    fiscal_year: e.data.fiscalYear,
    unit_code: e.data.unitCode,
    department_code: departmentOf(e.data.unitCode),
    project_name: c.projectName,
    status: 'draft',
    budget: null,
    plan: null,
    draft_budget: c.budget.total,
    draft_plan: plan(c.plan),
    pending_budget: null,
    pending_plan: null,
  };
}

/** An adjustment: pending once requested, in force once approved. */
function applyAdjustment(
  e: EventOf<'AdjustmentRequested' | 'AdjustmentApproved'>,
  row: TargetRow,
): void {
  if (e.type === 'AdjustmentRequested') {
    row.pending_budget = e.data.changes.budget?.total ?? null;
    row.pending_plan = e.data.changes.plan ? plan(e.data.changes.plan) : null;
    return;
  }
  Object.assign(row, {
    budget: row.pending_budget ?? row.budget,
    plan: row.pending_plan ?? row.plan,
    pending_budget: null,
    pending_plan: null,
  });
}

/** The draft's content and the status, from revision to approval or withdrawal. */
function applyLifecycle(e: TargetEvent, row: TargetRow): void {
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
      row.status = statusAfterReview(row.status, e.data.stage, e.data.outcome);
      return;
    case 'TargetApproved':
      Object.assign(row, { status: 'approved', budget: row.draft_budget, plan: row.draft_plan });
      return;
    case 'TargetWithdrawn':
      // never approved, so never monitored (budget stays null); the status says why
      row.status = 'withdrawn';
      return;
  }
}

/** Folds one event into the rows of its target (in memory; the batch is written at once). */
function applyEvent(e: TargetEvent, rows: Map<string, TargetRow>): void {
  if (e.type === 'TargetCreated') {
    rows.set(e.data.targetId, createdRow(e));
    return;
  }
  const row = rows.get(e.data.targetId);
  if (!row) return; // a target whose creation this projection never saw: nothing to attach to
  if (e.type === 'AdjustmentRequested' || e.type === 'AdjustmentApproved') applyAdjustment(e, row);
  else applyLifecycle(e, row);
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
  return new Map(rows.map((r) => [r.target_id, r]));
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
    // a plain insert: each event is applied once (its checkpoint moves in the same transaction),
    // and ON CONFLICT's speculative insertion costs a fifth of a rebuild
    `INSERT INTO ${table('exec_payments')} (target_id, disbursement_id, pay_date, amount)
     SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::bigint[])`,
    [
      payments.map((p) => p.target_id),
      payments.map((p) => p.disbursement_id),
      payments.map((p) => p.pay_date),
      payments.map((p) => p.amount),
    ],
  );
}

const LIFECYCLE = new Set([
  'TargetCreated',
  'TargetRevised',
  'TargetSubmitted',
  'TargetReviewed',
  'TargetApproved',
  'AdjustmentRequested',
  'AdjustmentApproved',
  'TargetWithdrawn',
]);

/** Payments of a batch: new ones (with reversals in the same batch taken off) and cuts of older ones. */
function paymentsOf(events: readonly TargetEvent[]) {
  const fresh = new Map<string, PaymentRow>();
  const cuts = new Map<string, { target_id: string; disbursement_id: string; amount: bigint }>();
  for (const e of events) {
    if (e.type === 'DisbursementRecorded') {
      const d = e.data;
      fresh.set(`${d.targetId}\u0000${d.disbursementId}`, {
        target_id: d.targetId,
        disbursement_id: d.disbursementId,
        pay_date: d.date,
        amount: d.amount,
      });
    } else if (e.type === 'DisbursementReversed') {
      const key = `${e.data.targetId}\u0000${e.data.disbursementId}`;
      const p = fresh.get(key);
      if (p) p.amount = (fenOf(p.amount) - fenOf(e.data.amount)).toString();
      else
        cuts.set(key, {
          target_id: e.data.targetId,
          disbursement_id: e.data.disbursementId,
          amount: (cuts.get(key)?.amount ?? 0n) + fenOf(e.data.amount),
        });
    }
  }
  return { fresh: [...fresh.values()], cuts: [...cuts.values()] };
}

async function cutPayments(
  sql: Sql,
  table: TableName,
  cuts: { target_id: string; disbursement_id: string; amount: bigint }[],
): Promise<void> {
  if (cuts.length === 0) return;
  await sql.query(
    `UPDATE ${table('exec_payments')} p SET amount = p.amount - u.cut
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(t, d, cut) WHERE p.target_id = u.t AND p.disbursement_id = u.d`,
    [
      cuts.map((c) => c.target_id),
      cuts.map((c) => c.disbursement_id),
      cuts.map((c) => c.amount.toString()),
    ],
  );
}

/**
 * Execution monitoring: per target the approved budget and plan in force (`exec_targets`), and
 * the net amount of each payment by its date (`exec_payments`), from which any as-of figure is
 * summed. Lifecycle events load the rows they touch, fold into them in memory and write them
 * back with one upsert; payments are only inserted (reversals cut them), so the 95% of events
 * that are disbursements never rewrite a target row.
 */
export const executionProjection: Projection = {
  name: 'execution',
  tables: ['exec_targets', 'exec_payments'],
  async apply(sql, recorded, table) {
    const events = recorded
      .filter((e) => e.streamId.startsWith('target-'))
      .map((e) => toDomainEvent<TargetEvent>(e));
    const lifecycle = events.filter((e) => LIFECYCLE.has(e.type));
    if (lifecycle.length > 0) {
      const rows = await loadRows(sql, table, [...new Set(lifecycle.map((e) => e.data.targetId))]);
      lifecycle.forEach((e) => applyEvent(e, rows));
      await storeRows(sql, table, [...rows.values()]);
    }
    const { fresh, cuts } = paymentsOf(events);
    await storePayments(sql, table, fresh);
    await cutPayments(sql, table, cuts);
  },
};
