import { JwtService } from '@nestjs/jwt';
import { request as httpRequest } from 'http';
import { AddressInfo } from 'net';
import request from 'supertest';
import { tokenSecret } from '@bp/infra';
import { withContext } from '../../apps/cli/src/cli-context';
import { issueToken, TokenRequest } from '../../apps/cli/src/commands/token.command';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createTestApp, TestApp } from '../support/app-factory';

/** The constant the service accepted before issue 14.3, when JWT_SECRET was unset. */
const PUBLISHED_DEFAULT = 'dev-only-secret-change-me';
const DAY = 24 * 3600;

/**
 * Issue 14, items 2, 3, 10, 14 and 17: tokens checked against their user, no published default
 * secret, the last admin kept, oversized tokens answered in the error shape, /metrics closed.
 * The API runs with JWT_SECRET unset, so it signs with the secret it generated in the database.
 */
describe('tokens, the token secret, admins and metrics (issue 14)', () => {
  let t: TestApp;
  let jwt: JwtService;
  let admin: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const sign = (claims: object, expiresIn = 3600) => jwt.sign(claims, { expiresIn });
  const targets = (token: string) => request(t.http).get('/targets').set(as(token));
  const patchUser = (id: string, body: object, token = admin) =>
    request(t.http).patch(`/users/${id}`).set(as(token)).send(body);
  const createUser = (body: object) =>
    request(t.http).post('/users').set(as(admin)).send(body).expect(201);
  const login = async (username: string, password: string) =>
    (await request(t.http).post('/auth/login').send({ username, password }).expect(200)).body
      .token as string;
  /** `cli token`, in-process, on the suite's database and with the service's own secret. */
  const cliToken = (r: Partial<TokenRequest> & { sub: string }) =>
    withContext((app, config) => issueToken(app, config, { roles: [], ttl: '8h', ...r }), {
      ...t.config,
      jwtSecret: undefined,
    });

  beforeAll(async () => {
    t = await createTestApp('security_tokens', { jwtSecret: undefined, trustProxy: 'loopback' });
    const [row] = await t.sql<{ value: string }>(
      `SELECT value FROM service_secrets WHERE name = 'jwt'`,
    );
    jwt = new JwtService({ secret: row.value });
    admin = sign({ sub: 'admin1', name: '管理员', roles: ['admin'] });
  });
  afterAll(() => t.close());

  describe('the token secret (14.3)', () => {
    it('refuses tokens signed with the old published default', async () => {
      const forged = new JwtService({ secret: PUBLISHED_DEFAULT }).sign(
        { sub: 'evil', name: '攻击者', roles: ['admin'] },
        { expiresIn: 3600 },
      );
      const res = await targets(forged).expect(401);
      expect(res.body.error.code).toBe('INVALID_TOKEN');
    });

    it('generated a random secret at first start, kept in the database for the CLI too', async () => {
      const rows = await t.sql<{ value: string }>(`SELECT value FROM service_secrets`);
      expect(rows).toHaveLength(1);
      expect(rows[0].value).not.toBe(PUBLISHED_DEFAULT);
      expect(Buffer.from(rows[0].value, 'base64url')).toHaveLength(32);
      // a second start (another API process, the CLI) reads the same secret, never a new one
      expect(await tokenSecret({ databaseUrl: t.config.databaseUrl })).toBe(rows[0].value);
      await targets(admin).expect(200);
      // a set JWT_SECRET wins, without the database
      expect(await tokenSecret({ databaseUrl: 'postgres://nowhere:1/x', jwtSecret: 'set' })).toBe(
        'set',
      );
    });
  });

  describe('every token of a user is checked against that user (14.2)', () => {
    beforeAll(async () => {
      await createUser({
        id: 'zhao.prep',
        name: '赵会计',
        password: 'zhao-pass-2022',
        roles: ['preparer'],
        unit: '314001',
      });
    });

    it('a 30-day token of a person stops when the person is disabled or changed', async () => {
      const claims = { sub: 'zhao.prep', name: '赵会计', roles: ['preparer'], unit: '314001' };
      const longLived = sign(claims, 30 * DAY);
      await targets(longLived).expect(200);
      await patchUser('zhao.prep', { disabled: true }).expect(200);
      const refused = await targets(longLived).expect(401);
      expect(refused.body.error).toEqual({
        code: 'TOKEN_REVOKED',
        message: expect.stringMatching(/登录已失效/),
        details: {},
      });
      await patchUser('zhao.prep', { disabled: false }).expect(200);
      await targets(longLived).expect(200);
      await patchUser('zhao.prep', { unit: '314004' }).expect(200);
      await targets(longLived).expect(401);
      await patchUser('zhao.prep', { unit: '314001' }).expect(200);
      // a token that claims more than the user has is no token of that user
      await targets(sign({ ...claims, roles: ['preparer', 'admin'] })).expect(401);
      await targets(sign({ ...claims, unit: '314004' })).expect(401);
      await targets(sign(claims)).expect(200);
    });

    it('cli token makes a service account, and disabling it revokes its tokens', async () => {
      const token = await cliToken({
        sub: 'script1',
        name: '导入脚本',
        roles: ['preparer'],
        unit: '314001',
      });
      await targets(token).expect(200);
      const users = await request(t.http).get('/users').set(as(admin)).expect(200);
      expect(users.body.items.find((u: { id: string }) => u.id === 'script1')).toMatchObject({
        service: true,
        roles: ['preparer'],
        unit: '314001',
        disabled: false,
      });
      // the same command again: the same account, a token that works
      const again = await cliToken({
        sub: 'script1',
        name: '导入脚本',
        roles: ['preparer'],
        unit: '314001',
      });
      await targets(again).expect(200);
      // other roles: the service account changes, and the tokens of the old roles stop
      const head = await cliToken({ sub: 'script1', roles: ['unit_head'], unit: '314001' });
      await targets(head).expect(200);
      await targets(token).expect(401);
      await patchUser('script1', { disabled: true }).expect(200);
      expect((await targets(head).expect(401)).body.error.code).toBe('TOKEN_REVOKED');
      await expect(cliToken({ sub: 'script1' })).rejects.toThrow(/disabled/);
    });

    it('cli token never changes a person, and gives their token as they are', async () => {
      await expect(cliToken({ sub: 'zhao.prep', roles: ['admin'] })).rejects.toThrow(
        /person who signs in/,
      );
      const token = await cliToken({ sub: 'zhao.prep' });
      expect(jwt.decode(token)).toMatchObject({
        sub: 'zhao.prep',
        name: '赵会计',
        roles: ['preparer'],
        unit: '314001',
      });
      await targets(token).expect(200);
      await expect(cliToken({ sub: 'new.one', roles: ['auditor'] })).rejects.toThrow(/--name/);
    });

    it('a service account cannot sign in', async () => {
      const [row] = await t.sql<{ service: boolean }>(
        `SELECT service FROM users WHERE id = 'script1'`,
      );
      expect(row.service).toBe(true);
      await patchUser('script1', { disabled: false, password: 'known-now-2022' }).expect(200);
      await request(t.http)
        .post('/auth/login')
        .send({ username: 'script1', password: 'known-now-2022' })
        .expect(401);
    });
  });

  describe('the last admin (14.10)', () => {
    it('an admin cannot drop their own admin role; nobody can demote or disable the last admin', async () => {
      await createUser({
        id: 'first.admin',
        name: '一号管理员',
        password: 'first-pass-2022',
        roles: ['admin'],
      });
      const first = await login('first.admin', 'first-pass-2022');
      const before = await t.eventCount();
      const self = await patchUser('first.admin', { roles: ['auditor'] }, first).expect(422);
      expect(self.body.error).toMatchObject({
        code: 'CANNOT_DEMOTE_SELF',
        details: { id: 'first.admin' },
      });
      for (const change of [{ roles: ['auditor'] }, { disabled: true }]) {
        const res = await patchUser('first.admin', change).expect(422);
        expect(res.body.error).toEqual({
          code: 'LAST_ADMIN',
          message: expect.stringMatching(/最后一位系统管理员/),
          details: { id: 'first.admin' },
        });
      }
      expect(await t.eventCount()).toBe(before);
      // with a second admin, the first may go
      await createUser({
        id: 'second.admin',
        name: '二号管理员',
        password: 'second-pass-2022',
        roles: ['admin'],
      });
      await patchUser('first.admin', { roles: ['admin', 'auditor'] }, first).expect(200);
      await patchUser('first.admin', { roles: ['auditor'] }).expect(200);
      await patchUser('second.admin', { disabled: true }).expect(422);
    });

    it('two admins demoted at once: one of them stays', async () => {
      await createUser({
        id: 'third.admin',
        name: '三号管理员',
        password: 'third-pass-2022',
        roles: ['admin'],
      });
      const answers = await Promise.all([
        patchUser('second.admin', { roles: ['auditor'] }),
        patchUser('third.admin', { disabled: true }),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
      const admins = await t.sql(
        `SELECT id FROM users WHERE 'admin' = ANY(roles) AND NOT disabled`,
      );
      expect(admins).toHaveLength(1);
    });
  });

  describe('a huge bearer token (14.14), over a real socket', () => {
    let port: number;
    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      port = (t.app.getHttpServer().address() as AddressInfo).port;
    });

    const get = (authorization: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: '/targets', headers: { authorization } },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () =>
              resolve({ status: res.statusCode!, type: res.headers['content-type'] ?? '', body }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });

    it('67 KB: 431 with the error shape, and the server goes on', async () => {
      const res = await get(`Bearer ${'a'.repeat(67 * 1024)}`);
      expect(res.status).toBe(431);
      expect(res.type).toMatch(/application\/json/);
      expect(JSON.parse(res.body)).toEqual({
        error: {
          code: 'HEADERS_TOO_LARGE',
          message: expect.stringMatching(/请求头过大/),
          details: {},
        },
      });
      expect((await get(`Bearer ${admin}`)).status).toBe(200);
    });

    it('12 KB (within the header limit): 401 before any verifying', async () => {
      const res = await get(`Bearer ${'a'.repeat(12 * 1024)}`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).error.code).toBe('TOKEN_TOO_LARGE');
    });
  });

  describe('/metrics (14.17)', () => {
    it('without METRICS_TOKEN answers loopback callers only', async () => {
      await request(t.http).get('/metrics').expect(200);
      const res = await request(t.http)
        .get('/metrics')
        .set('X-Forwarded-For', '203.0.113.9')
        .expect(401);
      expect(res.body.error.code).toBe('MISSING_TOKEN');
    });

    it('in production the API does not start without METRICS_TOKEN', async () => {
      await expect(createApiApp({ ...t.config, production: true })).rejects.toThrow(
        /NODE_ENV=production and METRICS_TOKEN is not set/,
      );
    });
  });
});
