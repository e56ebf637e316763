import 'reflect-metadata';
import { ProjectionRunner, SweepService, Database } from '@bp/infra';
import { benchContext, report, row } from './bench-support';
import { generateApprovedTargets } from './generate-events';

const TARGETS = Number(process.env.BENCH_TARGETS ?? 100_000);

/**
 * A monitoring sweep over 100,000 approved targets (issue 5: ≤ 10 s): the checkpoint sweep as of
 * 30 Jun, which raises an alert for most of them (each with its event and inbox delivery), then
 * the same sweep again, which raises nothing; beside the bare SQL evaluation as baseline.
 */
async function main(): Promise<void> {
  const ctx = await benchContext('sweep');
  const { app } = ctx;
  const db = { url: ctx.url };

  try {
    const started = Date.now();
    const events = await generateApprovedTargets(db.url, TARGETS, 3, 'S');
    await app.get(ProjectionRunner).catchUp('execution');
    await app
      .get(Database)
      .query(
        `INSERT INTO units (code, name, department_code, heads, updated_at) VALUES ('314001', '民政局本级', '314', '[{"userId":"h1","name":"负责人"}]', now())`,
      );
    console.log(
      `${TARGETS} targets, ${events} events generated and projected in ${Date.now() - started} ms`,
    );
    const sweeps = app.get(SweepService);
    const time = async (f: () => Promise<unknown>) => {
      const t0 = process.hrtime.bigint();
      const result = await f();
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result };
    };
    const evaluation = await time(() =>
      app
        .get(Database)
        .query(
          `SELECT t.target_id, COALESCE(sum(p.amount) FILTER (WHERE p.pay_date <= '2022-06-30'), 0) FROM exec_targets t LEFT JOIN exec_payments p USING (target_id) GROUP BY t.target_id`,
        ),
    );
    const first = await time(() => sweeps.sweep('checkpoint', '2022-06-30'));
    const again = await time(() => sweeps.sweep('checkpoint', '2022-06-30'));
    const note = (r: unknown) => JSON.stringify(r);
    report('sweep', [
      row('baseline: the SQL sums alone', [evaluation.ms], `${TARGETS} targets`),
      row('checkpoint sweep, first run', [first.ms], note(first.result)),
      row('checkpoint sweep, rerun (nothing new)', [again.ms], note(again.result)),
    ]);
  } finally {
    await ctx.close();
  }
}

void main();
