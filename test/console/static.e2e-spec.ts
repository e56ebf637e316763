import { existsSync } from 'fs';
import { join } from 'path';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/app-factory';

/**
 * The API serves the web console that `npm run build` puts in dist/web (`npm test` builds
 * first): `/` is its page, `/assets/*` its hashed files, and everything else is still the API.
 */
describe('web console served by the API', () => {
  let t: TestApp;

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../../dist/web/index.html'))) {
      throw new Error('dist/web/index.html is missing: run `npm run build` first (npm test does)');
    }
    t = await createTestApp('static');
  });
  afterAll(() => t?.close());

  it('answers GET / with the console page, never cached stale', async () => {
    const res = await request(t.http).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain('<div id="root"></div>');
    expect(res.text).toContain('<html lang="zh-CN">');
    expect(res.text).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
  });

  it('serves the hashed assets with long cache headers', async () => {
    const page = await request(t.http).get('/').expect(200);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(page.text)![1];
    const js = await request(t.http).get(script).expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(js.headers['cache-control']).toMatch(/immutable/);
    const css = await request(t.http).get(style).expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('leaves the API as it is: JSON 404s, authentication, /health and /docs', async () => {
    for (const path of ['/no-such-route', '/assets/no-such-file.js', '/index.htm']) {
      const res = await request(t.http).get(path).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        error: { code: 'NOT_FOUND', message: expect.any(String), details: expect.any(Object) },
      });
    }
    const noToken = await request(t.http).get('/targets').expect(401);
    expect(noToken.body.error.code).toEqual(expect.any(String));
    await request(t.http).post('/').expect(404);
    await request(t.http)
      .get('/health')
      .expect((r) => expect([200, 503]).toContain(r.status));
    const docs = await request(t.http).get('/docs/').expect(200);
    expect(docs.text).toContain('swagger');
  });
});
