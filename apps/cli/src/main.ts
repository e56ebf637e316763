import 'reflect-metadata';
import { DomainError } from '@bp/domain';
import { loadConfig, migrate } from '@bp/infra';
import { runImport } from './commands/import.command';
import { runRebuild } from './commands/rebuild.command';
import { runDemo } from './commands/demo.command';
import { runSweep } from './commands/sweep.command';
import { runEvaluation } from './commands/evaluation.command';
import { runUser } from './commands/user.command';
import { runPublish } from './commands/publish.command';
import { runToken } from './commands/token.command';
import { USAGE, UsageError } from './usage';

async function runMigrate(): Promise<void> {
  const { databaseUrl } = loadConfig();
  const applied = await migrate(databaseUrl);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'the database is up to date');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'migrate') return runMigrate();
  if (command === 'token') return runToken(rest);
  if (command === 'import') return runImport(rest);
  if (command === 'rebuild') return runRebuild(rest);
  if (command === 'demo') return runDemo();
  if (command === 'sweep') return runSweep(rest);
  if (command === 'user') return runUser(rest);
  if (command === 'publish') return runPublish(rest);
  if (['round', 'report', 'monitoring-table', 'self-evaluation'].includes(command))
    return runEvaluation(command, rest);
  throw new UsageError(command ? `unknown command ${command}` : 'no command given');
}

main(process.argv.slice(2)).catch((e: Error) => {
  if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
  else if (e instanceof DomainError) console.error(`refused: ${e.message} (${e.code})`);
  else console.error(`error: ${e.message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
