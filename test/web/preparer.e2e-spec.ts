import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { launchBrowser, listenForBrowser, screenshot, signInAs } from '../support/browser';
import { until } from '../support/processes';
import { importSeed } from '../support/workflow';

/**
 * Issue 15 item 1 in Chromium: a preparer creates a target table through the form (budget
 * split, blank plan cells, the indicator tree with live readings), saves and submits it; it is
 * returned; they meet an If-Match conflict, reload, revise and resubmit; after both reviews
 * they request an adjustment and see it pending beside the version in force. Reviewers act
 * through the API: their screens are another page's. UPDATE_SCREENSHOTS=1 writes
 * docs/screenshots/unit-targets*.png, target-form*.png, target-returned*.png, target-adjustment*.png, target-adjustment-form*.png.
 */
const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : null;
const PASSWORD = 'console-test-pass';
const CODE = 'P2022YL0001';
const ID = `2022-314001-${CODE}`;
const NAME = '社区居家养老服务补贴';

describe('preparer: 本单位目标, the target form, submitting and adjusting (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const bearer = (sub: string, roles: string[], extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${t.token({ sub, roles, ...extra } as never)}`,
  });
  const admin = () => bearer('admin1', ['admin']);
  const dept = () => bearer('zhou', ['department_reviewer'], { name: '周审核', department: '314' });
  const finance = () => bearer('qian', ['finance_reviewer'], { name: '钱财政' });
  const read = async () => (await request(t.http).get(`/targets/${ID}`).set(admin())).body;

  const shot = screenshot;
  /** The page as it is at 1366 px, then again at 390 px (a phone), back to 1366. */
  const shots = async (page: Page, name: string) => {
    if (!SHOTS) return;
    await shot(page, name);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, `${name}-390`);
    await page.setViewportSize({ width: 1366, height: 860 });
  };

  const signIn = (user: string) => signInAs(browser, base, user, PASSWORD);

  beforeAll(async () => {
    t = await createTestApp('web_prep');
    base = await listenForBrowser(t);
    await importSeed(t);
    await request(t.http)
      .post('/users')
      .set(admin())
      .send({
        id: 'zhang',
        password: PASSWORD,
        name: '张填报',
        roles: ['preparer'],
        unit: '314001',
      })
      .expect(201);
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates, submits, revises after a return and a conflict, and requests an adjustment', async () => {
    const page = await signIn('zhang');
    // a preparer lands on the unit's own targets
    await page.getByRole('heading', { name: '本单位目标' }).waitFor();
    await page.goto(`${base}/#/unit-targets?fiscalYear=2022`);
    await page.getByRole('tab', { name: /草稿/ }).click();
    await page.getByRole('row').nth(1).waitFor();
    await page.getByRole('tab', { name: /全部/ }).click();
    await shots(page, 'unit-targets');

    await fillNewTarget(page);
    await shots(page, 'target-form');
    await page.getByRole('button', { name: '保存草稿' }).click();
    // saved without goals: the server's problems are shown on the form
    await page.getByText('已新建草稿。').waitFor();
    await page.getByLabel('服务器检查的问题').getByText('缺少绩效目标').waitFor();
    // 送审 is refused while a problem stands, and the page says which
    await page.getByRole('link', { name: '查看目标并送审' }).click();
    await page.getByRole('button', { name: '送审', exact: true }).click();
    await page.getByLabel('不能送审的原因').getByText('缺少绩效目标').waitFor();
    expect((await read()).status).toBe('draft');
    await page.getByRole('link', { name: '修改' }).click();
    await page.getByRole('heading', { name: '修改绩效目标表' }).waitFor();
    await page
      .getByLabel('年度绩效目标')
      .fill('1.为辖区高龄老人发放居家养老服务补贴\n2.服务对象满意度不低于90%');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('内容完整，可以送审。').waitFor();
    const saved = await read();
    expect(saved).toMatchObject({
      status: 'draft',
      version: 2,
      unitCode: '314001',
      budget: { total: '50000.00', fiscal: '40000.00', other: '10000.00' },
      plan: { M3: null, M6: 50, M10: null, M12: 100 },
      effectivePlan: { M3: 0, M6: 50, M10: 50, M12: 100 },
      problems: [],
    });
    expect(saved.indicators.map((i: { level2: string; name: string }) => i.level2)).toEqual([
      '数量指标',
      '服务对象满意度指标',
    ]);
    expect(saved.indicators[0].parsedTarget).toEqual({
      kind: 'quantitative',
      operator: '≥',
      value: 95,
      unit: '%',
      direction: 'positive',
    });

    await page.getByRole('link', { name: '查看目标并送审' }).click();
    await page.getByRole('button', { name: '送审', exact: true }).click();
    await page.getByText('已送审，目标状态：待部门审核').waitFor();
    expect((await read()).status).toBe('submitted');

    // the department returns it (its screen is the reviewers' page)
    await request(t.http)
      .post(`/targets/${ID}/reviews`)
      .set(dept())
      .send({ grade: '中', opinion: '满意度指标值偏低，请调整为不低于95%' })
      .expect(200);
    await page.reload();
    await page.getByText('退回意见：').waitFor();
    await page.getByText('满意度指标值偏低，请调整为不低于95%').first().waitFor();
    await shots(page, 'target-returned');
    await reviseAfterConflict(page);

    await page.getByRole('button', { name: '重新送审' }).click();
    await page.getByText('已送审，目标状态：待部门审核').waitFor();
    await request(t.http)
      .post(`/targets/${ID}/reviews`)
      .set(dept())
      .send({ grade: '优' })
      .expect(200);
    await request(t.http)
      .post(`/targets/${ID}/reviews`)
      .set(finance())
      .send({ grade: '良' })
      .expect(200);
    expect((await read()).status).toBe('approved');

    await requestAdjustment(page);
    await shots(page, 'target-adjustment');
    await page.goto(`${base}/#/unit-targets?fiscalYear=2022&status=approved`);
    await page.getByRole('row').filter({ hasText: NAME }).getByText('调整待主管部门审核').waitFor();
    await page.context().close();
  }, 120000);

  /** 新建: a budget that does not add up is caught as typed, blank plan cells carry forward. */
  async function fillNewTarget(page: Page) {
    await page.getByRole('link', { name: '新建绩效目标' }).click();
    await page.getByRole('heading', { name: '新建绩效目标表' }).waitFor();
    expect(await page.getByLabel('年度', { exact: true }).inputValue()).toBe('2022');
    // the unit's name comes from the caller's unit
    await until(
      async () => (await page.getByLabel('预算单位名称').inputValue()) !== '',
      5000,
      "the unit's name",
    );
    await page.getByLabel('项目编码').fill(CODE);
    await page.getByLabel('项目名称').fill(NAME);
    await page.getByLabel('预算数（元）').fill('50000.00');
    await page.getByLabel('其中：财政资金（元）').fill('40000.00');
    await page.getByText('预算数应等于财政资金与其他资金之和').waitFor();
    expect(await page.getByRole('button', { name: '保存草稿' }).isDisabled()).toBe(true);
    await page.getByLabel('其他资金（元）').fill('10000.00');
    await page.getByText('预算数应等于财政资金与其他资金之和').waitFor({ state: 'detached' });
    await page.getByLabel('资金用途').fill('向辖区80周岁以上老人发放居家养老服务补贴');
    await page.getByLabel('6月底累计（%）').fill('50');
    // 10月底 stays blank: it counts as 6月底's 50%
    await page.getByText('执行计划：50%（空白沿用上一节点）').waitFor();
    await addIndicator(
      page,
      '产出指标',
      '数量指标',
      '补贴发放覆盖率',
      '≥95%',
      '定量：不低于 95 %（越高越好）',
    );
    await addIndicator(
      page,
      '满意度指标',
      '服务对象满意度指标',
      '服务对象满意度',
      '≥90%',
      '定量：不低于 90 %（越高越好）',
    );
  }

  async function addIndicator(
    page: Page,
    l1: string,
    l2: string,
    name: string,
    value: string,
    reading: string,
  ) {
    await page.getByLabel('一级指标').selectOption(l1);
    await page.getByLabel('二级指标').selectOption(l2);
    await page.getByRole('button', { name: '添加指标' }).click();
    const row = page.getByRole('group', { name: `${l2}第1项` });
    await row.getByLabel('三级指标（必填）').fill(name);
    await row.getByLabel('指标值（必填）').fill(value);
    await row.getByText(`将理解为：${reading}`).waitFor();
  }

  /** Someone else revises the returned target while the form is open: 409, reload, revise. */
  async function reviseAfterConflict(page: Page) {
    await page.getByRole('link', { name: '修改' }).click();
    await page.getByRole('heading', { name: '修改绩效目标表' }).waitFor();
    const before = await read();
    await request(t.http)
      .patch(`/targets/${ID}`)
      .set(bearer('wang', ['preparer'], { name: '王填报', unit: '314001' }))
      .set('If-Match', String(before.version))
      .send({ purpose: '向辖区80周岁以上老人按月发放居家养老服务补贴' })
      .expect(200);
    const satisfaction = page.getByRole('group', { name: '服务对象满意度指标第1项' });
    await satisfaction.getByLabel('指标值（必填）').fill('≥95%');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('其他人已修改此目标，请重新加载').waitFor();
    expect((await read()).version).toBe(before.version + 1);
    await page.getByRole('button', { name: '重新加载' }).click();
    await page.getByText('已重新加载最新内容').waitFor();
    expect(await page.getByLabel('资金用途').inputValue()).toContain('按月发放');
    await satisfaction.getByLabel('指标值（必填）').fill('≥95%');
    await satisfaction.getByText('将理解为：定量：不低于 95 %（越高越好）').waitFor();
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText(/已保存（第 \d+ 版）/).waitFor();
    const revised = await read();
    expect(revised.indicators[1].target).toBe('≥95%');
    expect(revised.purpose).toContain('按月发放');
    await page.getByRole('link', { name: '查看目标并送审' }).click();
  }

  /** 申请调整 of the approved target: pending beside the version in force, which stays. */
  async function requestAdjustment(page: Page) {
    await page.reload();
    await page.getByRole('button', { name: '申请调整' }).click();
    await page.getByLabel('调整原因').fill('年中追加补贴对象，预算相应增加');
    await page.getByLabel('预算', { exact: true }).check();
    await page.getByLabel('预算数（元）').fill('60000.00');
    await page.getByLabel('其中：财政资金（元）').fill('50000.00');
    await shots(page, 'target-adjustment-form');
    await page.getByRole('button', { name: '提交调整申请' }).click();
    await page.getByText('调整申请已提交，待主管部门审核').waitFor();
    const card = page.getByLabel('调整申请', { exact: true });
    await card.getByRole('row').filter({ hasText: '预算数' }).getByText('60,000.00').waitFor();
    await card.getByRole('row').filter({ hasText: '预算数' }).getByText('50,000.00').waitFor();
    const after = await read();
    expect(after).toMatchObject({
      status: 'approved',
      budget: { total: '50000.00' },
      pendingAdjustment: { status: 'submitted', budget: { total: '60000.00', fiscal: '50000.00' } },
    });
  }
});
