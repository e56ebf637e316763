import { fold, targetDecider, TargetEvent } from '@bp/domain';
import { projectionSpec, ProjectionSpec } from '../../../../test/support/projection-spec';
import {
  adjustmentApproved,
  adjustmentRequested,
  approvedHistory,
  created,
  disbursed,
  ID,
  onStream,
  returned,
  submitted,
  withdrawn,
} from '../../../../test/support/target-events';
import { targetListUpsert } from './target-list.projection';

/** The target list as TargetStore writes it: the row of the state after the append, in its statement. */
const targetList = {
  name: 'target-list',
  tables: ['target_list'],
  followUp: (stream: readonly { type: string; data: unknown; metadata: unknown }[]) =>
    targetListUpsert(fold(targetDecider, stream as unknown as TargetEvent[])),
};

const row = (over: Record<string, unknown>) => ({
  id: ID,
  fiscal_year: 2022,
  unit_code: '314001',
  department_code: '314',
  project_code: '13030322P00391410001H',
  unit_name: '民政部门秦皇岛市山海关区民政局本级',
  project_name: '汽车保险费',
  budget_total: 400000,
  problems: [],
  ...over,
});

describe('target list, an inline projection (given events → rows, real PostgreSQL)', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(targetList);
  });
  afterAll(() => spec.close());

  it('a submission: the row moves with the append, at its version and position', async () => {
    expect(await spec.given(onStream([created, submitted]))).toEqual({
      target_list: [
        row({
          status: 'submitted',
          version: 2,
          position: 2,
          updated_at: '2022-01-11T08:00:00+00:00',
        }),
      ],
    });
  });

  it('a return', async () => {
    const { target_list } = await spec.given(onStream([created, submitted, returned]));
    expect(target_list).toEqual([
      row({ status: 'returned', version: 3, position: 3, updated_at: '2022-01-12T08:00:00+00:00' }),
    ]);
  });

  it('an approval, then a disbursement: the row follows every event of the stream', async () => {
    const events = [...approvedHistory(), disbursed('d-1', '100000', '2022-03-15')];
    const { target_list } = await spec.given(onStream(events));
    expect(target_list).toEqual([
      row({ status: 'approved', version: 6, position: 6, updated_at: '2022-03-15T08:00:00+00:00' }),
    ]);
  });

  it('an adjustment: the list shows the budget in force, the adjusted one once approved', async () => {
    const pending = await spec.given(onStream([...approvedHistory(), adjustmentRequested]));
    expect(pending.target_list).toMatchObject([{ budget_total: 400000, version: 6 }]);
    const events = [...approvedHistory(), adjustmentRequested, adjustmentApproved];
    const { target_list } = await spec.given(onStream(events));
    expect(target_list).toEqual([
      row({
        status: 'approved',
        version: 7,
        position: 7,
        budget_total: 300000,
        updated_at: '2022-07-02T08:00:00+00:00',
      }),
    ]);
  });

  it('a withdrawal', async () => {
    const { target_list } = await spec.given(onStream([created, submitted, returned, withdrawn]));
    expect(target_list).toEqual([
      row({
        status: 'withdrawn',
        version: 4,
        position: 4,
        updated_at: '2022-01-13T08:00:00+00:00',
      }),
    ]);
  });
});
