import { createHmac } from 'crypto';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';

const ID = '2022-314001-13030322P00391410001H';

/** Bad input gets a clear 4xx in the API's error shape, and nothing is written. */
describe('refusals through HTTP', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  const auth = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });

  /** Sends a request, expects the status and error code, and checks no event was written. */
  async function refused(req: request.Test, status: number, code: string) {
    const before = await t.eventCount();
    const res = await req;
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.details).toEqual(expect.any(Object));
    expect(await t.eventCount()).toBe(before);
    return res.body.error as { code: string; message: string; details: Record<string, unknown> };
  }

  beforeAll(async () => {
    t = await createTestApp('refusals');
    tok = {
      preparer: t.token({ sub: 'u1', roles: ['preparer'], unit: '314001' }),
      preparerReviewer: t.token({
        sub: 'u9',
        roles: ['preparer', 'department_reviewer'],
        unit: '314001',
        department: '314',
      }),
      otherUnit: t.token({ sub: 'o1', roles: ['preparer'], unit: '314004' }),
      dept: t.token({ sub: 'd1', roles: ['department_reviewer'], department: '314' }),
      otherDept: t.token({ sub: 'x1', roles: ['department_reviewer'], department: '315' }),
      bothStages: t.token({
        sub: 'b1',
        roles: ['department_reviewer', 'finance_reviewer'],
        department: '314',
      }),
      finance: t.token({ sub: 'f1', roles: ['finance_reviewer'] }),
      auditor: t.token({ sub: 'a1', roles: ['auditor'] }),
    };
    await request(t.http).post('/targets').set(auth('preparer')).send(targetBody()).expect(201);
  });
  afterAll(() => t.close());

  describe('malformed and invalid bodies (400)', () => {
    const post = (body: unknown) =>
      request(t.http)
        .post('/targets')
        .set(auth('preparer'))
        .send(body as object);

    it('malformed JSON', async () => {
      await refused(
        request(t.http)
          .post('/targets')
          .set(auth('preparer'))
          .set('Content-Type', 'application/json')
          .send('{"fiscalYear": 2022,'),
        400,
        'MALFORMED_JSON',
      );
    });

    it('an unknown field, named', async () => {
      const e = await refused(
        post(targetBody({ projectCode: 'X1', approvedBy: 'me' })),
        400,
        'VALIDATION_FAILED',
      );
      expect(e.details.field).toBe('approvedBy');
    });

    it('a missing field, named', async () => {
      const body: Record<string, unknown> = targetBody({ projectCode: 'X2' });
      delete body.goals;
      const e = await refused(post(body), 400, 'VALIDATION_FAILED');
      expect(e.details.field).toBe('goals');
    });

    it('a plan that is not cumulative', async () => {
      const e = await refused(
        post(targetBody({ projectCode: 'X3', plan: { M3: 60, M6: 40, M10: 100, M12: 100 } })),
        400,
        'INVALID_TARGET',
      );
      expect(e.details.field).toBe('plan');
      expect(e.message).toContain('6月底（40%）低于3月底（60%）');
    });

    it('a plan that does not end at 100%', async () => {
      const e = await refused(
        post(targetBody({ projectCode: 'X4', plan: { M3: 10, M6: 20, M10: 30, M12: 90 } })),
        400,
        'INVALID_TARGET',
      );
      expect(e.message).toContain('100%');
    });

    it('a plan cell with three decimals or above 100', async () => {
      const e = await refused(
        post(targetBody({ projectCode: 'X5', plan: { M3: 10.125, M6: 20, M10: 30, M12: 100 } })),
        400,
        'VALIDATION_FAILED',
      );
      expect(e.details.field).toBe('plan.M3');
      await refused(
        post(targetBody({ projectCode: 'X5', plan: { M3: 10, M6: 200, M10: 30, M12: 100 } })),
        400,
        'VALIDATION_FAILED',
      );
    });

    it.each([
      ['three decimals', '4000.001'],
      ['negative', '-4000.00'],
      ['an exponent', '4e3'],
      ['over 10^13 元', '10000000000000.01'],
    ])('an amount with %s', async (_, total) => {
      const e = await refused(
        post(
          targetBody({ projectCode: 'X6', budget: { total, fiscal: '4000.00', other: '0.00' } }),
        ),
        400,
        total.startsWith('1000') ? 'AMOUNT_TOO_LARGE' : 'VALIDATION_FAILED',
      );
      expect(e.details.field).toBe('budget.total');
    });

    it('an amount as a JSON number', async () => {
      await refused(
        post(
          targetBody({
            projectCode: 'X7',
            budget: { total: 4000, fiscal: '4000.00', other: '0.00' },
          }),
        ),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('a budget whose parts do not add up', async () => {
      const e = await refused(
        post(
          targetBody({
            projectCode: 'X8',
            budget: { total: '4000.00', fiscal: '3000.00', other: '0.00' },
          }),
        ),
        400,
        'INVALID_TARGET',
      );
      expect(e.details.field).toBe('budget');
    });

    it.each([1999, 2100, 2022.5, '2022'])(
      'a fiscal year out of range or not an integer: %p',
      async (fiscalYear) => {
        const e = await refused(
          post(targetBody({ projectCode: 'X9', fiscalYear })),
          400,
          'VALIDATION_FAILED',
        );
        expect(e.details.field).toBe('fiscalYear');
      },
    );

    it('strings over a sane length', async () => {
      const e = await refused(
        post(targetBody({ projectCode: 'X10', projectName: '长'.repeat(201) })),
        400,
        'VALIDATION_FAILED',
      );
      expect(e.details.field).toBe('projectName');
      const long = await refused(
        post(
          targetBody({
            projectCode: 'X10',
            indicators: [
              {
                level1: '产出指标',
                level2: '数量指标',
                name: 'n',
                description: 'd',
                target: 'x'.repeat(300),
                basis: 'b',
              },
            ],
          }),
        ),
        400,
        'VALIDATION_FAILED',
      );
      expect(long.details.field).toBe('indicators.0.target');
    });

    it('a prototype-polluting key', async () => {
      await refused(
        request(t.http)
          .post('/targets')
          .set(auth('preparer'))
          .set('Content-Type', 'application/json')
          .send('{"__proto__": {"admin": true}}'),
        400,
        'MALFORMED_JSON',
      );
    });

    it('a body over the limit (413)', async () => {
      await refused(
        post(targetBody({ projectCode: 'X11', goals: 'x'.repeat(1_100_000) })),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });

    it('a review with an unknown grade', async () => {
      await refused(
        request(t.http).post(`/targets/${ID}/reviews`).set(auth('dept')).send({ grade: 'A' }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('tokens (401)', () => {
    const get = (authorization?: string) => {
      const r = request(t.http).get('/targets');
      return authorization ? r.set('Authorization', authorization) : r;
    };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

    it('a missing token', async () => {
      await refused(get(), 401, 'MISSING_TOKEN');
      await refused(get('Basic dTpw'), 401, 'MISSING_TOKEN');
    });

    it('a forged token (another secret)', async () => {
      await refused(
        get(`Bearer ${t.token({ sub: 'u1', roles: ['admin'] }, { secret: 'not-our-secret' })}`),
        401,
        'INVALID_TOKEN',
      );
    });

    it('a token with alg none', async () => {
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', name: 'x', roles: ['admin'] })}.`;
      await refused(get(`Bearer ${none}`), 401, 'INVALID_TOKEN');
    });

    it('an expired token', async () => {
      await refused(
        get(`Bearer ${t.token({ sub: 'u1', roles: ['admin'] }, { expiresIn: -10 })}`),
        401,
        'INVALID_TOKEN',
      );
    });

    it('a token without roles, or with a role we do not know', async () => {
      const header = b64({ alg: 'HS256', typ: 'JWT' });
      const sign = (claims: object) => {
        const payload = b64(claims);
        const sig = createHmac('sha256', 'test-secret-of-the-e2e-suite')
          .update(`${header}.${payload}`)
          .digest('base64url');
        return `Bearer ${header}.${payload}.${sig}`;
      };
      await refused(get(sign({ sub: 'u1', name: 'x' })), 401, 'INVALID_TOKEN');
      await refused(get(sign({ sub: 'u1', name: 'x', roles: ['root'] })), 401, 'INVALID_TOKEN');
      await refused(get(sign({ name: 'x', roles: ['admin'] })), 401, 'INVALID_TOKEN');
    });
  });

  describe('roles and scope', () => {
    it("another unit's target is a 404, for reading and for commands", async () => {
      await refused(
        request(t.http).get(`/targets/${ID}`).set(auth('otherUnit')),
        404,
        'TARGET_NOT_FOUND',
      );
      await refused(
        request(t.http).post(`/targets/${ID}/submit`).set(auth('otherUnit')),
        404,
        'TARGET_NOT_FOUND',
      );
      await refused(
        request(t.http)
          .patch(`/targets/${ID}`)
          .set(auth('otherUnit'))
          .set('If-Match', '1')
          .send({ goals: 'x' }),
        404,
        'TARGET_NOT_FOUND',
      );
      const list = await request(t.http).get('/targets').set(auth('otherUnit')).expect(200);
      expect(list.body.items).toEqual([]);
    });

    it("another department's reviewer gets a 404", async () => {
      await refused(
        request(t.http).get(`/targets/${ID}`).set(auth('otherDept')),
        404,
        'TARGET_NOT_FOUND',
      );
    });

    it('a target that does not exist is a 404, a malformed id a 400', async () => {
      await refused(
        request(t.http).get('/targets/2022-314001-NOPE').set(auth('auditor')),
        404,
        'TARGET_NOT_FOUND',
      );
      await refused(
        request(t.http).get('/targets/nope').set(auth('auditor')),
        400,
        'INVALID_TARGET_ID',
      );
    });

    it('an auditor changes nothing (403)', async () => {
      await refused(
        request(t.http)
          .post('/targets')
          .set(auth('auditor'))
          .send(targetBody({ projectCode: 'A1' })),
        403,
        'ROLE_FORBIDDEN',
      );
      await refused(
        request(t.http).post(`/targets/${ID}/reviews`).set(auth('auditor')).send({ grade: '优' }),
        403,
        'ROLE_FORBIDDEN',
      );
    });

    it('a preparer creates targets of its own unit only (403)', async () => {
      await refused(
        request(t.http)
          .post('/targets')
          .set(auth('preparer'))
          .send(targetBody({ unitCode: '314004', projectCode: 'A2' })),
        403,
        'UNIT_OUT_OF_SCOPE',
      );
    });

    it('the same target twice is a 409', async () => {
      await refused(
        request(t.http).post('/targets').set(auth('preparer')).send(targetBody()),
        409,
        'TARGET_EXISTS',
      );
    });
  });

  describe('workflow rules', () => {
    it('If-Match is required, and a stale one is a 409', async () => {
      await refused(
        request(t.http).patch(`/targets/${ID}`).set(auth('preparer')).send({ goals: 'x' }),
        400,
        'IF_MATCH_REQUIRED',
      );
      const e = await refused(
        request(t.http)
          .patch(`/targets/${ID}`)
          .set(auth('preparer'))
          .set('If-Match', '7')
          .send({ goals: 'x' }),
        409,
        'VERSION_CONFLICT',
      );
      expect(e.details).toMatchObject({ currentVersion: 1, expectedVersion: 7 });
      await refused(
        request(t.http)
          .patch(`/targets/${ID}`)
          .set(auth('preparer'))
          .set('If-Match', 'abc')
          .send({ goals: 'x' }),
        400,
        'INVALID_IF_MATCH',
      );
    });

    it('PATCH refuses identity fields and an invalid plan', async () => {
      await refused(
        request(t.http)
          .patch(`/targets/${ID}`)
          .set(auth('preparer'))
          .set('If-Match', '1')
          .send({ fiscalYear: 2023 }),
        400,
        'VALIDATION_FAILED',
      );
      await refused(
        request(t.http)
          .patch(`/targets/${ID}`)
          .set(auth('preparer'))
          .set('If-Match', '1')
          .send({ plan: { M3: 10, M6: 5, M10: 100, M12: 100 } }),
        400,
        'INVALID_TARGET',
      );
    });

    it('a review by whoever submitted is a 422', async () => {
      const id = '2022-314001-SOD1';
      await request(t.http)
        .post('/targets')
        .set(auth('preparerReviewer'))
        .send(targetBody({ projectCode: 'SOD1' }))
        .expect(201);
      await request(t.http).post(`/targets/${id}/submit`).set(auth('preparerReviewer')).expect(200);
      await refused(
        request(t.http)
          .post(`/targets/${id}/reviews`)
          .set(auth('preparerReviewer'))
          .send({ grade: '优' }),
        422,
        'SEGREGATION_OF_DUTIES',
      );
    });

    it('a review at the wrong stage is a 409 naming the state; 中 needs an opinion', async () => {
      await request(t.http).post(`/targets/${ID}/submit`).set(auth('preparer')).expect(200);
      const e = await refused(
        request(t.http).post(`/targets/${ID}/reviews`).set(auth('finance')).send({ grade: '优' }),
        409,
        'WRONG_REVIEW_STAGE',
      );
      expect(e.details).toMatchObject({ status: 'submitted', stage: 'department' });
      const o = await refused(
        request(t.http).post(`/targets/${ID}/reviews`).set(auth('dept')).send({ grade: '中' }),
        400,
        'OPINION_REQUIRED',
      );
      expect(o.details.field).toBe('opinion');
    });

    it('one person does not pass both stages of the same version (422)', async () => {
      await request(t.http)
        .post(`/targets/${ID}/reviews`)
        .set(auth('bothStages'))
        .send({ grade: '优' })
        .expect(200);
      await refused(
        request(t.http)
          .post(`/targets/${ID}/reviews`)
          .set(auth('bothStages'))
          .send({ grade: '优' }),
        422,
        'SEGREGATION_OF_DUTIES',
      );
      await refused(
        request(t.http).post(`/targets/${ID}/reviews`).set(auth('dept')).send({ grade: '优' }),
        409,
        'WRONG_REVIEW_STAGE',
      );
    });

    it('a draft with problems cannot be submitted (422, problems listed)', async () => {
      await request(t.http)
        .post('/targets')
        .set(auth('preparer'))
        .send(targetBody({ projectCode: 'EMPTY', indicators: [], goals: '' }))
        .expect(201);
      const e = await refused(
        request(t.http).post('/targets/2022-314001-EMPTY/submit').set(auth('preparer')),
        422,
        'TARGET_HAS_PROBLEMS',
      );
      expect(e.details.problems).toEqual(['缺少绩效目标', '绩效指标为空：至少填写一项指标']);
    });
  });
});
