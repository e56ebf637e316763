import { DomainEvent, VersionConflict } from '@bp/domain';
import { randomUUID } from 'crypto';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore, RecordedEvent } from '../event-store/event-store';

export interface StreamCommand<S, E extends DomainEvent<string, unknown>> {
  readonly streamId: string;
  readonly fold: (events: readonly RecordedEvent[]) => S;
  readonly decide: (state: S) => readonly E[];
  /** The read-model rows to write with the events, in their transaction. */
  readonly project?: (sql: Sql, events: readonly E[], state: S) => Promise<void>;
}

/**
 * The path of a command on a small aggregate (a unit, a department, a year's configuration):
 * read its stream, decide, append and project in one transaction; retried on a concurrent write.
 */
export async function runStreamCommand<S, E extends DomainEvent<string, unknown>>(
  db: Database,
  store: PostgresEventStore,
  c: StreamCommand<S, E>,
): Promise<{ state: S; events: readonly E[]; position: bigint }> {
  for (let attempt = 1; ; attempt++) {
    const recorded = await store.readStream(c.streamId);
    const state = c.fold(recorded);
    const events = c.decide(state);
    if (events.length === 0)
      return { state, events, position: recorded[recorded.length - 1]?.position ?? 0n };
    try {
      const position = await db.transaction(async (sql) => {
        const r = await store.append(
          sql,
          c.streamId,
          recorded.length,
          events.map((e) => ({ id: randomUUID(), ...e })),
        );
        await c.project?.(sql, events, state);
        return r.lastPosition;
      });
      return { state, events, position };
    } catch (e) {
      if (!(e instanceof VersionConflict) || attempt >= 3) throw e;
    }
  }
}
