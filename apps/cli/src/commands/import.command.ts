import { CommandBus } from '@nestjs/cqrs';
import { DOCX_MIME, readDocument } from '../../../api/src/imports/import-body';
import { ImportDocumentCommand, ImportReport } from '@bp/infra';
import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { cliCaller, withContext } from '../cli-context';
import { UsageError } from '../usage';

function printReport(r: ImportReport): void {
  const verb = r.dryRun ? 'would be' : 'were';
  console.log(`fiscal year ${r.fiscalYear}${r.dryRun ? ' (dry run: nothing written)' : ''}`);
  console.log(
    `targets: ${r.created} ${verb} created, ${r.revised} ${verb} revised, ${r.unchanged} unchanged, ${r.conflicts.length} in conflict`,
  );
  for (const u of r.units)
    console.log(`  unit ${u.code} ${u.name}: ${u.targets} targets, budget ${u.budget} 元`);
  console.log(`  total budget ${r.totalBudget} 元`);
  for (const c of r.conflicts)
    console.log(`conflict: table ${c.table} (${c.id}) is ${c.status}; left as it was`);
  for (const t of r.targets.filter((x) => x.problems.length > 0)) {
    console.log(`problems of table ${t.table} (${t.id}): ${t.problems.join('; ')}`);
  }
  for (const p of r.problems) console.log(`document problem: ${p}`);
}

/** `import <file> --year <YYYY> [--dry-run] [--json]`: the same as POST /imports. */
export async function runImport(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      year: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const [file] = positionals;
  if (!file || !values.year) throw new UsageError('import needs a file and --year');
  if (!/^\d{4}$/.test(values.year)) throw new UsageError('--year is a four-digit year');
  const data = readFileSync(file);
  const document = await readDocument(
    data,
    file.toLowerCase().endsWith('.docx') ? DOCX_MIME : file.toLowerCase().endsWith('.wps') ? 'application/kswps' : 'text/plain',
  );
  const { report } = await withContext((app) =>
    app.get(CommandBus).execute(
      new ImportDocumentCommand(cliCaller(), {
        fiscalYear: Number(values.year),
        document,
        dryRun: values['dry-run'] ?? false,
      }),
    ),
  );
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
}
