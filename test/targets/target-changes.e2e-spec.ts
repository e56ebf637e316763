import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';

const ID = '2022-314001-13030322P00391410001H';

/** GET /targets/:id/changes (issue 15.2): what a reviewer compares, within the caller's scope. */
describe('what changed since the last review (GET /targets/:id/changes)', () => {
  let t: TestApp;
  const as = (claims: object) => ({ Authorization: `Bearer ${t.token(claims as never)}` });
  const prep = () => as({ sub: 'u1', roles: ['preparer'], unit: '314001' });
  const dept = () => as({ sub: 'd1', roles: ['department_reviewer'], department: '314' });
  const changes = (auth = dept()) => request(t.http).get(`/targets/${ID}/changes`).set(auth);

  beforeAll(async () => {
    t = await createTestApp('target_changes');
    await request(t.http).post('/targets').set(prep()).send(targetBody()).expect(201);
    await request(t.http).post(`/targets/${ID}/submit`).set(prep()).expect(200);
  });

  afterAll(() => t?.close());

  it('is 首次送审 before any review, then the fields and indicators revised after a return', async () => {
    expect((await changes().expect(200)).body).toMatchObject({
      kind: 'target',
      from: null,
      firstSubmission: true,
      fields: [],
    });
    const returned = await request(t.http)
      .post(`/targets/${ID}/reviews`)
      .set(dept())
      .send({ grade: '中', opinion: '预算偏低' })
      .expect(200);
    const indicators = targetBody().indicators.map((i, n) =>
      n === 0 ? { ...i, target: '2辆' } : i,
    );
    await request(t.http)
      .patch(`/targets/${ID}`)
      .set(prep())
      .set('If-Match', String(returned.body.version))
      .send({ budget: { total: '8000.00', fiscal: '8000.00', other: '0.00' }, indicators })
      .expect(200);
    const body = (await changes().expect(200)).body;
    expect(body).toMatchObject({
      kind: 'target',
      from: returned.body.version,
      firstSubmission: false,
    });
    expect(body.fields).toEqual([
      {
        field: 'budget',
        label: '项目资金',
        before: { total: '4000.00', fiscal: '4000.00', other: '0.00' },
        after: { total: '8000.00', fiscal: '8000.00', other: '0.00' },
      },
    ]);
    expect(body.indicators.changed).toEqual([
      { before: targetBody().indicators[0], after: indicators[0], parts: ['target'] },
    ]);
  });

  it("answers 404 outside the caller's scope and 400 for a malformed id", async () => {
    const other = await changes(as({ sub: 'u9', roles: ['preparer'], unit: '314004' }));
    expect({ status: other.status, code: other.body.error?.code }).toEqual({
      status: 404,
      code: 'TARGET_NOT_FOUND',
    });
    const bad = await request(t.http).get('/targets/not-an-id/changes').set(dept());
    expect({ status: bad.status, code: bad.body.error?.code }).toEqual({
      status: 400,
      code: 'INVALID_TARGET_ID',
    });
  });
});
