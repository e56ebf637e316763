import { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  assertApproved,
  effectivePlan,
  CHECKPOINTS,
  PERIOD_CHECKPOINT,
  Period,
  Principal,
  Role,
  scopeOf,
  targetView,
} from '@bp/domain';
import {
  bodyHash,
  Caller,
  ChangeUserCommand,
  CreateUserCommand,
  Database,
  ImportDocumentCommand,
  ProjectionRunner,
  RecordDisbursementCommand,
  ReviewTargetCommand,
  SubmitTargetCommand,
  TargetStore,
  verifyPassword,
} from '@bp/infra';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { withContext } from '../cli-context';
import { DemoWork, keepBack, leaveWork, printWork } from './demo-work';

const SEED = resolve(process.cwd(), '../shared/seeds/000_df8bd7cbddbfb745.txt');
const YEAR = 2022;

interface DemoUser {
  readonly sub: string;
  readonly name: string;
  readonly roles: Role[];
  readonly unit?: string;
  readonly department?: string;
}

const USERS: Record<string, DemoUser> = {
  prep314001: {
    sub: 'demo-prep-314001',
    name: '张会计（民政局本级）',
    roles: ['preparer'],
    unit: '314001',
  },
  prep314004: {
    sub: 'demo-prep-314004',
    name: '李会计（供养中心）',
    roles: ['preparer'],
    unit: '314004',
  },
  head314001: {
    sub: 'demo-head-314001',
    name: '王局长（民政局本级）',
    roles: ['unit_head'],
    unit: '314001',
  },
  head314004: {
    sub: 'demo-head-314004',
    name: '赵主任（供养中心）',
    roles: ['unit_head'],
    unit: '314004',
  },
  dept314: {
    sub: 'demo-dept-314',
    name: '刘科长（民政部门审核）',
    roles: ['department_reviewer'],
    department: '314',
  },
  finance: { sub: 'demo-finance', name: '陈处长（财政审核）', roles: ['finance_reviewer'] },
  auditor: { sub: 'demo-auditor', name: '周审计', roles: ['auditor'] },
  admin: { sub: 'demo-admin', name: '系统管理员', roles: ['admin'] },
};

const callerOf = (u: DemoUser): Caller => {
  const principal: Principal = {
    id: u.sub,
    name: u.name,
    roles: u.roles,
    unit: u.unit,
    department: u.department,
  };
  return { principal, scope: scopeOf(principal), requestId: `demo-${u.sub}` };
};

/** A stable number in [0, 1) from a target id, so the demo data is the same every time. */
function unitInterval(id: string): number {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h / 2 ** 32;
}

/** How far each target keeps to its plan: a third on plan, a third a little behind, a third well behind. */
function paceOf(id: string): number {
  const r = unitInterval(id);
  return r < 0.34 ? 1 : r < 0.67 ? 0.85 : 0.55;
}

async function pay(
  bus: CommandBus,
  caller: Caller,
  targetId: string,
  budget: bigint,
  plan: ReturnType<typeof effectivePlan>,
) {
  const pace = paceOf(targetId);
  let before = 0;
  for (const [i, period] of (['P1', 'P2', 'P3', 'P4'] as Period[]).entries()) {
    const planned = plan[PERIOD_CHECKPOINT[period]];
    const share = BigInt(Math.round((planned - before) * pace * 100)); // hundredths of a percent
    before = planned;
    const amount = (budget * share) / 10000n;
    if (amount <= 0n) continue;
    const input = {
      amount,
      period,
      voucherNo: `记-${YEAR}-${CHECKPOINTS[i]}-${targetId.slice(-6)}`,
      source: 'fiscal' as const,
      note: '演示数据',
    };
    await bus.execute(new RecordDisbursementCommand(caller, targetId, input, bodyHash(input)));
  }
}

/**
 * The sign-in password of a demo user: its id and the demo's year, e.g. demo-admin-2022.
 * For demos only: anyone who has read this file knows them.
 */
const demoPassword = (u: DemoUser) => `${u.sub}-${YEAR}`;

/**
 * Each demo user exists, enabled, with its demo profile and password. A rerun changes only what
 * differs, so it writes no events when nothing does.
 */
