import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { dropDatabase } from '@bp/infra';
import { cleanQueues } from '../support/app-factory';
import { freePort, Proc, runNode, until } from '../support/processes';

/**
 * The README is the contract: every ```sh block of it runs, in order, in one shell session of a
 * newcomer (the repository root, ../shared beside it), against the built service started here
 * on a port, a database and a queue prefix of its own. `curl` fails on an HTTP error here
 * (`--fail-with-body`, which the README's `curl -s` would hide), and each block runs under
 * `set -euo pipefail`; what the README says comes back is checked below.
 */
const ROOT = resolve(__dirname, '../..');
// BP_DIST: another build of the service than ./dist (a local run while ./dist is being rebuilt)
const DIST = process.env.BP_DIST ?? join(ROOT, 'dist');
const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

/** Blocks that cannot run here, each with the reason. */
const SKIPPED_BLOCKS: { readonly match: RegExp; readonly why: string }[] = [
  {
    match: /^npm install && npm start$/m,
    why: 'installs and starts the service: the test runs from the installed tree and starts the built service itself',
  },
  { match: /^npm test$/m, why: 'runs every test, this one among them' },
  {
    match: /pg_ctlcluster|redis-server/,
    why: 'starts PostgreSQL and Redis, which run already (.ci/run starts them)',
  },
];

/** Lines left out of a block that runs: the service they start is the one this test started. */
const SKIPPED_LINE = /^npm start\b.*$/gm;

interface Call {
  readonly args: string;
  readonly body: string;
}
interface Ran {
  readonly script: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: Call[];
}

/** The ```sh blocks of the README, in order. */
function shBlocks(readme: string): string[] {
  return [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1].trimEnd());
}

const PRELUDE = `set -euo pipefail
# an HTTP error fails the block; each answer is kept for the checks
curl() {
  local f
  f="$CURL_LOG/$(date +%s%N)"
  printf '%s' "$*" > "$f.args"
  command curl --fail-with-body "$@" | tee "$f.body"
}
`;

/** The names the README assigns (PREP=…), carried from one block to the next. */
function assignedNames(blocks: string[]): string[] {
  const names = new Set<string>();
  for (const b of blocks) for (const m of b.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)) names.add(m[1]);
  return [...names];
}

function runBlock(script: string, env: NodeJS.ProcessEnv, state: string, names: string[]): Ran {
  const log = mkdtempSync(join(tmpdir(), 'readme-curl-'));
  const save = names
    .map((n) => `[ -n "\${${n}+x}" ] && printf 'export ${n}=%q\\n' "$${n}" >> "${state}"`)
    .join('\n');
  const full = `${PRELUDE}source "${state}"\n: > "${state}"\n${script}\n${save}\ntrue\n`;
  const r = spawnSync('bash', ['-c', full], {
    cwd: ROOT,
    env: { ...env, CURL_LOG: log },
    encoding: 'utf8',
    timeout: 40000,
  });
  const calls = readdirSync(log)
    .filter((f) => f.endsWith('.args'))
    .sort()
    .map((f) => ({
      args: readFileSync(join(log, f), 'utf8'),
      body: readFileSync(join(log, f.replace(/\.args$/, '.body')), 'utf8'),
    }));
  rmSync(log, { recursive: true, force: true });
  return { script, status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}

const json = (c: Call | undefined) => JSON.parse(c?.body ?? 'null') as Record<string, unknown>;
const call = (ran: Ran, re: RegExp) => ran.calls.filter((c) => re.test(c.args)).pop();

/** What each block's README text says comes back, by a line of the block. */
const CHECKS: { readonly match: RegExp; check(ran: Ran): void }[] = [
  {
    match: /cli -- demo/,
    check: (ran) => {
      expect(ran.stdout).toMatch(/approved \d+ targets/);
      for (const user of ['demo-dept-314', 'demo-head-314001', 'demo-auditor', 'demo-admin'])
        expect(ran.stdout).toContain(`${user}-2022`);
    },
  },
  {
    match: /\/reviews .*"grade":"良"/,
    check: (ran) => {
      expect(json(call(ran, /\/submit/)).status).toBe('submitted');
      expect(json(ran.calls[ran.calls.length - 1]).status).toBe('approved');
    },
  },
  {
    match: /--dry-run/,
    check: (ran) => {
      expect(ran.stdout).toMatch(/36/);
      expect(json(call(ran, /\/imports/)).targets).toHaveLength(36);
      expect(json(call(ran, /\/goals/))).toBeTruthy();
    },
  },
  {
    match: /\/disbursements/,
    check: (ran) => {
      const targets = json(call(ran, /monitoring\/targets/));
      expect(JSON.stringify(targets)).toContain('13030322P');
      expect(json(call(ran, /monitoring\/units/))).toBeTruthy();
    },
  },
  {
    match: /auth\/login/,
    check: (ran) => {
      expect(json(call(ran, /auth\/me/)).id).toBe('demo-head-314001');
      expect(json(call(ran, /\/execution/)).series).toBeDefined();
      // curl -OJ saves each download under the fallback name of its Content-Disposition
      for (const file of ['target-13030322P00385410001N.xlsx', 'targets-314001-2022.xlsx'])
        expect(readFileSync(join(ROOT, file)).subarray(0, 2).toString()).toBe('PK');
    },
  },
  {
    match: /cli -- sweep/,
    check: (ran) => {
      expect(json(call(ran, /\/units\/314001/)).heads).toBeDefined();
      // the demo's alerts are early warnings: the checkpoint sweep of 30 June raises its own
      expect(ran.stdout).toMatch(
        /checkpoint sweep as of 2022-06-30: \d+ targets evaluated, [1-9]\d* alerts raised/,
      );
      expect((json(call(ran, /\/alerts/)).items as unknown[]).length).toBeGreaterThan(0);
    },
  },
  {
    match: /audit\/verify/,
    check: (ran) => {
      expect(
        (json(call(ran, /audit\/events\?targetId/)).items as unknown[]).length,
      ).toBeGreaterThan(0);
      expect(json(call(ran, /audit\/verify/)).ok).toBe(true);
      expect(call(ran, /format=csv/)?.body).toContain('事件类型代码');
      expect(call(ran, /format=xlsx/)?.body.startsWith('PK')).toBe(true);
    },
  },
  {
    match: /imports\/\$IMPORT\/withdraw/,
    check: (ran) => {
      expect(json(call(ran, /targets\/.*\/withdraw/)).status).toBe('withdrawn');
      const undo = json(call(ran, /imports\/.*\/withdraw/));
      expect((undo.withdrawn as unknown[]).length).toBeGreaterThan(0);
    },
  },
];

/** Which block failed, with its last call and answer, readable in the test's output. */
function failure(ran: Ran): string {
  const last = ran.calls[ran.calls.length - 1];
  return [
    `README block exited ${ran.status}:`,
    ran.script,
    `stderr: ${ran.stderr.slice(-2000)}`,
    last ? `last curl: ${last.args.slice(0, 300)}\nanswer: ${last.body.slice(0, 1000)}` : '',
  ].join('\n');
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
  } catch {
    return false;
  }
}

