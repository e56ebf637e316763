import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ReportLine } from '@bp/domain';
import {
  FileReportCommand,
  FileSelfEvaluationCommand,
  GetSelfEvaluationQuery,
  MonitoringTableQuery,
  monitoringTableWorkbook,
  OpenRoundCommand,
  RoundStatusQuery,
  SelfEvaluationSheetQuery,
  selfEvaluationWorkbook,
} from '@bp/infra';
import { readFileSync, writeFileSync } from 'fs';
import { parseArgs } from 'util';
import { entriesOf, textsOf } from '../../../api/src/evaluation/self-evaluation.dto';
import { cliCaller, withContext } from '../cli-context';
import { UsageError } from '../usage';

const print = (x: unknown) => console.log(JSON.stringify(x, null, 2));
const need = (v: string | undefined, what: string) => {
  if (!v) throw new UsageError(`${what} is required`);
  return v;
};

/**
 * `round open --year Y --name N --as-of D --deadline D` · `round status <roundId>` ·
 * `report <targetId> --round <id> --lines lines.json` · `monitoring-table <targetId> --round <id> [--xlsx out.xlsx]` ·
 * `self-evaluation <targetId> [--entries entries.json] [--xlsx out.xlsx]`: the same as the API, as an admin.
 */
export async function runEvaluation(command: string, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      year: { type: 'string' },
      name: { type: 'string' },
      'as-of': { type: 'string' },
      deadline: { type: 'string' },
      round: { type: 'string' },
      lines: { type: 'string' },
      entries: { type: 'string' },
      xlsx: { type: 'string' },
    },
  });
  const caller = cliCaller();
  await withContext(async (app) => {
    const bus = app.get(CommandBus);
    const queries = app.get(QueryBus);
    if (command === 'round' && positionals[0] === 'open') {
      const input = {
        fiscalYear: Number(need(values.year, '--year')),
        name: need(values.name, '--name'),
        asOf: need(values['as-of'], '--as-of'),
        deadline: need(values.deadline, '--deadline'),
      };
      return print((await bus.execute(new OpenRoundCommand(caller, input))).round);
    }
    if (command === 'round' && positionals[0] === 'status')
      return print(
        await queries.execute(new RoundStatusQuery(caller, need(positionals[1], 'a round id'))),
      );
    const targetId = need(positionals[0], 'a target id');
    if (command === 'report') {
      const lines = JSON.parse(readFileSync(need(values.lines, '--lines'), 'utf8')) as ReportLine[];
      return print(
        (
          await bus.execute(
            new FileReportCommand(caller, targetId, need(values.round, '--round'), lines),
          )
        ).table,
      );
    }
    if (command === 'monitoring-table') {
      const view = await queries.execute(
        new MonitoringTableQuery(caller, targetId, need(values.round, '--round')),
      );
      return values.xlsx
        ? writeFileSync(values.xlsx, await monitoringTableWorkbook(view))
        : print(view);
    }
    if (values.entries) {
      // the body of PUT /targets/:id/self-evaluation: entries and the optional texts
      const body = JSON.parse(readFileSync(values.entries, 'utf8'));
      await bus.execute(
        new FileSelfEvaluationCommand(caller, targetId, entriesOf(body), textsOf(body)),
      );
    }
    if (values.xlsx)
      return writeFileSync(
        values.xlsx,
        await selfEvaluationWorkbook(
          await queries.execute(new SelfEvaluationSheetQuery(caller, targetId)),
        ),
      );
    return print(await queries.execute(new GetSelfEvaluationQuery(caller, targetId)));
  });
}
