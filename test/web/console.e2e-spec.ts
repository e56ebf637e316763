import { readFileSync } from 'fs';
import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { launchBrowser, listenForBrowser, screenshot, signInAs } from '../support/browser';
import { until } from '../support/processes';
import { approve, importSeed, projectionsCaughtUp } from '../support/workflow';

/**
 * Issue 9 in a real browser: Debian's Chromium, driven by playwright-core, on the console the
 * API serves at `/`, signed in with passwords. A reviewer approves a target, a unit head finds
 * a red target on the dashboard and acknowledges its alert, an auditor exports the trail.
 * UPDATE_SCREENSHOTS=1 also writes the pages to docs/screenshots/.
 */
const USERS = {
  zhou: { name: '周审核', roles: ['department_reviewer'], department: '314' },
  qian: { name: '钱财政', roles: ['finance_reviewer'] },
  li: { name: '李负责', roles: ['unit_head'], unit: '314001' },
  sun: { name: '孙审计', roles: ['auditor'] },
} as const;
const PASSWORD = 'console-test-pass';

describe('web console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let targets: { id: string; name: string; problems: string[] }[];
  const admin = () => ({ Authorization: `Bearer ${t.token({ sub: 'admin1', roles: ['admin'] })}` });

  const shot = screenshot;

  /** A fresh browser context (no session), signed in through the login page. */
  const signIn = async (user: keyof typeof USERS): Promise<Page> => {
    const page = await signInAs(browser, base, user, PASSWORD, { acceptDownloads: true });
    await page.getByText(USERS[user].name).first().waitFor();
    return page;
  };

  beforeAll(async () => {
    t = await createTestApp('web', {}, { withWorker: true });
    base = await listenForBrowser(t);
    const report = await importSeed(t);
    targets = report.targets;
    for (const [id, u] of Object.entries(USERS)) {
      const res = await request(t.http)
        .post('/users')
        .set(admin())
        .send({ id, password: PASSWORD, ...u });
      expect(res.status).toBe(201);
    }
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const ready = (unit: string) =>
    targets.filter((x) => x.id.split('-')[1] === unit && x.problems.length === 0);

  it('a reviewer signs in and approves a target, through both stages', async () => {
    const target = ready('314001')[0];
    const prep = t.token({ sub: 'prep1', name: '张填报', roles: ['preparer'], unit: '314001' });
    await request(t.http)
      .post(`/targets/${target.id}/submit`)
      .set('Authorization', `Bearer ${prep}`)
      .expect(200);

    for (const [user, stage, grade, after] of [
      ['zhou', '部门审核', '优', '待财政审核'],
      ['qian', '财政审核', '良', '已批复'],
    ] as const) {
      const page = await signIn(user);
      await page.getByRole('link', { name: '审核待办' }).click();
      await page.getByRole('tab', { name: stage }).click();
      await page.getByRole('link', { name: target.name }).first().click();
      await page.getByText(target.id).first().waitFor();
      await shot(page, user === 'zhou' ? 'target-review' : 'target-review-finance');
      await page.getByRole('radio', { name: grade }).check();
      await page.getByLabel('审核意见').fill('目标明确，指标可衡量，同意。');
      await page.getByRole('button', { name: '提交审核' }).click();
      await page.getByText(after).first().waitFor();
      await page.context().close();
    }

    const res = await request(t.http).get(`/targets/${target.id}`).set(admin()).expect(200);
    expect(res.body.status).toBe('approved');
    // signed in with passwords: the reviews are the users' own, with their names
    expect(
      res.body.reviews.map((r: { reviewer: { id: string; name: string } }) => r.reviewer),
    ).toEqual([
      { id: 'zhou', name: '周审核' },
      { id: 'qian', name: '钱财政' },
    ]);
  }, 60000);

  it('a unit head sees a red target on the dashboard and acknowledges its alert', async () => {
    const target = ready('314001')[1];
    await approve(t, target.id);
    // the sweep reads the execution projection: let the worker apply the approval first
    await projectionsCaughtUp(t);
    // nothing paid by 30 Jun against the plan: red at the checkpoint
    const sweep = await request(t.http)
      .post('/monitoring/sweeps')
      .set(admin())
      .send({ asOf: '2022-06-30', kind: 'checkpoint' })
      .expect(202);
    await until(
      async () =>
        (await request(t.http).get(`/jobs/${sweep.body.jobId}`).set(admin())).body.state ===
        'completed',
      20000,
      'the sweep',
    );
    const alerts = await request(t.http)
      .get('/alerts')
      .query({ unit: '314001' })
      .set(admin())
      .expect(200);
    const alert = alerts.body.items.find((a: { targetId: string }) => a.targetId === target.id);
    expect(alert).toMatchObject({ level: 'red', acknowledgedAt: null });

    const page = await signIn('li');
    await page.getByRole('link', { name: '单位看板' }).click();
    // the dashboard opens on the current year by the server's clock: go back to 2022
    await page.getByLabel('年度', { exact: true }).fill('2022');
    await page.getByLabel('截至日期').fill('2022-06-30');
    const row = page.getByRole('row').filter({ hasText: target.name }).first();
    await row.getByText('红', { exact: true }).waitFor();
    await shot(page, 'dashboard');

    await page.getByRole('link', { name: '预警' }).click();
    const alertRow = page.getByRole('row').filter({ hasText: target.name }).first();
    await alertRow.getByRole('button', { name: '确认' }).click();
    // the note is optional: acknowledging without one still works
    await page.getByRole('button', { name: '提交确认' }).click();
    await alertRow.getByText('已确认').waitFor();
    await shot(page, 'alerts');

    const after = await request(t.http)
      .get('/alerts')
      .query({ unit: '314001' })
      .set(admin())
      .expect(200);
    const acked = after.body.items.find((a: { id: string }) => a.id === alert.id);
    expect(acked.acknowledgedAt).toEqual(expect.any(String));
  }, 60000);

  it('a unit head records a disbursement, sees a refusal next to the field, reverses part, and reads the chart', async () => {
    const target = ready('314001')[1]; // approved by the test before
    const page = await signIn('li');
    await page.goto(`${base}/#/targets/${target.id}`);
    const pay = async (voucher: string) => {
      await page.getByLabel('金额（元）').fill('50000.00');
      await page.getByLabel('支付日期').fill('2022-05-20');
      await page.getByLabel('凭证号').fill(voucher);
      await page.getByRole('button', { name: '登记支出' }).click();
    };
    await pay('记-05-001');
    const row = page.getByRole('row').filter({ hasText: '记-05-001' });
    await row.waitFor();
    // the same voucher again: the API's 409 is shown as a sentence, and nothing is written
    await pay('记-05-001');
    await page.getByRole('alert').filter({ hasText: '已在本目标登记过' }).waitFor();
    await row.getByRole('button', { name: '冲销' }).click();
    await page.getByLabel('冲销金额（元）').fill('10000.00');
    await page.getByLabel('冲销原因').fill('金额有误');
    await page.getByRole('button', { name: '确认冲销' }).click();
    await until(
      async () =>
        (await request(t.http).get(`/targets/${target.id}`).set(admin())).body.disbursed ===
        '40000.00',
      5000,
      'the reversal',
    );
    const view = (await request(t.http).get(`/targets/${target.id}`).set(admin())).body;
    expect(view.disbursements).toHaveLength(1);
    expect(view.disbursements[0]).toMatchObject({ voucherNo: '记-05-001', reversed: '10000.00' });
    await shot(page, 'disbursement');

    await page.getByRole('link', { name: '执行进度图' }).click();
    await page.getByLabel('截至日期').fill('2022-06-30');
    // 40,000.00 of 205,900.00 paid by 30 Jun
    await page.getByText('19.43%').first().waitFor();
    await shot(page, 'execution');
  }, 60000);

  it('an auditor searches the trail of a target and exports it as CSV and as Excel', async () => {
    const target = ready('314001')[0]; // approved by the first test, through both stages
    const page = await signIn('sun');
    await page.getByRole('link', { name: '审计' }).click();
    // the trail's own 目标编号 (the integrity check and the as-of view have one each)
    await page.getByRole('form', { name: '审计查询条件' }).getByLabel('目标编号').fill(target.id);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('周审核').first().waitFor();
    await shot(page, 'audit');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path()).toString('utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff); // BOM: Excel opens the Chinese right
    const lines = csv.trim().split(/\r?\n/);
    // the whole life of the target: created by the import, submitted, reviewed twice
    expect(lines.length - 1).toBeGreaterThanOrEqual(4);
    expect(csv).toContain(target.id);
    expect(csv).toContain('TargetSubmitted');
    expect(csv).toContain('周审核');
    expect(csv).toContain('钱财政');
    expect(lines[0].replace('\ufeff', '')).toMatch(/^序号,时间（北京时间）,事件,事件类型代码,/);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 Excel' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe('审计记录.xlsx');
    expect(
      readFileSync(await xlsx.path())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK'); // a zip: .xlsx
  }, 60000);
});
