import { DEPT, emeta, FIN } from '@bp/domain/performance-target/target.testing';
import { TargetEvent } from '@bp/domain';
import { projectionSpec, ProjectionSpec } from '../../../../test/support/projection-spec';
import {
  adjustmentApproved,
  adjustmentRequested,
  approvedHistory,
  created,
  ID,
  onStream,
  returned,
  submitted,
  withdrawn,
} from '../../../../test/support/target-events';
import { reviewQueueProjection } from './review-queue.projection';

const passed = (stage: 'department' | 'finance', at: string): TargetEvent => ({
  type: 'TargetReviewed',
  data: { targetId: ID, stage, grade: '优', opinion: '', outcome: 'passed', contentRevision: 1 },
  metadata: emeta(stage === 'department' ? DEPT : FIN, 'ReviewTarget', at),
});

const waiting = (stage: string, kind: string, since: string, id = ID) => ({
  target_id: id,
  stage,
  kind,
  fiscal_year: 2022,
  unit_code: '314001',
  department_code: '314',
  since,
});

describe('review-queue projection (given events → rows, real PostgreSQL)', () => {
  let spec: ProjectionSpec;
  beforeAll(async () => {
    spec = await projectionSpec(reviewQueueProjection);
  });
  afterAll(() => spec.close());

  it('a submission waits at the department since it was submitted', async () => {
    expect(await spec.given(onStream([created, submitted]))).toEqual({
      review_queue: [waiting('department', 'target', '2022-01-11T08:00:00+00:00')],
    });
  });

  it('passed by the department, it waits at finance since that review', async () => {
    const events = [created, submitted, passed('department', '2022-01-12T09:30:00.000Z')];
    expect(await spec.given(onStream(events))).toEqual({
      review_queue: [waiting('finance', 'target', '2022-01-12T09:30:00+00:00')],
    });
  });

  it('a return takes it out of the queue; a resubmission puts it back', async () => {
    expect(await spec.given(onStream([created, submitted, returned]))).toEqual({
      review_queue: [],
    });
    const again = {
      ...submitted,
      metadata: { ...submitted.metadata, at: '2022-01-20T08:00:00.000Z' },
    };
    expect(await spec.given(onStream([created, submitted, returned, again]))).toEqual({
      review_queue: [waiting('department', 'target', '2022-01-20T08:00:00+00:00')],
    });
  });

  it('an approval leaves nothing waiting', async () => {
    expect(await spec.given(onStream(approvedHistory()))).toEqual({ review_queue: [] });
  });

  it('a withdrawn target is not waiting', async () => {
    expect(await spec.given(onStream([created, submitted, returned, withdrawn]))).toEqual({
      review_queue: [],
    });
  });

  it.each([undefined, 1])(
    'an adjustment waits as kind adjustment until approved (batch size %s)',
    async (batchSize) => {
      const pending = await spec.given(onStream([...approvedHistory(), adjustmentRequested]), {
        batchSize,
      });
      expect(pending).toEqual({
        review_queue: [waiting('department', 'adjustment', '2022-07-01T08:00:00+00:00')],
      });
      const done = [...approvedHistory(), adjustmentRequested, adjustmentApproved];
      expect(await spec.given(onStream(done), { batchSize })).toEqual({ review_queue: [] });
    },
  );

  it('two targets: each has its own row', async () => {
    const other = '2022-314001-OTHER';
    const events = [...onStream([created, submitted]), ...onStream([created, submitted], other)];
    expect(await spec.given(events)).toEqual({
      review_queue: [
        waiting('department', 'target', '2022-01-11T08:00:00+00:00'),
        waiting('department', 'target', '2022-01-11T08:00:00+00:00', other),
      ],
    });
  });
});
