import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { createTestApp, TEST_JWT_SECRET, TestApp } from '../support/app-factory';

const INVALID = {
  error: { code: 'INVALID_CREDENTIALS', message: '用户名或密码错误', details: {} },
};
const PASSWORDS = {
  zhang: 'zhang-pass-2022',
  li: 'li-pass-2022-xx',
  wang: 'wang-pass-2022',
  root: 'root-pass-2022',
  zhangNew: '新的密码-zhang-2',
};

describe('users and sign-in', () => {
  let t: TestApp;
  let admin: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const login = (username: string, password: string) =>
    request(t.http).post('/auth/login').send({ username, password });
  const createUser = (body: object, token = admin) =>
    request(t.http).post('/users').set(as(token)).send(body);
  const patchUser = (id: string, body: object, token = admin) =>
    request(t.http).patch(`/users/${id}`).set(as(token)).send(body);
  const userCount = async () =>
    Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM users'))[0].n);

  beforeAll(async () => {
    t = await createTestApp('auth');
    admin = t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
    const users = [
      {
        id: 'zhang.kj',
        name: '张会计',
        password: PASSWORDS.zhang,
        roles: ['preparer'],
        unit: '314001',
      },
      { id: 'li.kj', name: '李会计', password: PASSWORDS.li, roles: ['preparer'], unit: '314004' },
      {
        id: 'wang.dept',
        name: '王科长',
        password: PASSWORDS.wang,
        roles: ['department_reviewer'],
        department: '314',
      },
      { id: 'root.admin', name: '管理员二', password: PASSWORDS.root, roles: ['admin'] },
    ];
    for (const u of users) await createUser(u).expect(201);
  });
  afterAll(() => t.close());

  describe('POST /auth/login', () => {
    it('answers a token of the API for 8 h, and the token works', async () => {
      const res = await login('zhang.kj', PASSWORDS.zhang).expect(200);
      expect(res.body).toEqual({
        token: expect.any(String),
        expiresAt: expect.any(String),
        user: {
          id: 'zhang.kj',
          name: '张会计',
          roles: ['preparer'],
          unit: '314001',
          department: null,
        },
      });
      const claims = new JwtService({ secret: TEST_JWT_SECRET }).verify(res.body.token, {
        algorithms: ['HS256'],
      });
      expect(claims).toMatchObject({
        sub: 'zhang.kj',
        name: '张会计',
        roles: ['preparer'],
        unit: '314001',
      });
      expect(claims.exp - claims.iat).toBe(8 * 3600);
      expect(new Date(res.body.expiresAt).getTime()).toBe(claims.exp * 1000);
      expect(Math.abs(claims.exp * 1000 - (Date.now() + 8 * 3600_000))).toBeLessThan(60_000);

      const list = await request(t.http).get('/targets').set(as(res.body.token)).expect(200);
      expect(list.body).toEqual({ items: [], nextCursor: null });
      const me = await request(t.http).get('/auth/me').set(as(res.body.token)).expect(200);
      expect(me.body).toEqual(res.body.user);
      // the sign-in is counted on the user, not as an event
      const users = await request(t.http).get('/users').set(as(admin)).expect(200);
      const zhang = users.body.items.find((u: { id: string }) => u.id === 'zhang.kj');
      expect(Date.parse(zhang.lastLoginAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('revokes a signed-in token when the admin disables or changes its user', async () => {
      const first = (await login('wang.dept', PASSWORDS.wang).expect(200)).body.token;
      await request(t.http).get('/targets').set(as(first)).expect(200);
      await patchUser('wang.dept', { disabled: true }).expect(200);
      const refused = await request(t.http).get('/targets').set(as(first)).expect(401);
      expect(refused.body.error.code).toBe('TOKEN_REVOKED');
      // enabled again: the old token stays revoked (the user's version moved on), a new one works
      await patchUser('wang.dept', { disabled: false }).expect(200);
      await request(t.http).get('/targets').set(as(first)).expect(401);
      const second = (await login('wang.dept', PASSWORDS.wang).expect(200)).body.token;
      await request(t.http).get('/targets').set(as(second)).expect(200);
      // a change of scope or roles revokes too: the token's claims would be out of date
      await patchUser('wang.dept', { name: '王科长（部门）' }).expect(200);
      const renamed = await request(t.http).get('/targets').set(as(second));
      expect(renamed.status).toBe(401);
      // a second sign-in does not revoke the first (last_login_at is not the version)
      const a = (await login('wang.dept', PASSWORDS.wang).expect(200)).body.token;
      const b = (await login('wang.dept', PASSWORDS.wang).expect(200)).body.token;
      await request(t.http).get('/targets').set(as(a)).expect(200);
      await request(t.http).get('/targets').set(as(b)).expect(200);
      await patchUser('wang.dept', { name: '王科长' }).expect(200); // as the other tests know him
    });

    it('takes the username without regard to case and surrounding blanks', async () => {
      await login('  Zhang.KJ ', PASSWORDS.zhang).expect(200);
    });

    it('answers one 401 for a wrong password, an unknown user and a disabled user', async () => {
      const before = await t.eventCount();
      const wrong = await login('zhang.kj', 'not-the-password');
      const unknown = await login('nobody.here', PASSWORDS.zhang);
      await patchUser('li.kj', { disabled: true }).expect(200);
      const afterDisable = await t.eventCount();
      const disabled = await login('li.kj', PASSWORDS.li);
      for (const res of [wrong, unknown, disabled]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(INVALID);
      }
      // failures are not events: only the UserDisabled of the admin was written
      expect(afterDisable).toBe(before + 1);
      expect(await t.eventCount()).toBe(afterDisable);
      await patchUser('li.kj', { disabled: false }).expect(200);
      await login('li.kj', PASSWORDS.li).expect(200);
      await login('zhang.kj', PASSWORDS.zhang).expect(200); // clears zhang's failure
    });

    it('takes about as long for an unknown user as for a wrong password (bcrypt against a dummy)', async () => {
      const time = async (username: string) => {
        const start = process.hrtime.bigint();
        await login(username, 'wrong-password-1').expect(401);
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
      const known = median([
        await time('wang.dept'),
        await time('wang.dept'),
        await time('wang.dept'),
      ]);
      const unknown = median([await time('ghost1'), await time('ghost2'), await time('ghost3')]);
      // a bcrypt compare at cost 10 takes tens of milliseconds; skipping it would take ~1 ms
      expect(known).toBeGreaterThan(20);
      expect(unknown).toBeGreaterThan(known * 0.5);
      await login('wang.dept', PASSWORDS.wang).expect(200); // clears the failures
    });

    it('answers 429 after 5 failures from one address in 15 minutes, even to the right password, and writes nothing', async () => {
      for (let i = 0; i < 5; i++) await login('zhang.kj', `wrong-${i}-password`).expect(401);
      const throttle = () =>
        t.sql<{ failures: number; window_start: Date }>(
          `SELECT failures, window_start FROM login_throttle WHERE key LIKE 'pair:zhang.kj|%'`,
        );
      const [events, held, lastLogin] = [
        await t.eventCount(),
        await throttle(),
        await t.sql(`SELECT last_login_at FROM users WHERE id = 'zhang.kj'`),
      ];
      expect(held).toEqual([{ failures: 5, window_start: expect.any(Date) }]);

      const res = await login('zhang.kj', PASSWORDS.zhang);
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({
        code: 'TOO_MANY_ATTEMPTS',
        details: { retryAfterSeconds: expect.any(Number) },
      });
      expect(res.body.error.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect(res.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
      expect(Number(res.headers['retry-after'])).toBe(res.body.error.details.retryAfterSeconds);
      await login('zhang.kj', 'yet-another-guess').expect(429);
      expect(await t.eventCount()).toBe(events);
      expect(await throttle()).toEqual(held);
      expect(await t.sql(`SELECT last_login_at FROM users WHERE id = 'zhang.kj'`)).toEqual(
        lastLogin,
      );
      // another username is not held back
      await login('wang.dept', PASSWORDS.wang).expect(200);

      // the window is kept in PostgreSQL: once it is 15 minutes old, sign-in works again
      await t.sql(
        `UPDATE login_throttle SET window_start = window_start - interval '15 minutes' WHERE key LIKE 'pair:zhang.kj|%'`,
      );
      await login('zhang.kj', PASSWORDS.zhang).expect(200);
      expect(await throttle()).toEqual([]);
    });

    it('a success clears the failures before it', async () => {
      for (let i = 0; i < 4; i++) await login('zhang.kj', `wrong-${i}-password`).expect(401);
      await login('zhang.kj', PASSWORDS.zhang).expect(200);
      for (let i = 0; i < 5; i++) await login('zhang.kj', `wrong-${i}-password`).expect(401);
      await login('zhang.kj', PASSWORDS.zhang).expect(429);
      await t.sql(`DELETE FROM login_throttle`);
    });

    it('counts racing attempts: at most 5 passwords are checked in a window', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => login('wang.dept', `racing-${i}-guess`)),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      await t.sql(`DELETE FROM login_throttle`);
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY says so: a forged address escapes nothing', async () => {
      const from = (i: number) =>
        request(t.http)
          .post('/auth/login')
          .set('X-Forwarded-For', `198.51.100.${i}`)
          .send({ username: 'li.kj', password: `forged-${i}-guess` });
      for (let i = 0; i < 5; i++) await from(i).expect(401);
      await from(99).expect(429);
      await t.sql(`DELETE FROM login_throttle`);
    });

    it('refuses a malformed body with a 400', async () => {
      const res = await request(t.http).post('/auth/login').send({ username: 'zhang.kj' });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'password' },
      });
    });
  });

  describe('user management', () => {
    it('lists users for an admin, never with a hash', async () => {
      const res = await request(t.http).get('/users').set(as(admin)).expect(200);
      expect(res.body.items.map((u: { id: string }) => u.id)).toEqual([
        'li.kj',
        'root.admin',
        'wang.dept',
        'zhang.kj',
      ]);
      expect(res.body.items.find((u: { id: string }) => u.id === 'wang.dept')).toEqual({
        id: 'wang.dept',
        name: '王科长',
        roles: ['department_reviewer'],
        unit: null,
        department: '314',
        disabled: false,
        service: false,
        lastLoginAt: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/\$2[aby]\$|hash|password/i);
    });

    it('creates a user: 201 with the user and the event position', async () => {
      const res = await createUser({
        id: 'zhao.head',
        name: '赵主任',
        password: 'zhao-pass-2022',
        roles: ['unit_head', 'preparer'],
        unit: '314004',
      });
      expect(res.status).toBe(201);
      expect(res.headers['x-event-position']).toMatch(/^\d+$/);
      expect(res.body).toMatchObject({
        id: 'zhao.head',
        roles: ['unit_head', 'preparer'],
        unit: '314004',
        department: null,
        disabled: false,
        lastLoginAt: null,
      });
      const [row] = await t.sql<{ password_hash: string }>(
        `SELECT password_hash FROM users WHERE id = 'zhao.head'`,
      );
      expect(row.password_hash).toMatch(/^\$2[aby]\$10\$/);
      await login('zhao.head', 'zhao-pass-2022').expect(200);
    });

    it('changes name, roles, scope and password; the old password stops working', async () => {
      const res = await patchUser('zhang.kj', {
        name: '张会计（本级）',
        roles: ['preparer', 'unit_head'],
        password: PASSWORDS.zhangNew,
      }).expect(200);
      expect(res.body).toMatchObject({
        id: 'zhang.kj',
        name: '张会计（本级）',
        roles: ['preparer', 'unit_head'],
        unit: '314001',
      });
      await login('zhang.kj', PASSWORDS.zhang).expect(401);
      const ok = await login('zhang.kj', PASSWORDS.zhangNew).expect(200);
      expect(ok.body.user).toMatchObject({
        name: '张会计（本级）',
        roles: ['preparer', 'unit_head'],
      });
      // leaving unit roles, the unit may be cleared
      await patchUser('zhao.head', { roles: ['auditor'], unit: null })
        .expect(200)
        .then((r) => expect(r.body).toMatchObject({ roles: ['auditor'], unit: null }));
    });

    it('answers 409 USER_EXISTS and 404 USER_NOT_FOUND', async () => {
      const before = await t.eventCount();
      const dup = await createUser({
        id: 'zhang.kj',
        name: '另一个张',
        password: 'whatever-1234',
        roles: ['auditor'],
      });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('USER_EXISTS');
      const missing = await patchUser('nobody', { name: '谁' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('USER_NOT_FOUND');
      expect(await t.eventCount()).toBe(before);
    });

    it('an admin cannot disable themself (422), another admin can', async () => {
      // root.admin is not the last active admin: that is refused too (test/security)
      await createUser({
        id: 'chen.admin',
        name: '陈管理员',
        password: 'chen-pass-2022',
        roles: ['admin'],
      }).expect(201);
      const root = (await login('root.admin', PASSWORDS.root).expect(200)).body.token;
      const before = await t.eventCount();
      const self = await patchUser('root.admin', { disabled: true }, root);
      expect(self.status).toBe(422);
      expect(self.body.error.code).toBe('CANNOT_DISABLE_SELF');
      expect(await t.eventCount()).toBe(before);
      await patchUser('root.admin', { disabled: true }).expect(200);
      await login('root.admin', PASSWORDS.root).expect(401);
      await patchUser('root.admin', { disabled: false }).expect(200);
    });

    it('is for admins only: 403 for everyone else, 401 without a token', async () => {
      const before = await t.eventCount();
      const others = [
        t.token({ sub: 'p', roles: ['preparer'], unit: '314001' }),
        t.token({ sub: 'a', roles: ['auditor'] }),
        t.token({ sub: 'f', roles: ['finance_reviewer'] }),
      ];
      for (const token of others) {
        for (const res of [
          await request(t.http).get('/users').set(as(token)),
          await createUser({ id: 'x.y', name: 'x', password: 'pppppppp', roles: ['admin'] }, token),
          await patchUser('zhang.kj', { disabled: true }, token),
        ]) {
          expect(res.status).toBe(403);
          expect(res.body.error.code).toBe('ROLE_FORBIDDEN');
        }
      }
      await request(t.http).get('/users').expect(401);
      await request(t.http).get('/auth/me').expect(401);
      expect(await t.eventCount()).toBe(before);
    });

    it.each([
      [{ id: 'A-upper' }, 'id'],
      [{ id: 'x' }, 'id'],
      [{ id: '_leading' }, 'id'],
      [{ name: '' }, 'name'],
      [{ name: '名'.repeat(51) }, 'name'],
      [{ password: 'short' }, 'password'],
      [{ password: 'p'.repeat(129) }, 'password'],
      [{ roles: [] }, 'roles'],
      [{ roles: ['preparer', 'root'] }, 'roles'],
      [{ roles: 'admin' }, 'roles'],
      [{ roles: ['preparer'], unit: undefined }, 'unit'],
      [{ roles: ['unit_head'], unit: '31400A' }, 'unit'],
      [{ roles: ['department_reviewer'], department: undefined }, 'department'],
      [{ roles: ['department_reviewer'], department: '3140' }, 'department'],
      [{ isAdmin: true }, 'isAdmin'],
    ])('POST /users %j → 400 naming %s, nothing written', async (change, field) => {
      const [events, users] = [await t.eventCount(), await userCount()];
      const res = await createUser({
        id: 'new.user',
        name: '新用户',
        password: 'new-user-pass',
        roles: ['preparer'],
        unit: '314001',
        department: '314',
        ...change,
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        details: expect.objectContaining({ field }),
      });
      expect([await t.eventCount(), await userCount()]).toEqual([events, users]);
    });

    it.each([
      [{ name: '' }, 'name'],
      [{ password: '1234567' }, 'password'],
      [{ roles: ['department_reviewer'] }, 'department'],
      [{ unit: null }, 'unit'],
      [{ unit: '3140011' }, 'unit'],
      [{ disabled: 'yes' }, 'disabled'],
    ])('PATCH /users/zhang.kj %j → 400 naming %s, nothing written', async (body, field) => {
      const events = await t.eventCount();
      const res = await patchUser('zhang.kj', body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe(field);
      expect(await t.eventCount()).toBe(events);
    });
  });

  describe('audit trail', () => {
    it('shows who created and changed which user, without any password or hash', async () => {
      const auditor = t.token({ sub: 'aud', roles: ['auditor'] });
      const res = await request(t.http)
        .get('/audit/events')
        .query({ actor: 'admin1', limit: 1000 })
        .set(as(auditor))
        .expect(200);
      const items = res.body.items.filter((e: { streamId: string }) =>
        e.streamId.startsWith('user-'),
      );
      const of = (streamId: string) =>
        items
          .filter((e: { streamId: string }) => e.streamId === streamId)
          .map((e: { type: string }) => e.type);
      expect(of('user-zhang.kj')).toEqual([
        'UserCreated',
        'UserPasswordSet',
        'UserChanged',
        'UserPasswordSet',
      ]);
      expect(of('user-li.kj')).toEqual([
        'UserCreated',
        'UserPasswordSet',
        'UserDisabled',
        'UserEnabled',
      ]);
      const created = items.find(
        (e: { streamId: string; type: string }) =>
          e.streamId === 'user-wang.dept' && e.type === 'UserCreated',
      );
      expect(created).toMatchObject({
        data: {
          id: 'wang.dept',
          name: '王科长',
          roles: ['department_reviewer'],
          unit: null,
          department: '314',
        },
        actor: { id: 'admin1', name: '管理员', role: 'admin' },
        command: 'CreateUser',
      });
      const changed = items.find(
        (e: { streamId: string; type: string }) =>
          e.streamId === 'user-zhang.kj' && e.type === 'UserChanged',
      );
      expect(changed.data).toEqual({
        id: 'zhang.kj',
        changes: { name: '张会计（本级）', roles: ['preparer', 'unit_head'] },
      });
      // the root admin's own refused self-disable left nothing; the other admin's did
      expect(of('user-root.admin')).toEqual([
        'UserCreated',
        'UserPasswordSet',
        'UserDisabled',
        'UserEnabled',
      ]);

      // nowhere in the store, nor in the trail as JSON or CSV: no password, no hash
      const csv = await request(t.http)
        .get('/audit/events')
        .query({ format: 'csv' })
        .set(as(auditor))
        .expect(200);
      const hashes = (await t.sql<{ h: string }>(`SELECT password_hash AS h FROM users`)).map(
        (r) => r.h,
      );
      const stored = (
        await t.sql<{ doc: string }>(`SELECT data::text || metadata::text AS doc FROM events`)
      ).map((r) => r.doc);
      for (const text of [JSON.stringify(res.body), csv.text, ...stored]) {
        for (const secret of [...Object.values(PASSWORDS), 'zhao-pass-2022', ...hashes])
          expect(text).not.toContain(secret);
        expect(text).not.toMatch(/\$2[aby]\$10\$/);
      }
    });
  });
});
