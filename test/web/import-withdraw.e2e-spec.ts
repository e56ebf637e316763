import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import {
  createUsers,
  launchBrowser,
  listenForBrowser,
  screenshot,
  signInAs,
} from '../support/browser';
import { targetBody } from '../support/fixtures';
import { seedText } from '../support/seed';

/**
 * Issue 13 in Chromium: an admin uploads the seed (a 2022 document) into 2021 on the import
 * page, sees the year warning before confirming, imports, and undoes the import
 * (撤销本次导入); a preparer withdraws (作废) a draft on the target page.
 * UPDATE_SCREENSHOTS=1 writes docs/screenshots/import.png and import-390.png.
 */
const PASSWORD = 'console-test-pass';
const USERS = {
  wu: { name: '吴管理', roles: ['admin'] },
  zhang: { name: '张填报', roles: ['preparer'], unit: '314001' },
} as const;

describe('import page: year warning and undoing an import (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const admin = () => ({ Authorization: `Bearer ${t.token({ sub: 'admin1', roles: ['admin'] })}` });

  const shot = screenshot;

  const signIn = (user: keyof typeof USERS, width = 1366) =>
    signInAs(browser, base, user, PASSWORD, { width });

  /** Chooses the seed as a file and runs the dry run (预检) into `year`. */
  const dryRun = async (page: Page, year: string) => {
    await page.goto(`${base}/#/import`);
    await page.locator('#import-file').setInputFiles({
      name: '2022年绩效目标.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(seedText(), 'utf8'),
    });
    await page.getByLabel('年度').fill(year);
    await page.getByRole('button', { name: '预检' }).click();
    await page.getByRole('heading', { name: '预检结果（尚未写入）' }).waitFor();
  };

  beforeAll(async () => {
    t = await createTestApp('web_import');
    base = await listenForBrowser(t);
    await createUsers(t, USERS, PASSWORD);
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the year warning before confirming, then withdraws what the import created', async () => {
    const before = await t.eventCount(); // the users are events too
    // the report's document-level warnings: a 2022 document (codes 13030322…) imported into 2021
    const dry = await request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2021, dryRun: true })
      .set(admin())
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(seedText())
      .expect(200);
    const warnings: string[] = dry.body.warnings;
    expect(warnings.length).toBeGreaterThan(0);

    const narrow = await signIn('wu', 390);
    await dryRun(narrow, '2021');
    await narrow.getByRole('alert', { name: '警告' }).getByText(warnings[0]).waitFor();
    await shot(narrow, 'import-390');
    await narrow.context().close();

    const page = await signIn('wu');
    await dryRun(page, '2021');
    const box = page.getByRole('alert', { name: '警告' });
    await box.getByText(warnings[0]).waitFor();
    expect(await box.textContent()).toContain('2021');
    expect(await t.eventCount()).toBe(before); // the dry runs wrote nothing
    await page.getByRole('button', { name: /确认导入/ }).click();
    await page.getByText('导入完成：新建 36 个').waitFor();
    const importId = (await page.getByRole('status').locator('.mono').first().textContent())!;
    expect(importId).toMatch(/^[0-9a-f-]{36}$/);
    await shot(page, 'import');

    await page.getByRole('button', { name: '撤销本次导入' }).click();
    const form = page.getByRole('form', { name: '撤销本次导入' });
    await form.getByRole('button', { name: '撤销本次导入' }).click();
    await form.getByText('请填写撤销原因').waitFor(); // nothing sent without a reason
    await form.getByLabel('撤销原因').fill('年度选错：2022 年的文档导入成了 2021 年');
    await form.getByRole('button', { name: '撤销本次导入' }).click();
    await form.getByRole('button', { name: '确认撤销' }).click();
    const result = page.getByRole('region', { name: '撤销结果' });
    await result.getByText('已作废 36 个目标').waitFor();
    await page.context().close();

    const list = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2021, limit: 200 })
      .set(admin())
      .expect(200);
    expect(list.body.items).toEqual([]);
    const gone = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2021, status: 'withdrawn', limit: 200 })
      .set(admin())
      .expect(200);
    expect(gone.body.items).toHaveLength(36);
  }, 90000);

  it('a preparer withdraws a draft of the unit on the target page', async () => {
    const prep = t.token({ sub: 'zhang', name: '张填报', roles: ['preparer'], unit: '314001' });
    const created = await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${prep}`)
      .send(targetBody())
      .expect(201);
    const page = await signIn('zhang');
    await page.goto(`${base}/#/targets/${created.body.id}`);
    await page.getByRole('button', { name: '作废' }).click();
    await page.getByLabel('作废原因').fill('与另一目标重复');
    await page.getByRole('button', { name: '作废' }).click();
    await page.getByRole('button', { name: '确认作废' }).click();
    await page.getByText('已作废：').waitFor();
    await page.locator('.status-withdrawn').first().waitFor();
    expect(await page.getByRole('button', { name: '作废' }).count()).toBe(0);
    const after = await request(t.http).get(`/targets/${created.body.id}`).set(admin()).expect(200);
    expect(after.body).toMatchObject({
      status: 'withdrawn',
      withdrawal: { reason: '与另一目标重复', by: { id: 'zhang' } },
    });
    await page.context().close();
  }, 60000);
});
