import { existsSync, mkdirSync } from 'fs';
import { AddressInfo } from 'net';
import { Browser, chromium, Page } from 'playwright-core';
import request from 'supertest';
import { createTestApp, TestApp } from './app-factory';
import { paidTarget } from './workflow';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium driven by playwright-core. The machine's network is closed: without the
 * background-networking flags Chromium keeps trying Google's hosts at every start.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--lang=zh-CN', // date inputs read 年/月/日, as the officers see them
    ],
  });
}

/** Where UPDATE_SCREENSHOTS=1 writes the browser tests' pictures; null when they are not wanted. */
export const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : null;

/** A full-page screenshot `docs/screenshots/<name>.png`, only under UPDATE_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The page as `<name>-1366.png` and `<name>-390.png`, back at 1366 px afterwards. */
export async function screenshotBothWidths(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await screenshot(page, `${name}-1366`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1366, height: 860 });
}

/** The test app listening on a free loopback port, for a browser: its base URL. */
export async function listenForBrowser(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

/** Users who sign in on the console, made by an admin over the API, all with `password`. */
export async function createUsers(
  t: TestApp,
  users: Record<
    string,
    { name: string; roles: readonly string[]; unit?: string; department?: string }
  >,
  password: string,
): Promise<void> {
  const admin = { Authorization: `Bearer ${t.token({ sub: 'admin1', roles: ['admin'] })}` };
  for (const [id, u] of Object.entries(users)) {
    await request(t.http)
      .post('/users')
      .set(admin)
      .send({ id, password, ...u })
      .expect(201);
  }
}

/** A new browser context (zh-CN, Asia/Shanghai) signed in as `user` on the console at `base`. */
export async function signInAs(
  browser: Browser,
  base: string,
  user: string,
  password: string,
  options: { width?: number; acceptDownloads?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: options.width ?? 1366, height: 860 },
    acceptDownloads: options.acceptDownloads,
  });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出' }).waitFor();
  return page;
}

/**
 * The console over a test app with the seed imported, one target approved and paid once, the
 * users made with `password`, and Chromium: what the year's later pages (monitoring,
 * self-evaluation) start from.
 */
export async function consoleWithPaidTarget(o: {
  name: string;
  users: Parameters<typeof createUsers>[1];
  password: string;
  targetId: string;
  payment: { amount: string; date: string; voucherNo: string };
}): Promise<{ t: TestApp; base: string; browser: Browser }> {
  const t = await createTestApp(o.name);
  const base = await listenForBrowser(t);
  await createUsers(t, o.users, o.password);
  await paidTarget(t, o.targetId, o.payment);
  return { t, base, browser: await launchBrowser() };
}
