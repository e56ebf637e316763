import { Sql } from '../database/sql';
import { RecordedEvent } from '../event-store/event-store';

/** Physical name of one of a projection's tables: the live one, or its copy being rebuilt. */
export type TableName = (logical: string) => string;

export const liveTables: TableName = (t) => t;
export const rebuildTables: TableName = (t) => `${t}__rebuild`;

/**
 * A read model kept by the worker from the event store. `apply` gets a batch of events in
 * commit order and must write set-based (a few statements a batch, never one per event): it
 * runs in the transaction that also moves the projection's checkpoint.
 */
export interface Projection {
  readonly name: string;
  /** Its tables (live names); a rebuild fills copies of them and swaps them in. */
  readonly tables: readonly string[];
  apply(sql: Sql, events: readonly RecordedEvent[], table: TableName): Promise<void>;
}
