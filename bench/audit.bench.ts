import 'reflect-metadata';
import { AuditFilters, AuditService, Database } from '@bp/infra';
import { benchContext, report, row, timeRuns } from './bench-support';
import { generateApprovedTargets } from './generate-events';

const TARGETS = Number(process.env.BENCH_TARGETS ?? 10_000);

/**
 * Audit queries on 1,000,000 events (issue 6: a filtered page in under 100 ms): a page of 100
 * for each filter, first and deep (after a cursor), beside a bare primary-key page as baseline.
 */
async function main(): Promise<void> {
  const ctx = await benchContext('audit');
  try {
    const events = await generateApprovedTargets(ctx.url, TARGETS, 95, 'A');
    // as autovacuum would after a bulk load: the planner needs statistics to pick the index
    await ctx.app.get(Database).query('ANALYZE events');
    console.log(`${events} events generated and analyzed`);
    const audit = ctx.app.get(AuditService);
    const all = { all: true, units: [], departments: [] };
    const page = (f: AuditFilters, cursor?: string) => audit.page(f, all, cursor, 100);
    const deep = async (f: AuditFilters) =>
      (await audit.page(f, all, undefined, 1000)).nextCursor ?? undefined;
    const target = `2022-314001-A${String(Math.floor(TARGETS / 2)).padStart(7, '0')}`;
    const cases: [string, AuditFilters][] = [
      ['no filter', {}],
      ['one target', { targetId: target }],
      ['one unit', { unit: '314001' }],
      ['one actor', { actor: 'gen' }],
      ['one type (TargetApproved)', { type: 'TargetApproved' }],
      ['a time range', { from: new Date('2000-01-01'), to: new Date('2100-01-01') }],
      ['type and unit', { type: 'TargetApproved', unit: '314001' }],
    ];
    const rows = [
      row(
        'baseline: 100 rows by primary key',
        await timeRuns(20, () =>
          ctx.app.get(Database).query('SELECT * FROM events ORDER BY global_position LIMIT 100'),
        ),
      ),
    ];
    for (const [name, f] of cases) {
      rows.push(row(`first page: ${name}`, await timeRuns(20, () => page(f))));
      const cursor = await deep(f);
      if (cursor)
        rows.push(row(`page after 1,000: ${name}`, await timeRuns(20, () => page(f, cursor))));
    }
    report('audit', rows);
  } finally {
    await ctx.close();
  }
}

void main();
