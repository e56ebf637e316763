import request from 'supertest';
import {
  MAX_FAILED_LOGINS,
  MAX_FAILED_LOGINS_PER_ADDRESS,
  normalizeUsername,
  USER_DELAY_AFTER,
} from '@bp/infra';
import { createTestApp, TestApp } from '../support/app-factory';

const PASSWORD = 'desk-pass-2022';

/**
 * Issue 14.4: five wrong passwords for a name from anywhere used to lock its user out for 15
 * minutes. Failures now count per (username, address) and per address; per username from
 * everywhere they only slow sign-in down. The API trusts X-Forwarded-For from loopback here
 * (TRUST_PROXY=loopback), so the suite can speak from several addresses.
 */
describe('sign-in throttle per username and address (issue 14.4)', () => {
  let t: TestApp;
  const login = (username: string, password: string, from: string) =>
    request(t.http).post('/auth/login').set('X-Forwarded-For', from).send({ username, password });
  const admin = () => ({
    Authorization: `Bearer ${t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] })}`,
  });

  beforeAll(async () => {
    t = await createTestApp('security_throttle', { trustProxy: 'loopback' });
    for (const id of ['desk.user', 'slow.user', 'third.user'])
      await request(t.http)
        .post('/users')
        .set(admin())
        .send({ id, name: '办公桌前的人', password: PASSWORD, roles: ['auditor'] })
        .expect(201);
  });
  afterAll(() => t.close());

  it('an attacker elsewhere is held back, the person at their desk signs in', async () => {
    const attacker = '198.51.100.7';
    // name variants (case, blanks, fullwidth letters) are one name and share the counter
    const variants = ['desk.user', 'DESK.USER', ' desk.user ', 'ｄｅｓｋ．ｕｓｅｒ', 'desk. user'];
    expect(new Set(variants.map(normalizeUsername))).toEqual(new Set(['desk.user']));
    for (const name of variants.slice(0, MAX_FAILED_LOGINS))
      await login(name, 'a-wrong-guess', attacker).expect(401);
    const held = await login('Desk.User', PASSWORD, attacker).expect(429);
    expect(held.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(14 * 60);
    // the real user, from their own address, is not locked out
    const ok = await login('desk.user', PASSWORD, '10.0.0.5').expect(200);
    expect(ok.body.user.id).toBe('desk.user');
    // and the attacker's pair stays held after that success
    await login('desk.user', PASSWORD, attacker).expect(429);
  });

  it('one address trying many usernames is held back for all of them', async () => {
    const sprayer = '198.51.100.8';
    const answers = [];
    for (let i = 0; i < MAX_FAILED_LOGINS_PER_ADDRESS; i++)
      answers.push((await login(`ghost${i}`, 'spray-2022', sprayer)).status);
    expect(answers.every((s) => s === 401)).toBe(true);
    await login('ghost-next', 'spray-2022', sprayer).expect(429);
    await login('third.user', PASSWORD, sprayer).expect(429);
    await login('third.user', PASSWORD, '10.0.0.6').expect(200);
  }, 30_000);

  it('failures of one username from many addresses slow it down, never lock it', async () => {
    const tries = USER_DELAY_AFTER + 2;
    for (let i = 0; i < tries; i++)
      await login('slow.user', 'distributed-guess', `203.0.113.${i + 1}`).expect(401);
    // the next attempt waits (250 ms doubling past the tenth failure), then succeeds
    const start = Date.now();
    await login('slow.user', PASSWORD, '10.0.0.7').expect(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
    // a success starts the username afresh
    const again = Date.now();
    await login('slow.user', PASSWORD, '10.0.0.7').expect(200);
    expect(Date.now() - again).toBeLessThan(900);
  }, 30_000);
});
