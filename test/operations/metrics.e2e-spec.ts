import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';
import { targetBody } from '../support/fixtures';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('metrics');
  });
  afterAll(() => t.close());

  it('reports HTTP latency by route pattern, errors, projection lag, queue depths and deliveries', async () => {
    const prep = t.token({ sub: 'u1', roles: ['preparer'], unit: '314001' });
    await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${prep}`)
      .send(targetBody())
      .expect(201);
    await request(t.http)
      .get('/targets/2022-314001-13030322P00391410001H')
      .set('Authorization', `Bearer ${prep}`)
      .expect(200);
    await request(t.http)
      .get('/targets/2022-314001-NOPE')
      .set('Authorization', `Bearer ${prep}`)
      .expect(404);
    const res = await request(t.http).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(text).toMatch(
      /bp_http_request_duration_seconds_count\{method="GET",route="\/targets\/:id",status="200"\} 1/,
    );
    expect(text).toMatch(
      /bp_http_request_duration_seconds_count\{method="POST",route="\/targets",status="201"\} 1/,
    );
    expect(text).toMatch(/bp_http_errors_total\{route="\/targets\/:id",status="404"\} 1/);
    // no worker in this suite: the execution projection is behind by the one event written
    expect(text).toMatch(/bp_projection_lag_events\{projection="execution"\} 1/);
    expect(text).toMatch(/bp_queue_jobs\{queue="projections",state="waiting"\} \d+/);
    expect(text).toContain('# TYPE bp_alert_deliveries gauge');
  });

  it('asks for the token when METRICS_TOKEN is set', async () => {
    const guarded = await createTestApp('metrics_token', { metricsToken: 'scrape-secret' });
    try {
      await request(guarded.http).get('/metrics').expect(401);
      await request(guarded.http)
        .get('/metrics')
        .set('Authorization', 'Bearer scrape-secret')
        .expect(200);
    } finally {
      await guarded.close();
    }
  });
});
