import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('smoke');
  });
  afterAll(() => t.close());

  it('health', async () => {
    const res = await request(t.http).get('/health');
    expect(res.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('malformed json', async () => {
    const tok = t.token({ sub: 'u1', roles: ['preparer'], unit: '314001' });
    const res = await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${tok}`)
      .set('Content-Type', 'application/json')
      .send('{"a":');
    console.log(res.status, res.body);
    const res2 = await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${tok}`)
      .send({ a: 1 });
    console.log(res2.status, JSON.stringify(res2.body));
    const res3 = await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${tok}`)
      .set('Content-Type', 'application/json')
      .send('{"__proto__": {"x": 1}}');
    console.log(res3.status, JSON.stringify(res3.body));
    const res4 = await request(t.http)
      .post('/targets')
      .set('Authorization', `Bearer ${tok}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ x: 'a'.repeat(2_000_000) }));
    console.log(res4.status, JSON.stringify(res4.body));
    const res5 = await request(t.http).get('/nope').set('Authorization', `Bearer ${tok}`);
    console.log(res5.status, JSON.stringify(res5.body));
    const res6 = await request(t.http).get('/docs-json');
    console.log(res6.status, Object.keys(res6.body.paths ?? {}));
  });
});
