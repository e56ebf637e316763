import { execFile } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { formatYuan, parseTargetDocument, parseYuan, ParsedTable } from '@bp/domain';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { asBuffer } from '../support/download';
import { targetBody } from '../support/fixtures';
import { seedText } from '../support/seed';
import { approve, importSeed } from '../support/workflow';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const FILE_NAME = '2022年秦皇岛市山海关区民政局预算绩效目标.docx';
const T36 = '2022-314004-13030322P00385310012G';
/** A target that passed the department stage only: under review, not published. */
const UNDER_REVIEW = '2022-314004-13030322P99999999001X';

const seed = parseTargetDocument(seedText());
/** Every table of the seed that can be approved: all but table 36, which is cut off. */
const publishable = seed.tables.filter((t) => t.problems.length === 0);
const idOf = (t: ParsedTable) => `2022-${t.unitCode}-${t.projectCode}`;

const download = (t: TestApp, token: string, query: object = { fiscalYear: 2022 }, code = '314') =>
  asBuffer(
    request(t.http)
      .get(`/departments/${code}/publication.docx`)
      .query(query)
      .set('Authorization', `Bearer ${token}`),
  );

const importDocx = (t: TestApp, token: string, docx: Buffer, dryRun: boolean) =>
  request(t.http)
    .post('/imports')
    .query({ fiscalYear: 2022, dryRun })
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', DOCX)
    .send(docx);

/** Budget per unit of the published tables, as the import report states it. */
function unitTotals(tables: readonly ParsedTable[]) {
  const units = new Map<string, { code: string; name: string; targets: number; fen: bigint }>();
  for (const t of tables) {
    const u = units.get(t.unitCode) ?? {
      code: t.unitCode,
      name: t.content.unitName,
      targets: 0,
      fen: 0n,
    };
    units.set(t.unitCode, { ...u, targets: u.targets + 1, fen: u.fen + t.content.budget.total });
  }
  return [...units.values()].map(({ fen, ...u }) => ({ ...u, budget: formatYuan(fen) }));
}

async function underReview(t: TestApp): Promise<void> {
  const prep = t.token({ sub: 'prep-314004', roles: ['preparer'], unit: '314004' });
  const dept = t.token({ sub: 'dept1', roles: ['department_reviewer'], department: '314' });
  const body = targetBody({
    unitCode: '314004',
    unitName: '秦皇岛市山海关区特困人口集中供养中心',
    projectCode: UNDER_REVIEW.split('-')[2],
    projectName: '尚在审核的项目',
  });
  await request(t.http)
    .post('/targets')
    .set('Authorization', `Bearer ${prep}`)
    .send(body)
    .expect(201);
  await request(t.http)
    .post(`/targets/${UNDER_REVIEW}/submit`)
    .set('Authorization', `Bearer ${prep}`)
    .expect(200);
  await request(t.http)
    .post(`/targets/${UNDER_REVIEW}/reviews`)
    .set('Authorization', `Bearer ${dept}`)
    .send({ grade: '优' })
    .expect(200);
}

