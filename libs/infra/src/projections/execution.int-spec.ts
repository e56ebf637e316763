import {
  adjustmentApproved,
  adjustmentRequested,
  approvedHistory,
  created,
  disbursed,
  ID,
  onStream,
  returned,
  reversed,
  submitted,
  withdrawn,
} from '../../../../test/support/target-events';
import { projectionSpec, ProjectionSpec } from '../../../../test/support/projection-spec';
import { executionProjection } from './execution.projection';

describe('execution projection (given events → rows, real PostgreSQL)', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(executionProjection);
  });
  afterAll(() => spec.close());

  const target = (over: Record<string, unknown>) => ({
    target_id: ID,
    fiscal_year: 2022,
    unit_code: '314001',
    department_code: '314',
    project_name: '汽车保险费',
    status: 'draft',
    budget: null,
    plan: null,
    draft_budget: 400000,
    draft_plan: { M3: 0, M6: 100, M10: 100, M12: 100 },
    pending_budget: null,
    pending_plan: null,
    ...over,
  });
  const payment = (disbursement_id: string, pay_date: string, amount: number) => ({
    target_id: ID,
    disbursement_id,
    pay_date,
    amount,
  });

  it('a submission: the target waits with its draft budget, nothing is in force yet', async () => {
    expect(await spec.given(onStream([created, submitted]))).toEqual({
      exec_targets: [target({ status: 'submitted' })],
      exec_payments: [],
    });
  });

  it('a return: the status is returned and still no budget in force', async () => {
    expect(await spec.given(onStream([created, submitted, returned]))).toEqual({
      exec_targets: [target({ status: 'returned' })],
      exec_payments: [],
    });
  });

  it('an approval puts the draft budget and plan in force', async () => {
    expect(await spec.given(onStream(approvedHistory()))).toEqual({
      exec_targets: [
        target({
          status: 'approved',
          budget: 400000,
          plan: { M3: 0, M6: 100, M10: 100, M12: 100 },
        }),
      ],
      exec_payments: [],
    });
  });

  it('disbursements are payment rows by date; the target row is untouched', async () => {
    const events = [
      ...approvedHistory(),
      disbursed('d-1', '100000', '2022-03-15'),
      disbursed('d-2', '50000', '2022-04-01'),
    ];
    const rows = await spec.given(onStream(events));
    expect(rows.exec_payments).toEqual([
      payment('d-1', '2022-03-15', 100000),
      payment('d-2', '2022-04-01', 50000),
    ]);
    expect(rows.exec_targets).toEqual([
      target({ status: 'approved', budget: 400000, plan: { M3: 0, M6: 100, M10: 100, M12: 100 } }),
    ]);
  });

  it.each([
    ['in the batch of its disbursement', undefined],
    ['in a later batch', 1],
  ])('a reversal %s cuts the payment by its amount', async (_, batchSize) => {
    const events = [
      ...approvedHistory(),
      disbursed('d-1', '100000', '2022-03-15'),
      reversed('d-1', '30000'),
      reversed('d-1', '20000'),
    ];
    const rows = await spec.given(onStream(events), { batchSize });
    expect(rows.exec_payments).toEqual([payment('d-1', '2022-03-15', 50000)]);
  });

  it('an approved adjustment replaces the budget in force; while pending it is only pending', async () => {
    const approved = { status: 'approved', plan: { M3: 0, M6: 100, M10: 100, M12: 100 } };
    const pending = await spec.given(onStream([...approvedHistory(), adjustmentRequested]));
    expect(pending.exec_targets).toEqual([
      target({ ...approved, budget: 400000, pending_budget: 300000 }),
    ]);
    const done = await spec.given(
      onStream([...approvedHistory(), adjustmentRequested, adjustmentApproved]),
    );
    expect(done.exec_targets).toEqual([target({ ...approved, budget: 300000 })]);
  });

  it('a withdrawal: status withdrawn, never a budget in force', async () => {
    expect(await spec.given(onStream([created, submitted, returned, withdrawn]))).toEqual({
      exec_targets: [target({ status: 'withdrawn' })],
      exec_payments: [],
    });
  });

  it('events of a target it never saw created are skipped, not half-applied', async () => {
    expect(await spec.given(onStream([submitted, disbursed('d-1', '100', '2022-03-01')]))).toEqual({
      exec_targets: [],
      exec_payments: [payment('d-1', '2022-03-01', 100)],
    });
  });
});
