import { execFileSync } from 'child_process';
import { join, resolve } from 'path';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';

/**
 * `npm run -s cli -- demo` (the built CLI) on a fresh database leaves every demo user something
 * to do, seen through the API as each of them after signing in with the demo's password.
 */
const ROOT = resolve(__dirname, '../..');
const DIST = process.env.BP_DIST ?? join(ROOT, 'dist');
// the target the README's sign-in recipe charts and downloads
const README_TARGET = '2022-314001-13030322P00385410001N';

describe('the demo leaves work for each role', () => {
  let t: TestApp;
  let output: string;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const get = async (user: string, path: string, query: object = {}) =>
    (await request(t.http).get(path).query(query).set(as(user)).expect(200)).body;

  beforeAll(async () => {
    t = await createTestApp('demo');
    output = execFileSync(process.execPath, [join(DIST, 'apps/cli/src/main.js'), 'demo'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: t.db.url, QUEUE_PREFIX: t.config.queuePrefix },
      encoding: 'utf8',
    });
    for (const user of [
      'demo-prep-314001',
      'demo-prep-314004',
      'demo-head-314001',
      'demo-head-314004',
      'demo-dept-314',
      'demo-finance',
      'demo-admin',
    ]) {
      const res = await request(t.http)
        .post('/auth/login')
        .send({ username: user, password: `${user}-2022` })
        .expect(200);
      tokens[user] = res.body.token;
    }
  }, 60000);
  afterAll(() => t?.close());

  it('leaves targets at both review stages and an adjustment for the reviewers', async () => {
    const dept = (await get('demo-dept-314', '/reviews', { stage: 'department' })).items;
    const fin = (await get('demo-finance', '/reviews', { stage: 'finance' })).items;
    expect(dept.filter((i: { kind: string }) => i.kind === 'target').length).toBeGreaterThan(0);
    expect(fin.filter((i: { kind: string }) => i.kind === 'target').length).toBeGreaterThan(0);
    const adjustment = dept.find((i: { kind: string }) => i.kind === 'adjustment');
    const target = await get('demo-prep-314004', `/targets/${adjustment.targetId}`);
    expect(target).toMatchObject({
      status: 'approved',
      pendingAdjustment: { status: 'submitted' },
    });
    // what the demo prints names the same work
    for (const item of [...dept, ...fin]) expect(output).toContain(item.targetId);
  });

  it('returns a target to its preparer with an opinion', async () => {
    const { items } = await get('demo-prep-314001', '/targets', {
      fiscalYear: 2022,
      status: 'returned',
    });
    expect(items).toHaveLength(1);
    const returned = await get('demo-prep-314001', `/targets/${items[0].id}`);
    expect(returned.reviews.at(-1)).toMatchObject({ grade: '中' });
    expect(returned.reviews.at(-1).opinion).not.toBe('');
    expect(output).toContain(`revise and resubmit ${items[0].id}`);
  });

  it('opens a monitoring round with one report filed, the others due', async () => {
    const roundId = /round ([0-9a-f-]{36})/.exec(output)?.[1];
    const round = await get('demo-dept-314', `/monitoring/rounds/${roundId}`);
    expect(round).toMatchObject({ fiscalYear: 2022, filed: 1, reported: 1 });
    expect(round.targets).toBeGreaterThan(1);
    // open: a report may still be filed in it
    expect(round.deadline >= new Date().toISOString().slice(0, 10)).toBe(true);
  });

  it('raises alerts to heads and reviewers who have an e-mail address', async () => {
    for (const head of ['demo-head-314001', 'demo-head-314004'])
      expect((await get(head, '/alerts', { fiscalYear: 2022 })).items.length).toBeGreaterThan(0);
    const red = (await get('demo-dept-314', '/alerts', { fiscalYear: 2022, level: 'red' })).items;
    expect(red.length).toBeGreaterThan(0);
    const units = await t.sql<{ code: string; heads: { userId: string; email?: string }[] }>(
      `SELECT code, heads FROM units ORDER BY code`,
    );
    expect(units.map((u) => [u.code, u.heads.map((h) => [h.userId, h.email])])).toEqual([
      ['314001', [['demo-head-314001', 'demo-head-314001@example.gov.cn']]],
      ['314004', [['demo-head-314004', 'demo-head-314004@example.gov.cn']]],
    ]);
  });

  it('keeps what the README shows: its sign-in recipe charts an approved, paid target', async () => {
    const series = await get('demo-head-314001', `/targets/${README_TARGET}/execution`, {
      asOf: '2022-08-15',
    });
    expect(series.disbursed).not.toBe('0.00');
    expect(output).toMatch(/approved 30 targets/);
  });
});
