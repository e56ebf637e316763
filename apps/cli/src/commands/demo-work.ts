import { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { assertApproved, ReportLine, targetView } from '@bp/domain';
import {
  Caller,
  CLOCK,
  Clock,
  FileReportCommand,
  OpenRoundCommand,
  ProjectionRunner,
  RequestAdjustmentCommand,
  ReviewTargetCommand,
  SetDepartmentReviewersCommand,
  SetUnitCommand,
  SubmitTargetCommand,
  SweepService,
  TargetStore,
  todayInShanghai,
} from '@bp/infra';

/**
 * What the demo leaves undone, so that every demo user signs in to something to do: targets at
 * each review stage, one returned, an adjustment pending, a monitoring round open with one report
 * filed, alerts raised to heads and reviewers who have an e-mail address.
 */
export interface DemoWork {
  readonly department: string[];
  readonly finance: string[];
  readonly returned: string;
  readonly adjusted: string;
  readonly round: { readonly roundId: string; readonly name: string; readonly deadline: string };
  readonly reported: string;
  readonly alerts: number;
}

/** Who acts in the demo, by role key (`prep314001`, `dept314`, …). */
export type As = (who: string) => Caller;

const unitOf = (id: string) => id.split('-')[1];

/**
 * The drafts kept back from approval: the last clean tables of each unit, two per unit for the
 * review stages and one more of the first unit to be returned.
 */
export function keepBack(clean: string[]): {
  department: string[];
  finance: string[];
  returned: string;
} {
  const units = [...new Set(clean.map(unitOf))];
  const last = (unit: string, n: number) => clean.filter((id) => unitOf(id) === unit).reverse()[n];
  return {
    department: units.map((u) => last(u, 0)),
    finance: units.map((u) => last(u, 1)),
    returned: last(units[0], 2),
  };
}

/** Puts the kept-back drafts on their review stages. */
async function stage(bus: CommandBus, as: As, kept: ReturnType<typeof keepBack>): Promise<void> {
  const submit = (id: string) => bus.execute(new SubmitTargetCommand(as(`prep${unitOf(id)}`), id));
  for (const id of kept.department) await submit(id);
  for (const id of kept.finance) {
    await submit(id);
    await bus.execute(new ReviewTargetCommand(as('dept314'), id, '优', ''));
  }
  await submit(kept.returned);
  const opinion = '产出指标缺少可考核的数量值，请细化后重新送审';
  await bus.execute(new ReviewTargetCommand(as('dept314'), kept.returned, '中', opinion));
}

/** Each demo unit's head, and the department's reviewer, receive alerts by e-mail. */
async function setRecipients(
  bus: CommandBus,
  as: As,
  units: { code: string; name: string }[],
  people: Record<string, { sub: string; name: string }>,
): Promise<void> {
  const mail = (p: { sub: string; name: string }) => ({
    userId: p.sub,
    name: p.name,
    email: `${p.sub}@example.gov.cn`,
  });
  for (const u of units) {
    const head = people[`head${u.code}`];
    if (head) await bus.execute(new SetUnitCommand(as('admin'), u.code, u.name, [mail(head)]));
  }
  await bus.execute(new SetDepartmentReviewersCommand(as('admin'), '314', [mail(people.dept314)]));
}

/** A report of every indicator met as planned: numbers at their target, yes/no as asked. */
async function fileReport(app: INestApplicationContext, as: As, id: string, roundId: string) {
  const { state } = await app.get(TargetStore).load(id, { all: true, units: [], departments: [] });
  const lines: ReportLine[] = targetView(state).indicators.map((ind, index) => {
    const t = ind.parsedTarget;
    const value =
      t.kind === 'quantitative' ? t.value : t.kind === 'boolean' ? t.expected : '按计划推进';
    return { index, completed: value, expected: value, likelihood: '确定能' };
  });
  await app
    .get(CommandBus)
    .execute(new FileReportCommand(as(`prep${unitOf(id)}`), id, roundId, lines));
}

/** A month from today, so the demo's round is open whenever the demo runs. */
function aMonthFrom(today: string): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 30);
  return d.toISOString().slice(0, 10);
}