describe('publishing what was approved (GET /departments/:code/publication.docx)', () => {
  let t: TestApp;
  let admin: string;
  let published: Buffer;

  beforeAll(async () => {
    t = await createTestApp('publication');
    admin = t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
    await importSeed(t);
    for (const table of publishable) await approve(t, idOf(table));
    await underReview(t);
  }, 120_000);
  afterAll(() => t.close());

  it('downloads the department document as a .docx named by year and department', async () => {
    const res = await download(t, admin).expect(200);
    expect(res.headers['content-type']).toBe(DOCX);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="publication-314-2022.docx"; filename*=UTF-8''${encodeURIComponent(FILE_NAME)}`,
    );
    published = res.body as Buffer;
    expect(published.subarray(0, 2).toString()).toBe('PK');
  });

  it('is for finance, auditors, admins and the department reviewers of that department only', async () => {
    const as = (claims: Parameters<TestApp['token']>[0]) => t.token(claims);
    await download(t, as({ sub: 'f', roles: ['finance_reviewer'] })).expect(200);
    await download(t, as({ sub: 'a', roles: ['auditor'] })).expect(200);
    await download(t, as({ sub: 'd', roles: ['department_reviewer'], department: '314' })).expect(
      200,
    );
    const other = await download(
      t,
      as({ sub: 'd5', roles: ['department_reviewer'], department: '315' }),
    ).expect(404);
    expect(JSON.parse(other.body.toString()).error.code).toBe('PUBLICATION_NOT_FOUND');
    const prep = as({ sub: 'p', roles: ['preparer'], unit: '314001' });
    const forbidden = await download(t, prep).expect(403);
    expect(JSON.parse(forbidden.body.toString()).error.code).toBe('ROLE_FORBIDDEN');
    await request(t.http).get('/departments/314/publication.docx?fiscalYear=2022').expect(401);
  });

  it('answers 404 for a year with nothing to publish and 400 for a bad code or year', async () => {
    const none = await download(t, admin, { fiscalYear: 2021 }).expect(404);
    expect(JSON.parse(none.body.toString()).error).toMatchObject({
      code: 'PUBLICATION_NOT_FOUND',
      details: { departmentCode: '314', fiscalYear: 2021 },
    });
    await download(t, admin, { fiscalYear: 2022 }, '31').expect(400);
    await download(t, admin, {}).expect(400);
  });

  it('is in the OpenAPI document, as a .docx download', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    const op = res.body.paths['/departments/{code}/publication.docx'].get;
    expect(Object.keys(op.responses['200'].content)).toEqual([DOCX]);
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'code',
      'fiscalYear',
    ]);
  });

  it('opens in LibreOffice: converted to PDF without an error', async () => {
    if (!existsSync('/usr/bin/soffice')) return; // the round trip below still holds the layout
    const dir = mkdtempSync(join(tmpdir(), 'publication-'));
    try {
      writeFileSync(join(dir, 'p.docx'), published);
      const profile = `-env:UserInstallation=file://${join(dir, 'profile')}`;
      await promisify(execFile)(
        'soffice',
        [profile, '--headless', '--convert-to', 'pdf', '--outdir', dir, join(dir, 'p.docx')],
        { timeout: 120_000 },
      );
      const pdf = readFileSync(join(dir, 'p.pdf'));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThan(35);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  describe('imported back into a fresh database', () => {
    let back: TestApp;
    let backAdmin: string;

    beforeAll(async () => {
      back = await createTestApp('publication-back');
      backAdmin = back.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
    });
    afterAll(() => back.close());

    it('a dry run finds the 35 approved tables, the units and totals, nothing unapproved, and writes nothing', async () => {
      const res = await importDocx(back, backAdmin, published, true).expect(200);
      expect(res.body).toMatchObject({ dryRun: true, created: 35, problems: [] });
      const ids = res.body.targets.map((x: { id: string }) => x.id);
      expect(ids).toEqual(publishable.map(idOf));
      expect(ids).not.toContain(T36);
      expect(ids).not.toContain(UNDER_REVIEW);
      expect(res.body.targets.every((x: { problems: string[] }) => x.problems.length === 0)).toBe(
        true,
      );
      expect(res.body.units).toEqual(unitTotals(publishable));
      expect(res.body.departmentGoals).toMatchObject({ departmentCode: '314', areas: 6 });
      expect(await back.eventCount()).toBe(0);
    });

    it('imports to the same targets as the seed, field by field, and the same department goals', async () => {
      await importDocx(back, backAdmin, published, false).expect(200);
      for (const table of publishable) {
        const { body } = await request(back.http)
          .get(`/targets/${idOf(table)}`)
          .set('Authorization', `Bearer ${backAdmin}`)
          .expect(200);
        const c = table.content;
        expect({
          unitCode: body.unitCode,
          unitName: body.unitName,
          projectCode: body.projectCode,
          projectName: body.projectName,
          budget: [body.budget.total, body.budget.fiscal, body.budget.other].map((y: string) =>
            parseYuan(y, 'budget'),
          ),
          purpose: body.purpose,
          plan: body.plan,
          goals: body.goals,
          indicators: body.indicators.map(
            ({ parsedTarget: _p, ...i }: { parsedTarget: unknown }) => i,
          ),
        }).toEqual({
          unitCode: table.unitCode,
          unitName: c.unitName,
          projectCode: table.projectCode,
          projectName: c.projectName,
          budget: [c.budget.total, c.budget.fiscal, c.budget.other],
          purpose: c.purpose,
          plan: c.plan,
          goals: c.goals,
          indicators: c.indicators,
        });
      }
      const goals = await request(back.http)
        .get('/departments/314/goals')
        .query({ fiscalYear: 2022 })
        .set('Authorization', `Bearer ${backAdmin}`)
        .expect(200);
      expect({ overall: goals.body.overall, areas: goals.body.areas }).toEqual(
        seed.departmentGoals,
      );
    });
  });

  it('publishes an approved adjustment, not one still under review', async () => {
    const [adjusted, pending] = [publishable[0], publishable[1]].map(idOf);
    const unit = '314001';
    const prep = t.token({ sub: `prep-${unit}`, roles: ['preparer'], unit });
    const dept = t.token({ sub: 'dept2', roles: ['department_reviewer'], department: '314' });
    const fin = t.token({ sub: 'fin2', roles: ['finance_reviewer'] });
    const budget = { total: '4123.45', fiscal: '4000.00', other: '123.45' };
    for (const id of [adjusted, pending])
      await request(t.http)
        .post(`/targets/${id}/adjustments`)
        .set('Authorization', `Bearer ${prep}`)
        .send({ reason: '年中预算调整', budget })
        .expect(201);
    for (const [token, grade] of [
      [dept, '良'],
      [fin, '优'],
    ])
      await request(t.http)
        .post(`/targets/${adjusted}/reviews`)
        .set('Authorization', `Bearer ${token}`)
        .send({ grade })
        .expect(200);
    const again = (await download(t, admin).expect(200)).body as Buffer;
    const report = await importDocx(t, admin, again, true).expect(200);
    const budgetOf = (id: string) =>
      report.body.targets.find((x: { id: string }) => x.id === id).budget;
    // 4123.45 元 is 0.412345 万元: more decimals than two where the fen need them, read back exactly
    expect(budgetOf(adjusted)).toBe('4123.45');
    expect(budgetOf(pending)).toBe(formatYuan(publishable[1].content.budget.total));
  });
});
