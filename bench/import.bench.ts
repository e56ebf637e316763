import 'reflect-metadata';
import { parseTargetDocument, Principal, scopeOf } from '@bp/domain';
import { Caller, Database, ImportService } from '@bp/infra';
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { benchContext, report, row, timeRuns } from './bench-support';

const SEED =
  process.env.SEED_FILE ?? resolve(process.cwd(), '../shared/seeds/000_df8bd7cbddbfb745.txt');

/**
 * Server time of importing the seed (36 tables): parse only, a dry run, a first import into
 * empty years, and a re-import that changes nothing; beside a raw INSERT of as many events in
 * one transaction as the baseline of what the database itself needs.
 */
async function main(): Promise<void> {
  const text = readFileSync(SEED, 'utf8');
  const ctx = await benchContext('import');
  const { app } = ctx;

  try {
    const imports = app.get(ImportService);
    const principal: Principal = { id: 'bench', name: 'bench', roles: ['admin'] };
    const caller: Caller = { principal, scope: scopeOf(principal), requestId: 'bench' };
    const run = (fiscalYear: number, dryRun = false) =>
      imports.run(caller, { fiscalYear, document: text, dryRun });
    const database = app.get(Database);
    const events = (await run(2099)).report.targets.length;
    const rows = [
      row('parse only (pure)', await timeRuns(50, () => parseTargetDocument(text))),
      row('dry run', await timeRuns(20, () => run(2022, true))),
      row('first import (36 new targets)', await timeRuns(20, (i) => run(2040 + i + 3), 0)),
      row('re-import, unchanged', await timeRuns(20, () => run(2099))),
      row(
        'baseline: raw INSERT of 78 events in one transaction',
        await timeRuns(20, () => rawInsert(database, events * 2 + 6)),
      ),
    ];
    report('import', rows);
  } finally {
    await ctx.close();
  }
}

async function rawInsert(db: Database, n: number): Promise<void> {
  const stream = `raw-${randomUUID()}`;
  await db.transaction(async (sql) => {
    await sql.query(
      `INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, 'raw', $2)`,
      [stream, n],
    );
    await sql.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
       SELECT gen_random_uuid(), $1, g, 'Raw', '{"x": 1}', '{}' FROM generate_series(1, $2::int) g`,
      [stream, n],
    );
  });
}

void main();
