import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';

const ID = '2022-314001-13030322P00391410001H';

describe('target workflow through HTTP', () => {
  let t: TestApp;
  let tok: Record<string, string>;
  const auth = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });

  beforeAll(async () => {
    t = await createTestApp('workflow', {}, { withWorker: true });
    tok = {
      preparer: t.token({ sub: 'u1', name: '张会计', roles: ['preparer'], unit: '314001' }),
      reviser: t.token({ sub: 'u2', name: '李会计', roles: ['preparer'], unit: '314001' }),
      dept: t.token({
        sub: 'd1',
        name: '王科长',
        roles: ['department_reviewer'],
        department: '314',
      }),
      finance: t.token({ sub: 'f1', name: '赵处长', roles: ['finance_reviewer'] }),
      auditor: t.token({ sub: 'a1', name: '审计员', roles: ['auditor'] }),
    };
  });
  afterAll(() => t.close());

  it('walks draft → submitted → returned → resubmitted → department pass → finance pass → approved', async () => {
    const created = await request(t.http)
      .post('/targets')
      .set(auth('preparer'))
      .send(targetBody())
      .expect(201);
    expect(created.body).toMatchObject({
      id: ID,
      status: 'draft',
      version: 1,
      problems: [],
      createdBy: { id: 'u1', name: '张会计' },
    });
    expect(created.body.effectivePlan).toEqual({ M3: 0, M6: 100, M10: 100, M12: 100 });
    expect(created.body.indicators[1].parsedTarget).toEqual({
      kind: 'quantitative',
      operator: '≥',
      value: 85,
      unit: '%',
      direction: 'positive',
    });
    expect(Number(created.headers['x-event-position'])).toBeGreaterThan(0);

    const submitted = await request(t.http)
      .post(`/targets/${ID}/submit`)
      .set(auth('preparer'))
      .expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', submittedBy: { id: 'u1' } });

    const returned = await request(t.http)
      .post(`/targets/${ID}/reviews`)
      .set(auth('dept'))
      .send({ grade: '中', opinion: '请补充指标值确定依据' })
      .expect(200);
    expect(returned.body.status).toBe('returned');

    const revised = await request(t.http)
      .patch(`/targets/${ID}`)
      .set(auth('reviser'))
      .set('If-Match', String(returned.body.version))
      .send({
        goals: '1.保障车辆工作\n2.提高工作效率\n3.按期续保',
        plan: { M3: 50, M6: 100, M10: 100, M12: 100 },
      })
      .expect(200);
    expect(revised.body).toMatchObject({
      status: 'returned',
      contentRevision: 2,
      effectivePlan: { M3: 50, M6: 100, M10: 100, M12: 100 },
    });
    expect(revised.headers.etag).toBe(`"${revised.body.version}"`);

    await request(t.http).post(`/targets/${ID}/submit`).set(auth('preparer')).expect(200);
    const deptPass = await request(t.http)
      .post(`/targets/${ID}/reviews`)
      .set(auth('dept'))
      .send({ grade: '优' })
      .expect(200);
    expect(deptPass.body.status).toBe('department_approved');
    const approved = await request(t.http)
      .post(`/targets/${ID}/reviews`)
      .set(auth('finance'))
      .send({ grade: '良', opinion: '同意' })
      .expect(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedVersion: 1 });
    expect(
      approved.body.reviews.map((r: { stage: string; grade: string; outcome: string }) => [
        r.stage,
        r.grade,
        r.outcome,
      ]),
    ).toEqual([
      ['department', '中', 'returned'],
      ['department', '优', 'passed'],
      ['finance', '良', 'passed'],
    ]);

    const read = await request(t.http).get(`/targets/${ID}`).set(auth('auditor')).expect(200);
    expect(read.body).toEqual(approved.body);
    const types = await t.sql<{ type: string; actor: string }>(
      `SELECT type, metadata->'actor'->>'id' AS actor FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [`target-${ID}`],
    );
    expect(types.map((e) => `${e.type}:${e.actor}`)).toEqual([
      'TargetCreated:u1',
      'TargetSubmitted:u1',
      'TargetReviewed:d1',
      'TargetRevised:u2',
      'TargetSubmitted:u1',
      'TargetReviewed:d1',
      'TargetReviewed:f1',
      'TargetApproved:f1',
    ]);
  });

  it('shows the target as it was: asOf before the submission is the draft', async () => {
    const [first] = await t.sql<{ at: Date }>(
      `SELECT recorded_at AS at FROM events WHERE stream_id = $1 AND stream_version = 1`,
      [`target-${ID}`],
    );
    const res = await request(t.http)
      .get(`/targets/${ID}`)
      .query({ asOf: first.at.toISOString() })
      .set(auth('auditor'))
      .expect(200);
    expect(res.body).toMatchObject({ status: 'draft', version: 1 });
    await request(t.http)
      .get(`/targets/${ID}`)
      .query({ asOf: 'yesterday' })
      .set(auth('auditor'))
      .expect(400);
  });

  it('refuses to submit an approved target (409 with its state) and writes nothing', async () => {
    const before = await t.eventCount();
    const res = await request(t.http)
      .post(`/targets/${ID}/submit`)
      .set(auth('preparer'))
      .expect(409);
    expect(res.body.error).toMatchObject({
      code: 'TARGET_NOT_SUBMITTABLE',
      details: { status: 'approved' },
    });
    expect(await t.eventCount()).toBe(before);
  });

  it('lists the targets in scope, page by page', async () => {
    for (const code of ['P2', 'P3']) {
      await request(t.http)
        .post('/targets')
        .set(auth('preparer'))
        .send(targetBody({ projectCode: code }))
        .expect(201);
    }
    const first = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2022, limit: 2 })
      .set(auth('preparer'))
      .expect(200);
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([ID, '2022-314001-P2']);
    expect(first.body.items[0]).toMatchObject({ status: 'approved', budget: { total: '4000.00' } });
    const second = await request(t.http)
      .get('/targets')
      .query({ fiscalYear: 2022, limit: 2, cursor: first.body.nextCursor })
      .set(auth('preparer'))
      .expect(200);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ id: '2022-314001-P3', status: 'draft' })],
      nextCursor: null,
    });
    const drafts = await request(t.http)
      .get('/targets')
      .query({ status: 'draft' })
      .set(auth('finance'))
      .expect(200);
    expect(drafts.body.items).toHaveLength(2);
  });

  it('has the worker consume the catch-up jobs the API queues after each commit', async () => {
    const { Queue } = await import('bullmq');
    const queue = new Queue('projections', {
      connection: { url: t.config.redisUrl },
      prefix: t.config.queuePrefix,
    });
    try {
      for (let i = 0; i < 50; i++) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        if (counts.waiting + counts.active + counts.delayed === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const counts = await queue.getJobCounts('waiting', 'active', 'failed');
      expect([counts.waiting, counts.active, counts.failed]).toEqual([0, 0, 0]);
    } finally {
      await queue.close();
    }
  });
});

describe('concurrent commands and dependencies', () => {
  let t: TestApp;
  const tokens = () => ({
    a: t.token({ sub: 'u1', roles: ['preparer'], unit: '314001' }),
    b: t.token({ sub: 'u2', roles: ['preparer'], unit: '314001' }),
  });

  beforeAll(async () => {
    t = await createTestApp('concurrency');
  });
  afterAll(() => t.close());

  it('two revisions with the same If-Match: one applies, the other is a 409', async () => {
    const { a, b } = tokens();
    await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${a}`)
      .send(targetBody())
      .expect(201);
    const results = await Promise.all(
      [a, b].map((tok, i) =>
        request(t.http)
          .patch(`/targets/${ID}`)
          .set('Authorization', `Bearer ${tok}`)
          .set('If-Match', '1')
          .send({ goals: `版本${i}` }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const after = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM events WHERE type = 'TargetRevised'`,
    );
    expect(Number(after[0].n)).toBe(1);
  });

  it('two submits at once: one applies, the retried other sees the new state (409)', async () => {
    const { a } = tokens();
    const results = await Promise.all(
      [1, 2].map(() =>
        request(t.http).post(`/targets/${ID}/submit`).set('Authorization', `Bearer ${a}`),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)?.body.error).toMatchObject({
      code: 'TARGET_NOT_SUBMITTABLE',
      details: { status: 'submitted' },
    });
  });

  it('serves the OpenAPI document of every route', async () => {
    const res = await request(t.http).get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/targets',
        '/targets/{id}',
        '/targets/{id}/submit',
        '/targets/{id}/reviews',
      ]),
    );
  });
});

describe('health with Redis down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('health', { redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(() => t.close());

  it('answers 503 naming the dependency, and commands still commit to PostgreSQL', async () => {
    const res = await request(t.http).get('/health').expect(503);
    expect(res.body).toEqual({ status: 'degraded', database: 'up', redis: 'down' });
    const tok = t.token({ sub: 'u1', roles: ['preparer'], unit: '314001' });
    await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${tok}`)
      .send(targetBody())
      .expect(201);
  });
});
