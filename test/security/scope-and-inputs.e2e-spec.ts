import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';
import { seedText } from '../support/seed';
import { approve, importSeed } from '../support/workflow';

/** The seed has this project in both units: 314001 (民政局本级) and 314004 (供养中心). */
const T1 = '2022-314001-13030322P00391410001H';
const T4 = '2022-314004-13030322P00391410001H';

/**
 * Issue 14, items 5, 6, 7, 11, 12, 13, 15 and 16: scope checked before an idempotent replay,
 * writes checked against the acting role's own unit (not the union of read scopes), a unit's
 * import leaves the department's goals and unit names alone, racing keys, text PostgreSQL
 * cannot store, cursors and impossible dates, rounds of a department, a unit head's audit.
 * Every refusal is a 4xx with the error shape and writes nothing.
 */
describe('security: scope, roles and inputs', () => {
  let t: TestApp;
  let seed: { targets: { id: string; status: string }[] };
  let drafts1: string[];
  let drafts4: string[];
  let disbursement4: string;
  let round: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const tok = (claims: Parameters<TestApp['token']>[0]) => as(t.token(claims));
  const prep1 = () => tok({ sub: 'p1', roles: ['preparer'], unit: '314001' });
  const prep4 = () => tok({ sub: 'p4', roles: ['preparer'], unit: '314004' });
  const finance = () => tok({ sub: 'f1', roles: ['finance_reviewer'] });
  const shape = {
    error: { code: expect.any(String), message: expect.any(String), details: expect.any(Object) },
  };
  const disbursement = (voucherNo: string, amount = '10.00') => ({
    amount,
    date: '2022-05-01',
    voucherNo,
    source: 'fiscal',
    note: '',
  });

  beforeAll(async () => {
    t = await createTestApp('security-scope');
    seed = await importSeed(t);
    await approve(t, T1);
    await approve(t, T4);
    const ofUnit = (u: string) =>
      seed.targets.filter((x) => x.id.split('-')[1] === u && x.id !== T1 && x.id !== T4);
    drafts1 = ofUnit('314001').map((x) => x.id);
    drafts4 = ofUnit('314004').map((x) => x.id);
    const paid = await request(t.http)
      .post(`/targets/${T4}/disbursements`)
      .set(prep4())
      .set('Idempotency-Key', 'unit4-key-1')
      .send(disbursement('U4-001', '100.00'))
      .expect(201);
    disbursement4 = paid.body.id;
    round = (
      await request(t.http)
        .post('/monitoring/rounds')
        .set(finance())
        .send({ fiscalYear: 2022, name: '2022年1-7月', asOf: '2022-07-31', deadline: '2099-12-31' })
        .expect(201)
    ).body.roundId;
  });
  afterAll(() => t.close());

  it('5. replaying another unit’s Idempotency-Key: 404 out of scope, 403 where only readable; never its payment', async () => {
    const before = await t.eventCount();
    const send = (headers: Record<string, string>, body: object) =>
      request(t.http)
        .post(`/targets/${T4}/disbursements`)
        .set(headers)
        .set('Idempotency-Key', 'unit4-key-1')
        .send(body);
    for (const body of [disbursement('U4-001', '100.00'), disbursement('OTHER', '1.00')]) {
      const outside = await send(prep1(), body);
      expect([outside.status, outside.body]).toEqual([404, shape]);
      expect(outside.body.error.code).toBe('TARGET_NOT_FOUND');
      expect(JSON.stringify(outside.body)).not.toContain(disbursement4);
      // an auditor who also prepares for 314001 reads 314004 but may not pay there
      const reader = await send(
        tok({ sub: 'pa', roles: ['preparer', 'auditor'], unit: '314001' }),
        body,
      );
      expect([reader.status, reader.body.error?.code]).toEqual([403, 'UNIT_OUT_OF_SCOPE']);
      expect(JSON.stringify(reader.body)).not.toContain(disbursement4);
    }
    expect(await t.eventCount()).toBe(before);
  });

  const mixed = [
    ['preparer + auditor', { sub: 'pa', roles: ['preparer', 'auditor'], unit: '314001' }],
    [
      'preparer + department reviewer',
      { sub: 'pd', roles: ['preparer', 'department_reviewer'], unit: '314001', department: '314' },
    ],
  ] as const;

  it.each(mixed)(
    '6. %s of 314001 cannot write on any target of 314004 (every write endpoint)',
    async (_, claims) => {
      const who = tok({ ...claims, roles: [...claims.roles] });
      const before = await t.eventCount();
      const [d4] = drafts4;
      const writes: [string, string, object][] = [
        ['post', '/targets', targetBody({ unitCode: '314004', projectCode: 'X1' })],
        ['patch', `/targets/${d4}`, { goals: '改写' }],
        ['post', `/targets/${d4}/submit`, {}],
        ['post', `/targets/${d4}/withdraw`, { reason: '作废' }],
        ['post', `/targets/${T4}/disbursements`, disbursement('MIX-1')],
        [
          'post',
          `/targets/${T4}/disbursements/${disbursement4}/reversals`,
          { amount: '1.00', reason: '冲销' },
        ],
        [
          'post',
          `/targets/${T4}/adjustments`,
          { reason: '调整', budget: { total: '1.00', fiscal: '1.00', other: '0.00' } },
        ],
        ['put', `/targets/${T4}/self-evaluation`, { entries: [] }],
        ['put', `/targets/${T4}/monitoring-reports/${round}`, { lines: [] }],
      ];
      for (const [method, path, body] of writes) {
        const agent = request(t.http) as unknown as Record<string, (p: string) => request.Test>;
        const res = await agent[method](path).set(who).set('If-Match', '1').send(body);
        expect([method, path, res.status, res.body]).toEqual([method, path, 403, shape]);
        expect(res.body.error.code).toBe('UNIT_OUT_OF_SCOPE');
      }
      // an import carrying a 314004 table
      const doc = firstTables(2).replace(
        '314001民政部门秦皇岛市山海关区民政局本级',
        '314004某单位',
      );
      const imported = await request(t.http)
        .post('/imports')
        .query({ fiscalYear: 2022 })
        .set(who)
        .set('Content-Type', 'text/plain; charset=utf-8')
        .send(doc);
      expect([imported.status, imported.body.error?.code]).toEqual([403, 'UNIT_OUT_OF_SCOPE']);
      expect(await t.eventCount()).toBe(before);
      // the same person still writes for its own unit
      await request(t.http)
        .post(`/targets/${T1}/disbursements`)
        .set(who)
        .send(disbursement(`OWN-${claims.sub}`, '1.00'))
        .expect(201);
    },
  );

  it('6. a department reviewer of 315 who is also an auditor cannot review anything of 314', async () => {
    const d1 = drafts1[0];
    await request(t.http).post(`/targets/${d1}/submit`).set(prep1()).expect(200);
    const before = await t.eventCount();
    const who = tok({ sub: 'da', roles: ['department_reviewer', 'auditor'], department: '315' });
    const reviews: [string, object][] = [
      [`/targets/${d1}/reviews`, { grade: '优' }],
      [`/targets/${T1}/self-evaluation/reviews`, { outcome: 'accepted', opinion: '同意' }],
      [`/targets/${T1}/monitoring-reports/${round}/reviews`, { outcome: 'accepted' }],
    ];
    for (const [path, body] of reviews) {
      const res = await request(t.http).post(path).set(who).send(body);
      expect([path, res.status, res.body]).toEqual([path, 403, shape]);
      expect(res.body.error.code).toBe('UNIT_OUT_OF_SCOPE');
    }
    expect(await t.eventCount()).toBe(before);
  });

  /** The seed up to the `n`-th table's heading: part 1 (the department's goals) and n − 1 tables of 314001. */
  function firstTables(n: number): string {
    const lines = seedText().split('\n');
    const headings = lines.flatMap((l, i) => (/绩效目标表\s*$/.test(l) ? [i] : []));
    return lines.slice(0, headings[n - 1]).join('\n');
  }

  it('7. a preparer’s import neither rewrites the department’s goals nor renames its unit', async () => {
    const doc = firstTables(2)
      .replace('聚焦特殊群体', '篡改后的部门目标')
      .replace('314001民政部门秦皇岛市山海关区民政局本级', '314001改名后的单位');
    const unitName = async () =>
      (await t.sql<{ name: string }>(`SELECT name FROM units WHERE code = '314001'`))[0]?.name;
    const name = await unitName();
    const goals = () =>
      t.sql(`SELECT 1 FROM events WHERE type IN ('DepartmentGoalsRecorded', 'UnitRecorded')`);
    const recorded = (await goals()).length;
    const before = await t.eventCount();
    for (const who of [prep1(), tok({ sub: 'h1', roles: ['unit_head'], unit: '314001' })]) {
      const res = await request(t.http)
        .post('/imports')
        .query({ fiscalYear: 2022 })
        .set(who)
        .set('Content-Type', 'text/plain; charset=utf-8')
        .send(doc)
        .expect(200);
      expect(res.body.departmentGoals).toMatchObject({ departmentCode: '314', outcome: 'ignored' });
      expect(res.body.warnings.join('\n')).toContain('部门整体绩效目标只在系统管理员导入时记录');
      expect(res.body.warnings.join('\n')).toContain('单位 314001 仍名为');
    }
    expect((await goals()).length).toBe(recorded);
    expect(await unitName()).toBe(name);
    expect(await t.eventCount()).toBe(before);
    // an admin's import of the same document records both
    const admin = await request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2022 })
      .set(tok({ sub: 'admin1', roles: ['admin'] }))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(doc)
      .expect(200);
    expect(admin.body.departmentGoals.outcome).toBe('recorded');
    expect(await unitName()).toBe('改名后的单位');
  });

  it('11. 40 racing requests with one Idempotency-Key and different bodies: one 201, the rest 422', async () => {
    const before = await t.eventCount();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request(t.http)
          .post(`/targets/${T1}/disbursements`)
          .set(prep1())
          .set('Idempotency-Key', 'race-key-1')
          .send(disbursement(`RACE-${i}`, '1.00')),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(39).fill(422)]);
    for (const a of answers.filter((x) => x.status === 422)) {
      expect(a.body).toEqual(shape);
      expect(a.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await t.eventCount()).toBe(before + 1);
  });

  it('12. a NUL or a lone surrogate in a body, a query or a text document: 400, nothing written', async () => {
    const before = await t.eventCount();
    const bodies = [
      JSON.stringify({ ...disbursement('NUL-1'), note: 'a\u0000b' }),
      JSON.stringify({ ...disbursement('NUL-2'), voucherNo: 'V\u0000' }),
      '{"amount":"1.00","date":"2022-05-01","voucherNo":"S1","source":"fiscal","note":"\\ud800"}',
      '{"amount":"1.00","date":"2022-05-01","voucherNo":"S2","source":"fiscal","note":"x\\udc00"}',
    ];
    for (const body of bodies) {
      const res = await request(t.http)
        .post(`/targets/${T1}/disbursements`)
        .set(prep1())
        .set('Content-Type', 'application/json')
        .send(body);
      expect([res.status, res.body]).toEqual([400, shape]);
      expect(res.body.error.code).toBe('INVALID_TEXT');
    }
    const patch = await request(t.http)
      .patch(`/targets/${drafts1[1]}`)
      .set(prep1())
      .send({ goals: '目标\u0000' });
    expect([patch.status, patch.body.error?.code]).toEqual([400, 'INVALID_TEXT']);
    const auditor = tok({ sub: 'a1', roles: ['auditor'] });
    const nul = Buffer.from('2022-314001-\u0000').toString('base64url');
    for (const path of [
      '/audit/events?actor=%00',
      '/audit/events?type=Target%00',
      `/targets?cursor=${nul}`,
      '/targets?fiscalYear=2022&unit=31400%00',
      `/targets/${T1}%00`,
    ]) {
      const res = await request(t.http).get(path).set(auditor);
      expect([path, res.status, res.body]).toEqual([path, 400, shape]);
    }
    // a ‘text’ document with NULs (UTF-16 without its mark reads so)
    const doc = await request(t.http)
      .post('/imports')
      .query({ fiscalYear: 2022 })
      .set(tok({ sub: 'admin1', roles: ['admin'] }))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(Buffer.from(firstTables(2), 'utf16le'));
    expect([doc.status, doc.body]).toEqual([400, shape]);
    expect(await t.eventCount()).toBe(before);
  });

  it('13. an audit cursor out of range and impossible dates: 400 with the error shape', async () => {
    const auditor = tok({ sub: 'a1', roles: ['auditor'] });
    const cursor = (s: string) => Buffer.from(s).toString('base64url');
    for (const path of [
      `/audit/events?cursor=${cursor('99999999999999999999:1')}`,
      `/audit/events?cursor=${cursor('1:99999999999999999999')}`,
      `/audit/events?cursor=${cursor('1:9223372036854775808')}`,
      '/audit/events?cursor=not-a-cursor',
      '/audit/events?from=2022-02-30',
      '/audit/events?to=2022-02-30',
      '/audit/events?from=2022-13-01',
      '/audit/events?to=2022-02-29T10:00:00Z',
      `/targets/${T1}?asOf=2022-02-30`,
      `/targets/${T1}?asOf=2022-04-31T12:00:00%2B08:00`,
      '/monitoring/targets?asOf=2022-02-30',
    ]) {
      const res = await request(t.http).get(path).set(auditor);
      expect([path, res.status, res.body]).toEqual([path, 400, shape]);
    }
    const before = await t.eventCount();
    const paid = await request(t.http)
      .post(`/targets/${T1}/disbursements`)
      .set(prep1())
      .send({ ...disbursement('DATE-1'), date: '2022-02-30' });
    expect([paid.status, paid.body]).toEqual([400, shape]);
    const opened = await request(t.http)
      .post('/monitoring/rounds')
      .set(finance())
      .send({ fiscalYear: 2022, name: '错日期', asOf: '2022-02-30', deadline: '2022-03-31' });
    expect([opened.status, opened.body]).toEqual([400, shape]);
    const sweep = await request(t.http)
      .post('/monitoring/sweeps')
      .set(tok({ sub: 'admin1', roles: ['admin'] }))
      .send({ asOf: '2022-02-30', kind: 'early' });
    expect([sweep.status, sweep.body]).toEqual([400, shape]);
    expect(await t.eventCount()).toBe(before);
    // a cursor the service made still pages
    const page = await request(t.http).get('/audit/events?limit=2').set(auditor).expect(200);
    await request(t.http)
      .get(`/audit/events?limit=2&cursor=${page.body.nextCursor}`)
      .set(auditor)
      .expect(200);
  });

  it('15. a department reviewer’s round covers its own department only (none, for a department without units)', async () => {
    const lonely = tok({ sub: 'd9', roles: ['department_reviewer'], department: '399' });
    const opened = await request(t.http)
      .post('/monitoring/rounds')
      .set(lonely)
      .send({ fiscalYear: 2022, name: '2022年1-6月', asOf: '2022-06-30', deadline: '2099-12-31' })
      .expect(201);
    const id = opened.body.roundId;
    const status = await request(t.http).get(`/monitoring/rounds/${id}`).set(finance()).expect(200);
    expect(status.body).toMatchObject({ targets: 0, reported: 0 });
    const before = await t.eventCount();
    const filed = await request(t.http)
      .put(`/targets/${T1}/monitoring-reports/${id}`)
      .set(prep1())
      .send({ lines: [] });
    expect([filed.status, filed.body]).toEqual([404, shape]);
    expect(filed.body.error.code).toBe('ROUND_NOT_FOUND');
    const table = await request(t.http)
      .get(`/targets/${T1}/monitoring-table?roundId=${id}`)
      .set(prep1());
    expect([table.status, table.body.error?.code]).toEqual([404, 'ROUND_NOT_FOUND']);
    expect(await t.eventCount()).toBe(before);
    // finance's round covers every department
    const all = await request(t.http).get(`/monitoring/rounds/${round}`).set(finance()).expect(200);
    expect(all.body.targets).toBeGreaterThanOrEqual(2);
  });

  it('16. a unit head asking for another unit’s audit trail: 404, not their own unit’s events', async () => {
    const head = tok({ sub: 'h1', roles: ['unit_head'], unit: '314001' });
    for (const format of ['json', 'csv']) {
      const res = await request(t.http).get(`/audit/events?unit=314004&format=${format}`).set(head);
      expect([res.status, res.body]).toEqual([404, shape]);
    }
    const own = await request(t.http).get('/audit/events?unit=314001').set(head).expect(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((i: { streamId: string }) => !i.streamId.includes('314004'))).toBe(
      true,
    );
  });
});
