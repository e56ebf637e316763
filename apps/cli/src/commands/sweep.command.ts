import { AlertKind, ALERT_KINDS } from '@bp/domain';
import { ProjectionRunner, SweepService } from '@bp/infra';
import { parseArgs } from 'util';
import { withContext } from '../cli-context';
import { UsageError } from '../usage';

/** `sweep --as-of <date> --kind checkpoint|early`: runs a monitoring sweep now and waits for it. */
export async function runSweep(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { 'as-of': { type: 'string' }, kind: { type: 'string' } },
  });
  const asOf = values['as-of'];
  const kind = values.kind as AlertKind | undefined;
  if (!asOf || !kind)
    throw new UsageError('sweep needs --as-of <YYYY-MM-DD> and --kind checkpoint|early');
  if (!ALERT_KINDS.includes(kind)) throw new UsageError(`--kind is ${ALERT_KINDS.join(' or ')}`);
  await withContext(async (app) => {
    await app.get(ProjectionRunner).catchUp('execution'); // evaluate what is recorded, not what the worker has seen
    const r = await app.get(SweepService).sweep(kind, asOf);
    console.log(
      `${kind} sweep as of ${asOf}: ${r.evaluated} targets evaluated, ${r.raised} alerts raised, ${r.escalated} escalated, ${r.deliveries} deliveries queued for the worker`,
    );
  });
}
