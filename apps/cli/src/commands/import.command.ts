import { CommandBus } from '@nestjs/cqrs';
import { DOCX_MIME, readDocument } from '../../../api/src/imports/import-body';
import { ImportDocumentCommand, ImportReport } from '@bp/infra';
import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { cliCaller, withContext } from '../cli-context';
import { UsageError } from '../usage';

function printReport(r: ImportReport): void {
  const verb = r.dryRun ? '将' : '已';
  console.log(`预算年度 ${r.fiscalYear}${r.dryRun ? '（试导入：未写入任何内容）' : ''}`);
  for (const w of r.warnings) console.log(`警告：${w}`);
  console.log(
    `目标：${verb}新建 ${r.created} 个，${verb}修订 ${r.revised} 个，未变 ${r.unchanged} 个，冲突 ${r.conflicts.length} 个`,
  );
  for (const u of r.units)
    console.log(`  单位 ${u.code} ${u.name}：${u.targets} 个目标，预算 ${u.budget} 元`);
  console.log(`  预算合计 ${r.totalBudget} 元`);
  for (const c of r.conflicts)
    console.log(`冲突：第${c.table}张表（${c.id}）状态为 ${c.status}，保持原样`);
  for (const t of r.targets.filter((x) => x.problems.length > 0)) {
    console.log(`第${t.table}张表（${t.id}）的问题：${t.problems.join('；')}`);
  }
  for (const p of r.problems) console.log(`文件问题：${p}`);
  if (r.importId)
    console.log(`导入编号 ${r.importId}（撤销：POST /imports/${r.importId}/withdraw）`);
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
  if (!file || !values.year) throw new UsageError('import 需要文件和 --year');
  if (!/^\d{4}$/.test(values.year)) throw new UsageError('--year 应为四位年份');
  const data = readFileSync(file);
  const document = await readDocument(
    data,
    file.toLowerCase().endsWith('.docx')
      ? DOCX_MIME
      : file.toLowerCase().endsWith('.wps')
        ? 'application/kswps'
        : 'text/plain',
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
