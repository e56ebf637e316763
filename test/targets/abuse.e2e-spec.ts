import fc from 'fast-check';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';
import { approve, importSeed } from '../support/workflow';

const T1 = '2022-314001-13030322P00391410001H';

/**
 * Abuse of every command's input (issue 8): random and hostile bodies end in a 4xx with the
 * error shape, and nothing is written. Runs are bounded so the suite stays quick.
 */
describe('abuse of command inputs', () => {
  let t: TestApp;
  let prep: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp('abuse');
    prep = t.token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
    await importSeed(t);
    await approve(t, T1);
  });
  afterAll(() => t.close());

  const endpoints: [string, () => request.Test][] = [
    ['POST /targets', () => request(t.http).post('/targets')],
    ['PATCH /targets/:id', () => request(t.http).patch(`/targets/${T1}`).set('If-Match', '99')],
    ['POST /targets/:id/reviews', () => request(t.http).post(`/targets/${T1}/reviews`)],
    ['POST /targets/:id/disbursements', () => request(t.http).post(`/targets/${T1}/disbursements`)],
    ['POST /targets/:id/adjustments', () => request(t.http).post(`/targets/${T1}/adjustments`)],
    [
      'PUT /targets/:id/self-evaluation',
      () => request(t.http).put(`/targets/${T1}/self-evaluation`),
    ],
  ];

  async function refused(req: request.Test, body: string | Buffer) {
    const res = await req.set(as(prep)).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toEqual({
      code: expect.any(String),
      message: expect.any(String),
      details: expect.any(Object),
    });
  }

  it('random JSON bodies', async () => {
    const before = await t.eventCount();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.jsonValue({ maxDepth: 4 }),
        async ([, send], value) => {
          await refused(send(), JSON.stringify(value));
        },
      ),
      { numRuns: 120 },
    );
    expect(await t.eventCount()).toBe(before);
  });

  it('hostile values: huge strings, deep nesting, prototype keys, SQL, odd numbers, invalid UTF-8', async () => {
    const before = await t.eventCount();
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const hostile: (string | Buffer)[] = [
      JSON.stringify(targetBody({ projectName: 'x'.repeat(100_000) })),
      deep,
      '{"__proto__": {"isAdmin": true}}',
      '{"constructor": {"prototype": {"x": 1}}}',
      JSON.stringify(targetBody({ projectCode: "1'; DROP TABLE events; --" })),
      JSON.stringify({ amount: "1'; DELETE FROM events; --", date: '2022-05-01', voucherNo: 'V' }),
      '{"amount": 1e309, "date": "2022-05-01", "voucherNo": "V"}',
      '{"amount": "-0", "date": "2022-05-01", "voucherNo": "V"}',
      '{"amount": "0x10", "date": "2022-05-01", "voucherNo": "V"}',
      '{"amount": "1e3", "date": "2022-05-01", "voucherNo": "V"}',
      JSON.stringify(targetBody({ fiscalYear: -0 })),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    ];
    for (const [, send] of endpoints) for (const body of hostile) await refused(send(), body);
    expect(await t.eventCount()).toBe(before);
    const events = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM events`);
    expect(events[0].n).toBe(before); // and the table is still there
  });

  it('another unit or department gets a 404 on every endpoint that names a target', async () => {
    const other = t.token({ sub: 'o1', roles: ['preparer', 'unit_head'], unit: '314004' });
    const otherDept = t.token({ sub: 'x1', roles: ['department_reviewer'], department: '315' });
    const paths: [string, string, object?][] = [
      ['get', `/targets/${T1}`],
      ['patch', `/targets/${T1}`, { goals: 'x' }],
      ['post', `/targets/${T1}/submit`],
      [
        'post',
        `/targets/${T1}/disbursements`,
        { amount: '1.00', date: '2022-05-01', voucherNo: 'V9' },
      ],
      [
        'post',
        `/targets/${T1}/adjustments`,
        { reason: 'x', budget: { total: '1.00', fiscal: '1.00', other: '0.00' } },
      ],
      ['put', `/targets/${T1}/self-evaluation`, { entries: [] }],
      ['get', `/targets/${T1}/self-evaluation`],
      ['get', `/targets/${T1}/monitoring-table?roundId=00000000-0000-0000-0000-000000000000`],
    ];
    for (const [method, path, body] of paths) {
      const agent = request(t.http) as unknown as Record<string, (p: string) => request.Test>;
      const res = await agent[method](path)
        .set(as(other))
        .set('If-Match', '1')
        .send(body ?? {});
      expect([path, res.status]).toEqual([path, 404]);
    }
    const review = await request(t.http)
      .post(`/targets/${T1}/reviews`)
      .set(as(otherDept))
      .send({ grade: '优' });
    expect(review.status).toBe(404);
  });
});
