import { RecordedEvent } from '../event-store/event-store';
import { Projection } from './projection';

/**
 * A consumer of the event log that acts on what happened: it appends events through the event
 * store or queues work, never inside the request that committed the cause (the events table is
 * the outbox). It reads like a projection, by the projection runner: gap-safe by
 * (transaction id, position), in batches, from a checkpoint row of its own in PostgreSQL, so a
 * worker that was down catches up when it starts.
 *
 * Delivery is at least once: `react` commits its effects in transactions of its own before the
 * runner moves the checkpoint, so a crash between the two runs the batch again. Every effect
 * must therefore be idempotent by a unique key in PostgreSQL (an alert's dedup key, a delivery's
 * alert + recipient + channel), never by memory or Redis.
 */
export interface Reactor {
  readonly name: string;
  /** The event types it reacts to; the others only move its checkpoint. */
  readonly types: readonly string[];
  /** Reacts to one event; throwing leaves the checkpoint before the batch, to be retried. */
  react(event: RecordedEvent): Promise<void>;
}

/**
 * A reactor as the runner sees it: a projection with no tables. So the worker's catch-up jobs,
 * its periodic catch-up, `GET /projections` (with the lag) and a replay (`rebuild`, which here
 * reacts to every event again and, the effects being idempotent, changes nothing) come for free.
 */
export function reactorProjection(r: Reactor): Projection {
  const wanted = new Set(r.types);
  return {
    name: r.name,
    tables: [],
    async apply(sql, events) {
      // one event at a time, in commit order: a reaction may depend on an earlier one
      for (const e of events) {
        if (!wanted.has(e.type)) continue;
        // the checkpoint's transaction idles while the reaction runs on other connections: a
        // statement on it each time keeps idle_in_transaction_session_timeout (30 s) from ending
        // a long batch, which would then be retried, and time out, for ever
        await sql.query('SELECT 1');
        await r.react(e);
      }
    },
  };
}
