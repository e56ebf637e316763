import { ProjectionRunner } from '@bp/infra';
import { withContext } from '../cli-context';
import { UsageError } from '../usage';

function bar(percent: number, width = 30): string {
  const full = Math.round((percent / 100) * width);
  return `[${'#'.repeat(full)}${' '.repeat(width - full)}] ${String(percent).padStart(3)}%`;
}

/** `rebuild <projection>`: rebuilds now, in this process, with a progress bar on stderr. */
export async function runRebuild(argv: string[]): Promise<void> {
  const [name] = argv;
  if (!name) throw new UsageError('rebuild needs a projection name (execution, review-queue)');
  await withContext(async (app) => {
    const runner = app.get(ProjectionRunner);
    runner.get(name);
    const started = Date.now();
    const { applied } = await runner.rebuild(name, ({ percent, applied: n }) => {
      process.stderr.write(`\r${name} ${bar(percent)} ${n} events`);
    });
    process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    console.log(`rebuilt ${name}: ${applied} events in ${seconds.toFixed(1)} s; swapped in`);
  });
}
