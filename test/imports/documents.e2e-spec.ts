import { readFileSync } from 'fs';
import { join } from 'path';
import request from 'supertest';
import { findSoffice } from '@bp/infra';
import { createTestApp, TestApp } from '../support/app-factory';
import { seedText } from '../support/seed';

const FIXTURES = join(__dirname, '../fixtures/documents');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The seed as offices send it: Word files from two producers, and a Word 97–2003 file. */
describe('importing the seed as the Word files offices have', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp('import_documents');
    admin = t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
  });
  afterAll(() => t.close());

  const upload = (file: string, contentType: string, query: Record<string, unknown> = {}) =>
    request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2022, dryRun: true, ...query })
      .set('Authorization', `Bearer ${admin}`)
      .attach('file', readFileSync(join(FIXTURES, file)), { filename: file, contentType });

  const summary = (body: Record<string, unknown>) => ({
    tables: (body.targets as unknown[]).length,
    units: body.units,
    totalBudget: body.totalBudget,
    problems: body.problems,
    warnings: body.warnings,
  });

  const SEED = {
    tables: 36,
    units: [
      {
        code: '314001',
        name: '民政部门秦皇岛市山海关区民政局本级',
        targets: 31,
        budget: '18773700.00',
      },
      {
        code: '314004',
        name: '秦皇岛市山海关区特困人口集中供养中心',
        targets: 5,
        budget: '1289000.00',
      },
    ],
    totalBudget: '20062700.00',
    problems: [],
    warnings: [],
  };

  it.each(['seed-paragraph-unit.docx', 'seed-libreoffice.docx', 'seed-print-form.docx'])(
    '%s: 36 tables, 2 units, 20,062,700.00 元, the ids of the text form',
    async (file) => {
      const text = await request(t.http)
        .post('/imports')
        .query({ fiscalYear: 2022, dryRun: true })
        .set('Authorization', `Bearer ${admin}`)
        .set('Content-Type', 'text/plain; charset=utf-8')
        .send(seedText())
        .expect(200);
      const res = await upload(file, DOCX).expect(200);
      expect(summary(res.body)).toEqual(SEED);
      const ids = (b: { targets: { id: string }[] }) => b.targets.map((x) => x.id);
      expect(ids(res.body)).toEqual(ids(text.body));
      expect(await t.eventCount()).toBe(0);
    },
  );

  (findSoffice() ? it : it.skip)(
    'a Word 97–2003 .doc is converted by LibreOffice and imports the same',
    async () => {
      const res = await upload('seed-libreoffice.doc', 'application/msword').expect(200);
      expect(summary(res.body)).toEqual(SEED);
    },
  );

  it('without LibreOffice a .doc is a 415 that says to save it as .docx, and nothing is written', async () => {
    const saved = process.env.SOFFICE_PATH;
    process.env.SOFFICE_PATH = '';
    try {
      const res = await upload('seed-libreoffice.doc', 'application/msword', {
        dryRun: false,
      }).expect(415);
      expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_DOCUMENT' });
      expect(res.body.error.message).toContain('.docx');
      expect(await t.eventCount()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.SOFFICE_PATH;
      else process.env.SOFFICE_PATH = saved;
    }
  });

  it('warns, before committing, of a document of another year', async () => {
    const res = await request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2021, dryRun: true })
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(`2022年部门预算绩效目标\n${seedText()}`)
      .expect(200);
    expect(res.body.warnings).toEqual(
      expect.arrayContaining([
        '文件标题「2022年部门预算绩效目标」写的是2022年，与导入的预算年度2021年不一致',
        expect.stringMatching(/张表的项目编码属于晚于预算年度2021年的年度/),
      ]),
    );
  });
});