/** The round the department opens for January to July, one report filed in it. */
async function openRound(app: INestApplicationContext, as: As, year: number, reported: string) {
  const deadline = aMonthFrom(todayInShanghai(app.get<Clock>(CLOCK)));
  const input = {
    fiscalYear: year,
    name: `${year}年1-7月绩效运行监控`,
    asOf: `${year}-07-31`,
    deadline,
  };
  const { round } = await app.get(CommandBus).execute(new OpenRoundCommand(as('dept314'), input));
  await fileReport(app, as, reported, round.roundId);
  return { roundId: round.roundId, name: round.name, deadline };
}

/** Leaves the demo's work: `approved` are paid already, `kept` still drafts. */
export async function leaveWork(
  app: INestApplicationContext,
  as: As,
  opts: {
    year: number;
    approved: string[];
    kept: ReturnType<typeof keepBack>;
    units: { code: string; name: string }[];
    people: Record<string, { sub: string; name: string }>;
  },
): Promise<DemoWork> {
  const bus = app.get(CommandBus);
  await stage(bus, as, opts.kept);
  // the second unit asks for more money for a target in force: 10 % more, from the fiscal budget
  const adjusted = opts.approved.filter((id) => unitOf(id) !== unitOf(opts.kept.returned))[0];
  const { state } = await app
    .get(TargetStore)
    .load(adjusted, { all: true, units: [], departments: [] });
  const b = assertApproved(state, '申请调整').approved.content.budget;
  const more = b.total / 10n;
  const budget = { total: b.total + more, fiscal: b.fiscal + more, other: b.other };
  await bus.execute(
    new RequestAdjustmentCommand(
      as(`prep${unitOf(adjusted)}`),
      adjusted,
      '服务对象增加，申请追加预算',
      {
        budget,
      },
    ),
  );
  await setRecipients(bus, as, opts.units, opts.people);
  const reported = opts.approved.find((id) => unitOf(id) === unitOf(opts.kept.returned))!;
  const round = await openRound(app, as, opts.year, reported);
  await app.get(ProjectionRunner).catchUp('execution');
  // the early warning of mid-August (the README's checkpoint sweep of 30 June still raises its own)
  const sweep = await app.get(SweepService).sweep('early', `${opts.year}-08-15`);
  return { ...opts.kept, adjusted, round, reported, alerts: sweep.raised };
}

/** Tells each demo user what the demo left for them, after their sign-ins. */
export function printWork(w: DemoWork | undefined): void {
  if (!w) {
    console.log('\nthe demo data was loaded before: sign in to see what awaits each demo user');
    return;
  }
  const returnedUnit = unitOf(w.returned);
  const adjustedUnit = unitOf(w.adjusted);
  const round = `round ${w.round.roundId} (${w.round.name}, deadline ${w.round.deadline})`;
  const rows: [string, string][] = [
    [
      'demo-dept-314',
      `review ${w.department.join(', ')} (department stage) and the adjustment of ${w.adjusted}; accept or return the report of ${w.reported} in ${round}`,
    ],
    ['demo-finance', `review ${w.finance.join(', ')} (finance stage)`],
    [
      `demo-prep-${returnedUnit}`,
      `revise and resubmit ${w.returned}, returned with an opinion; file the other reports of ${round}`,
    ],
    [
      `demo-prep-${adjustedUnit}`,
      `the adjustment of ${w.adjusted} awaits review; file the reports of ${round}`,
    ],
    [
      'demo-head-*',
      `${w.alerts} alerts raised (early warning as of 15 Aug) to acknowledge with a note; red ones also reach demo-dept-314`,
    ],
    ['demo-auditor', 'the audit trail of all of it, and GET /audit/verify'],
    ['demo-admin', 'units with their heads and e-mail addresses, users, import'],
  ];
  console.log('\nwhat awaits each demo user:');
  const width = Math.max(...rows.map(([u]) => u.length));
  for (const [u, what] of rows) console.log(`  ${u.padEnd(width)}  ${what}`);
}