async function ensureUsers(app: INestApplicationContext): Promise<void> {
  const bus = app.get(CommandBus);
  const db = app.get(Database);
  const admin = callerOf(USERS.admin);
  for (const u of Object.values(USERS)) {
    const profile = {
      name: u.name,
      roles: u.roles,
      unit: u.unit ?? null,
      department: u.department ?? null,
    };
    const { rows } = await db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE id = $1`,
      [u.sub],
    );
    if (rows.length === 0) {
      await bus.execute(
        new CreateUserCommand(admin, { id: u.sub, password: demoPassword(u), ...profile }),
      );
      continue;
    }
    const same = await verifyPassword(demoPassword(u), rows[0].password_hash);
    await bus.execute(
      new ChangeUserCommand(admin, u.sub, {
        changes: profile,
        password: same ? undefined : demoPassword(u),
        disabled: false,
      }),
    );
  }
}

function scopeText(u: DemoUser): string {
  if (u.unit) return `unit ${u.unit}`;
  if (u.department) return `department ${u.department}`;
  return 'all';
}

function printLogins(): void {
  console.log(
    '\ndemo sign-ins (POST /auth/login; these passwords are for demos only, never in production):',
  );
  const rows = Object.values(USERS).map((u) => [
    u.sub,
    demoPassword(u),
    u.roles.join(','),
    scopeText(u),
  ]);
  const head = ['username', 'password', 'role', 'scope'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, widths.map((w) => '-'.repeat(w)), ...rows])
    console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd());
}

async function approveAll(app: INestApplicationContext, ids: string[]): Promise<string[]> {
  const bus = app.get(CommandBus);
  const approved: string[] = [];
  for (const id of ids) {
    const unit = id.split('-')[1];
    try {
      await bus.execute(new SubmitTargetCommand(callerOf(USERS[`prep${unit}`]), id));
      await bus.execute(new ReviewTargetCommand(callerOf(USERS.dept314), id, '优', ''));
      await bus.execute(new ReviewTargetCommand(callerOf(USERS.finance), id, '良', '同意'));
      approved.push(id);
    } catch (e) {
      console.log(`  ${id} stays a draft: ${(e as Error).message}`);
    }
  }
  return approved;
}

/**
 * `demo`: the seed imported, targets approved, a plausible year of disbursements, demo users
 * who can sign in. It prints their sign-ins, never tokens: a token printed for a person would
 * outlive what the admin later does to them (scripts get service accounts from `cli token`).
 */
export async function runDemo(): Promise<void> {
  const text = readFileSync(SEED, 'utf8');
  await withContext(async (app) => {
    const bus = app.get(CommandBus);
    const { report } = await bus.execute(
      new ImportDocumentCommand(callerOf(USERS.admin), {
        fiscalYear: YEAR,
        document: text,
        dryRun: false,
      }),
    );
    console.log(
      `imported ${report.targets.length} targets (${report.created} new) of ${report.units.length} units`,
    );
    // the last clean drafts of each unit stay in review, so each reviewer has work (demo-work.ts)
    const clean = report.targets.filter((t) => t.status === 'draft' && t.problems.length === 0);
    const kept = clean.length >= 6 ? keepBack(clean.map((t) => t.id)) : undefined;
    const keptIds = new Set(kept ? [...kept.department, ...kept.finance, kept.returned] : []);
    const fresh = report.targets
      .filter((t) => t.status === 'draft' && !keptIds.has(t.id))
      .map((t) => t.id);
    const approved = await approveAll(app, fresh);
    console.log(`approved ${approved.length} targets`);
    const store = app.get(TargetStore);
    for (const id of approved) {
      const { state } = await store.load(id, { all: true, units: [], departments: [] });
      const view = targetView(state);
      const budget = assertApproved(state, '登记支出').approved.content.budget.total;
      await pay(bus, callerOf(USERS[`prep${state.unitCode}`]), id, budget, view.effectivePlan);
    }
    console.log(
      'recorded a year of quarterly disbursements: about a third on plan, the rest behind',
    );
    let work: DemoWork | undefined;
    if (kept && approved.length > 0) {
      work = await leaveWork(app, (who) => callerOf(USERS[who]), {
        year: YEAR,
        approved,
        kept,
        units: report.units,
        people: USERS,
      });
    }
    await app.get(ProjectionRunner).catchUpAll();
    await ensureUsers(app);
    printLogins();
    printWork(work);
  });
}
