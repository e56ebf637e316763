import { parseTargetDocument } from '@bp/domain';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { docxOf } from '../support/docx-fixture';
import { seedText } from '../support/seed';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const T1 = '2022-314001-13030322P00391410001H';
const T34 = '2022-314004-13030322P00391410001H';
const T36 = '2022-314004-13030322P00385310012G';

const importText = (
  t: TestApp,
  token: string,
  text: string | Buffer,
  query: Record<string, unknown> = { fiscalYear: 2022 },
) =>
  request(t.http)
    .post('/imports')
    .query(query)
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'text/plain; charset=utf-8')
    .send(text);

describe('importing the seed document', () => {
  let t: TestApp;
  let admin: string;
  const seed = seedText();

  beforeAll(async () => {
    t = await createTestApp('import', {}, { withWorker: true });
    admin = t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('a dry run answers the report and writes nothing', async () => {
    const res = await importText(t, admin, seed, { fiscalYear: 2022, dryRun: true }).expect(200);
    expect(res.body).toMatchObject({
      fiscalYear: 2022,
      dryRun: true,
      created: 36,
      revised: 0,
      unchanged: 0,
      conflicts: [],
      totalBudget: '20062700.00',
    });
    expect(await t.eventCount()).toBe(0);
  });

  it('creates 36 draft targets over two units with the budgets of the document', async () => {
    const res = await importText(t, admin, seed).expect(200);
    expect(res.body).toMatchObject({
      dryRun: false,
      created: 36,
      revised: 0,
      unchanged: 0,
      conflicts: [],
      problems: [],
    });
    expect(res.body.units).toEqual([
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
    ]);
    expect(res.body.totalBudget).toBe('20062700.00');
    expect(res.body.targets.find((x: { id: string }) => x.id === T36)).toMatchObject({
      table: 36,
      outcome: 'created',
      status: 'draft',
      problems: ['第9个指标不完整：表格在它的单元格写完之前就结束了'],
    });
    expect(Number(res.headers['x-event-position'])).toBeGreaterThan(0);
    const list = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2022, limit: 200 })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(list.body.items).toHaveLength(36);
    expect(new Set(list.body.items.map((i: { status: string }) => i.status))).toEqual(
      new Set(['draft']),
    );
  });

  it('keeps each table exactly as written, raw beside parsed, made by the importing user', async () => {
    const res = await request(t.http)
      .get(`/targets/${T1}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'draft',
      unitName: '民政部门秦皇岛市山海关区民政局本级',
      projectName: '汽车保险费',
      budget: { total: '4000.00', fiscal: '4000.00', other: '0.00' },
      purpose: '保障车辆工作、提高工作效率',
      plan: { M3: null, M6: 100, M10: 100, M12: 100 },
      effectivePlan: { M3: 0, M6: 100, M10: 100, M12: 100 },
      goals: '1.保障车辆工作\n2.提高工作效率',
      imported: {
        amountUnit: '万元',
        budget: { total: '0.40', fiscal: '0.40', other: '' },
        plan: ['', '100%', '100%', '100%'],
      },
      problems: [],
      createdBy: { id: 'admin1', name: '管理员' },
    });
    expect(res.body.indicators).toHaveLength(9);
    expect(res.body.indicators[8]).toMatchObject({
      name: '使用部门满意度',
      target: '≥85%',
      parsedTarget: { kind: 'quantitative', operator: '≥', value: 85 },
    });
    const other = await request(t.http)
      .get(`/targets/${T34}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(other.body).toMatchObject({
      unitCode: '314004',
      projectName: '汽车保险费',
      effectivePlan: { M3: 0, M6: 100, M10: 100, M12: 100 },
    });
  });

  it('refuses to submit the cut-off table until its indicators are fixed', async () => {
    const head = t.token({ sub: 'h4', roles: ['unit_head'], unit: '314004' });
    const refused = await request(t.http)
      .post(`/targets/${T36}/submit`)
      .set('Authorization', `Bearer ${head}`)
      .expect(422);
    expect(refused.body.error.details.problems).toEqual([
      '第9个指标不完整：表格在它的单元格写完之前就结束了',
    ]);
    const target = await request(t.http)
      .get(`/targets/${T36}`)
      .set('Authorization', `Bearer ${head}`)
      .expect(200);
    const indicators = target.body.indicators.map(
      ({ parsedTarget: _p, ...i }: Record<string, unknown>) => i,
    );
    indicators[8] = { ...indicators[8], basis: '年度工作计划' };
    const fixed = await request(t.http)
      .patch(`/targets/${T36}`)
      .set('Authorization', `Bearer ${head}`)
      .set('If-Match', String(target.body.version))
      .send({ indicators })
      .expect(200);
    expect(fixed.body.problems).toEqual([]);
    await request(t.http)
      .post(`/targets/${T36}/submit`)
      .set('Authorization', `Bearer ${head}`)
      .expect(200);
  });

  it('re-importing the same document changes nothing and says so', async () => {
    const before = await t.eventCount();
    const res = await importText(t, admin, seed).expect(200);
    // table 36 was fixed and submitted since: it differs from the document, so it is reported
    // as a conflict and left alone; the 35 others are as the document says
    expect(res.body).toMatchObject({
      created: 0,
      revised: 0,
      unchanged: 35,
      conflicts: [{ id: T36, table: 36, status: 'submitted' }],
    });
    expect(res.body.departmentGoals).toEqual({
      departmentCode: '314',
      areas: 6,
      outcome: 'unchanged',
    });
    expect(await t.eventCount()).toBe(before);
  });

  it('a changed table becomes a revision of its draft; a target past draft is left alone', async () => {
    const changed = seed.replace(
      '\t1.保障车辆工作\n2.提高工作效率',
      '\t1.保障车辆工作\n2.提高工作效率\n3.按期续保',
    );
    const res = await importText(t, admin, changed).expect(200);
    expect(res.body.targets.find((x: { id: string }) => x.id === T1)).toMatchObject({
      outcome: 'revised',
      status: 'draft',
    });
    const target = await request(t.http)
      .get(`/targets/${T1}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(target.body).toMatchObject({
      goals: '1.保障车辆工作\n2.提高工作效率\n3.按期续保',
      contentRevision: 2,
    });
    expect(res.body.conflicts).toEqual([{ id: T36, table: 36, status: 'submitted' }]);
  });

  it('keeps the department-wide goals of part 1, readable for the year', async () => {
    const res = await request(t.http)
      .get('/departments/314/goals')
      .query({ fiscalYear: 2022 })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(res.body.areas).toHaveLength(6);
    expect(res.body.areas[0]).toMatchObject({
      title: '社会救助政策及管理',
      indicators: expect.arrayContaining(['城乡低保标准达标率']),
    });
    const unit = t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
    await request(t.http)
      .get('/departments/314/goals')
      .query({ fiscalYear: 2022 })
      .set('Authorization', `Bearer ${unit}`)
      .expect(200);
    const stranger = t.token({ sub: 'x', roles: ['department_reviewer'], department: '315' });
    await request(t.http)
      .get('/departments/314/goals')
      .query({ fiscalYear: 2022 })
      .set('Authorization', `Bearer ${stranger}`)
      .expect(404);
    await request(t.http)
      .get('/departments/314/goals')
      .query({ fiscalYear: 2023 })
      .set('Authorization', `Bearer ${admin}`)
      .expect(404);
  });
});

describe('the same document as .docx', () => {
  let fromText: TestApp;
  let fromDocx: TestApp;
  let admin: string;

  beforeAll(async () => {
    [fromText, fromDocx] = await Promise.all([
      createTestApp('import_text'),
      createTestApp('import_docx'),
    ]);
    admin = fromText.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
  });
  afterAll(async () => {
    await fromText.close();
    await fromDocx.close();
  });

  it('imports to identical targets, as the raw body and as a multipart upload', async () => {
    const docx = await docxOf(parseTargetDocument(seedText()));
    const a = await importText(fromText, admin, seedText()).expect(200);
    const b = await request(fromDocx.http)
      .post('/imports')
      .query({ fiscalYear: 2022 })
      .set('Authorization', `Bearer ${admin}`)
      .set('Content-Type', DOCX)
      .send(docx)
      .expect(200);
    // each run has an id of its own (issue 13); everything else is the same
    expect({ ...b.body, importId: 'run' }).toEqual({ ...a.body, importId: 'run' });
    const again = await request(fromDocx.http)
      .post('/imports')
      .query({ fiscalYear: 2022 })
      .set('Authorization', `Bearer ${admin}`)
      .attach('file', docx, { filename: 'targets.docx', contentType: DOCX })
      .expect(200);
    expect(again.body).toMatchObject({ created: 0, revised: 0, unchanged: 36 });
    const strip = ({
      createdAt: _c,
      updatedAt: _u,
      importId: _i,
      ...rest
    }: Record<string, unknown>) => rest;
    for (const { id } of a.body.targets) {
      const [x, y] = await Promise.all(
        [fromText, fromDocx].map((app) =>
          request(app.http).get(`/targets/${id}`).set('Authorization', `Bearer ${admin}`),
        ),
      );
      expect(strip(y.body)).toEqual(strip(x.body));
    }
  });
});

describe('bad imports: a clear error, nothing written', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp('import_bad');
    admin = t.token({ sub: 'admin1', roles: ['admin'] });
  });
  afterAll(() => t.close());

  async function refused(req: request.Test, status: number, code: string) {
    const res = await req;
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(await t.eventCount()).toBe(0);
    return res.body.error;
  }
  const post = () =>
    request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2022 })
      .set('Authorization', `Bearer ${admin}`);

  it('an empty file', async () => {
    await refused(post().set('Content-Type', 'text/plain').send(''), 400, 'EMPTY_DOCUMENT');
    await refused(post().attach('file', Buffer.alloc(0), 'empty.txt'), 400, 'EMPTY_DOCUMENT');
  });

  it('a file that is not this layout', async () => {
    const e = await refused(
      post().set('Content-Type', 'text/plain').send('会议纪要\n\t一、开会\n'),
      400,
      'NOT_A_TARGET_DOCUMENT',
    );
    expect(e.details.field).toBe('file');
  });

  it('a binary that is not .docx', async () => {
    await refused(
      post()
        .set('Content-Type', 'text/plain')
        .send(Buffer.from([0xff, 0xfe, 0x00, 0x81, 0xc3, 0x28])),
      400,
      'NOT_A_TEXT_DOCUMENT',
    );
    await refused(
      post().attach('file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xd8]), 'picture.png'),
      400,
      'NOT_A_TEXT_DOCUMENT',
    );
  });

  it('a .docx that is corrupt', async () => {
    const docx = await docxOf(parseTargetDocument(seedText()));
    const corrupt = Buffer.concat([docx.subarray(0, 2000), Buffer.alloc(500, 7)]);
    await refused(post().set('Content-Type', DOCX).send(corrupt), 400, 'INVALID_DOCX');
    await refused(
      post().set('Content-Type', DOCX).send(Buffer.from('not a zip at all')),
      400,
      'INVALID_DOCX',
    );
  });

  it('a 50 MB upload (413)', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    await refused(post().set('Content-Type', 'text/plain').send(big), 413, 'PAYLOAD_TOO_LARGE');
    await refused(post().attach('file', big, 'big.txt'), 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each([['abc'], ['1999'], ['2022.5'], [undefined]])(
    'a year that is not a year: %p',
    async (fiscalYear) => {
      const e = await refused(
        request(t.http)
          .post('/imports')
          .query(fiscalYear === undefined ? {} : { fiscalYear })
          .set('Authorization', `Bearer ${admin}`)
          .set('Content-Type', 'text/plain')
          .send(seedText()),
        400,
        'VALIDATION_FAILED',
      );
      expect(e.details.field).toBe('fiscalYear');
    },
  );

  it('JSON instead of a document (415)', async () => {
    await refused(post().send({ text: 'hello' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('an auditor may not import; a unit may import only its own tables', async () => {
    await refused(
      importText(t, t.token({ sub: 'a', roles: ['auditor'] }), seedText()),
      403,
      'ROLE_FORBIDDEN',
    );
    await refused(
      importText(t, t.token({ sub: 'p', roles: ['preparer'], unit: '314001' }), seedText()),
      403,
      'UNIT_OUT_OF_SCOPE',
    );
  });
});