describe('README recipes', () => {
  const id = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'readme-'));
  const env: Record<string, string> = {
    DATABASE_URL: `${SERVER}/bp_readme_${id}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bp-test-readme-${id}`,
    AUDIT_KEY_FILE: join(work, 'audit-key'),
    LOG_LEVEL: 'warn',
  };
  let api: Proc;
  const before = new Set(readdirSync(ROOT));

  beforeAll(async () => {
    env.PORT = String(await freePort());
    // no JWT_SECRET: the service makes one at first start, as on a newcomer's machine
    delete process.env.JWT_SECRET;
    api = runNode(join(DIST, 'apps/api/src/main.js'), ['--migrate', '--with-worker'], env);
    await until(() => healthy(Number(env.PORT)), 20000, `the API to start:\n${api.output()}`);
  }, 30000);

  afterAll(async () => {
    api?.child.kill('SIGTERM');
    await api?.exited;
    // the downloads of the recipes (trail.csv, the .xlsx of -OJ) land in the repository root
    for (const f of readdirSync(ROOT))
      if (!before.has(f) && /\.(csv|xlsx)$/.test(f)) unlinkSync(join(ROOT, f));
    rmSync(work, { recursive: true, force: true });
    await dropDatabase(env.DATABASE_URL);
    await cleanQueues({ redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX } as never);
  }, 30000);

  it('every sh block of README.md runs as written and answers what the README says', () => {
    const blocks = shBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const names = assignedNames(blocks);
    const state = join(work, 'state.sh');
    writeFileSync(state, '');
    const shellEnv = { ...process.env, ...env };
    const checked = new Set<number>();
    for (const block of blocks) {
      if (SKIPPED_BLOCKS.some((s) => s.match.test(block))) continue;
      const ran = runBlock(block.replace(SKIPPED_LINE, ':'), shellEnv, state, names);
      if (ran.status !== 0) throw new Error(failure(ran));
      CHECKS.forEach((c, i) => {
        if (!c.match.test(block)) return;
        c.check(ran);
        checked.add(i);
      });
    }
    // a skip or a check whose block left the README is stale
    expect(
      SKIPPED_BLOCKS.filter((s) => !blocks.some((b) => s.match.test(b))).map((s) => s.why),
    ).toEqual([]);
    expect(CHECKS.filter((_, i) => !checked.has(i)).map((c) => String(c.match))).toEqual([]);
  }, 90000);
});
