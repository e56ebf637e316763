import { randomBytes, randomUUID } from 'crypto';
import { Client } from 'pg';
import { dropDatabase, openDatabase } from '@bp/infra/database/data-source';
import { Database } from '@bp/infra/database/sql';
import { FollowUp, PostgresEventStore } from '@bp/infra/event-store/event-store';
import { Projection } from '@bp/infra/projections/projection';
import { ProjectionRunner } from '@bp/infra/projections/projection-runner';
import { createTestDatabase, TestDatabase } from './test-database';

/** One event to store: its stream, and what the domain would have decided. */
export interface GivenEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

type Row = Record<string, unknown>;

/**
 * A projection written with the append (the target list): what to write beside the append of an
 * event, given the events of its stream so far, that one included.
 */
export interface InlineProjection {
  readonly name: string;
  readonly tables: readonly string[];
  followUp(stream: readonly GivenEvent[]): FollowUp | null;
}

const isInline = (p: Projection | InlineProjection): p is InlineProjection => 'followUp' in p;

export interface GivenOptions {
  /** Events per batch of the runner (1: each event in a batch of its own, as a worker catching up live). */
  readonly batchSize?: number;
}

export interface ProjectionSpec {
  /** Stores `events` in a database of their own, runs the projection to its end, answers its tables. */
  given(events: readonly GivenEvent[], options?: GivenOptions): Promise<Record<string, Row[]>>;
  /** Drops the template database; call in afterAll. */
  close(): Promise<void>;
}

const adminUrl = (url: string) => Object.assign(new URL(url), { pathname: '/postgres' }).toString();

/** A fresh database cloned from the migrated template: a clone takes milliseconds, a migration seconds. */
async function cloneDatabase(template: string): Promise<string> {
  const name = `${new URL(template).pathname.slice(1)}_${randomBytes(3).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl(template) });
  await client.connect();
  try {
    await client.query(
      `CREATE DATABASE "${name}" TEMPLATE "${new URL(template).pathname.slice(1)}"`,
    );
  } finally {
    await client.end();
  }
  return Object.assign(new URL(template), { pathname: `/${name}` }).toString();
}

/** Appends the events stream by stream, in the order given, each at its stream's next version. */
async function appendAll(
  db: Database,
  events: readonly GivenEvent[],
  inline?: InlineProjection,
): Promise<void> {
  const store = new PostgresEventStore(db);
  const streams = new Map<string, GivenEvent[]>();
  for (const e of events) {
    const stream = [...(streams.get(e.streamId) ?? []), e];
    const stored = { id: randomUUID(), type: e.type, data: e.data, metadata: e.metadata as never };
    const followUp = inline?.followUp(stream) ?? null;
    await db.transaction((sql) =>
      store.append(sql, e.streamId, stream.length - 1, [stored], followUp),
    );
    streams.set(e.streamId, stream);
  }
}

/** Every row of the projection's tables, in a stable order, with bigint and date columns as text. */
async function tablesOf(
  db: Database,
  projection: Projection | InlineProjection,
): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  for (const table of projection.tables) {
    const { rows } = await db.query<{ row: Row }>(
      `SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`,
    );
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

/**
 * Catches up until the checkpoint is at the last event: the gap-safe read leaves out events
 * committed after any transaction still open on the server (another suite's, say), so one
 * catch-up may stop short of the end.
 */
export async function runToEnd(
  db: Database,
  runner: ProjectionRunner,
  name: string,
): Promise<void> {
  const head = await new PostgresEventStore(db).headPosition();
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    await runner.catchUp(name);
    const { rows } = await db.query<{ position: string }>(
      `SELECT position FROM projection_checkpoints WHERE name = $1`,
      [name],
    );
    if (BigInt(rows[0]?.position ?? 0) >= head) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`projection ${name} did not reach position ${head} within 15 s`);
}

async function runOnce(
  template: string,
  projection: Projection | InlineProjection,
  events: readonly GivenEvent[],
  options: GivenOptions,
): Promise<Record<string, Row[]>> {
  const url = await cloneDatabase(template);
  const db = await openDatabase(url, 4);
  try {
    if (isInline(projection)) {
      await appendAll(db, events, projection);
      return await tablesOf(db, projection);
    }
    await appendAll(db, events);
    const runner = new ProjectionRunner(
      db,
      new PostgresEventStore(db),
      [projection],
      options.batchSize,
    );
    await runToEnd(db, runner, projection.name);
    return await tablesOf(db, projection);
  } finally {
    await db.close();
    await dropDatabase(url);
  }
}

/**
 * given events → rows, on the real PostgreSQL: each `given` runs in a database of its own (a
 * clone of one migrated per suite), so a spec sees exactly the rows its events make. An inline
 * projection is written with each append, as the service writes it; another is run to its end.
 */
export async function projectionSpec(
  projection: Projection | InlineProjection,
): Promise<ProjectionSpec> {
  const template: TestDatabase = await createTestDatabase(`proj_${projection.name}`);
  return {
    given: (events, options = {}) => runOnce(template.url, projection, events, options),
    close: () => template.drop(),
  };
}
