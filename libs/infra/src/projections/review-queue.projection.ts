import { departmentOf, stageAfterReview, TargetEvent } from '@bp/domain';
import { toDomainEvent } from '../performance-target/target-store';
import { Projection } from './projection';

interface QueueRow {
  target_id: string;
  stage: 'department' | 'finance';
  kind: 'target' | 'adjustment';
  since: string;
}

/** Where one event leaves a target in the queue: waiting at a stage, out of it, or unchanged. */
function next(e: TargetEvent, current: QueueRow | null): QueueRow | null {
  const since = e.metadata.at;
  const id = e.data.targetId;
  switch (e.type) {
    case 'TargetSubmitted':
      return { target_id: id, stage: 'department', kind: 'target', since };
    case 'AdjustmentRequested':
      return { target_id: id, stage: 'department', kind: 'adjustment', since };
    case 'TargetReviewed': {
      const stage = stageAfterReview(e.data.stage, e.data.outcome);
      return stage && current ? { ...current, stage, since } : null;
    }
    case 'TargetApproved':
    case 'AdjustmentApproved':
      return null;
    default:
      return current;
  }
}

const QUEUE_EVENTS = new Set([
  'TargetSubmitted',
  'AdjustmentRequested',
  'TargetReviewed',
  'TargetApproved',
  'AdjustmentApproved',
]);

/** What each review stage has waiting: one row per target awaiting a review. */
export const reviewQueueProjection: Projection = {
  name: 'review-queue',
  tables: ['review_queue'],
  async apply(sql, recorded, table) {
    const events = recorded
      .filter((e) => QUEUE_EVENTS.has(e.type))
      .map((e) => toDomainEvent<TargetEvent>(e));
    if (events.length === 0) return;
    const ids = [...new Set(events.map((e) => e.data.targetId))];
    const { rows } = await sql.query<QueueRow & { since: Date }>(
      `SELECT target_id, stage, kind, since FROM ${table('review_queue')} WHERE target_id = ANY($1::text[])`,
      [ids],
    );
    const state = new Map<string, QueueRow | null>(ids.map((id) => [id, null]));
    rows.forEach((r) => state.set(r.target_id, { ...r, since: r.since.toISOString() }));
    for (const e of events) state.set(e.data.targetId, next(e, state.get(e.data.targetId) ?? null));
    const waiting = [...state.values()].filter((r): r is QueueRow => r !== null);
    await sql.query(`DELETE FROM ${table('review_queue')} WHERE target_id = ANY($1::text[])`, [
      ids,
    ]);
    if (waiting.length === 0) return;
    const parts = waiting.map((r) => r.target_id.split('-'));
    await sql.query(
      `INSERT INTO ${table('review_queue')} (target_id, stage, kind, fiscal_year, unit_code, department_code, since)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[])`,
      [
        waiting.map((r) => r.target_id),
        waiting.map((r) => r.stage),
        waiting.map((r) => r.kind),
        parts.map((p) => Number(p[0])),
        parts.map((p) => p[1]),
        parts.map((p) => departmentOf(p[1])),
        waiting.map((r) => r.since),
      ],
    );
  },
};
