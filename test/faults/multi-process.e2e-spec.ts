import { JwtService } from '@nestjs/jwt';
import { randomBytes, randomUUID } from 'crypto';
import { sameJson } from '@bp/domain';
import { dropDatabase, migrate } from '@bp/infra';
import { executionFromScratch, executionProjected } from '../../bench/generate-events';
import { cleanQueues } from '../support/app-factory';
import { targetBody } from '../support/fixtures';
import { freePort, Proc, runNode, until } from '../support/processes';

/**
 * Two API processes and two workers at once (issue 8): racing commands on the same targets
 * through both APIs are each applied once or refused, retries with one Idempotency-Key through
 * either API apply once, and the projection kept by two workers equals the events.
 */
describe('two API processes and two workers', () => {
  const SECRET = 'multi-process-secret';
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/bp_multi_${randomBytes(4).toString('hex')}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bp-test-multi-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: SECRET,
    LOG_LEVEL: process.env.DBG ? 'log' : 'silent',
    CATCH_UP_INTERVAL_MS: '500',
  };
  const procs: Proc[] = [];
  const apis: string[] = [];
  const jwt = new JwtService({ secret: SECRET });
  const token = (claims: object) => jwt.sign({ name: 'n', ...claims });
  const prep = token({ sub: 'p1', roles: ['preparer'], unit: '314001' });
  const call = (
    base: string,
    method: string,
    path: string,
    auth: string,
    body?: object,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}`, ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });

  beforeAll(async () => {
    await migrate(env.DATABASE_URL);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      procs.push(runNode('dist/apps/api/src/main.js', [], { ...env, PORT: String(port) }));
      apis.push(`http://127.0.0.1:${port}`);
      procs.push(runNode('dist/apps/worker/src/main.js', [], env));
    }
    for (const base of apis)
      await until(
        async () => (await fetch(`${base}/health`).catch(() => null))?.status === 200,
        20000,
        'an API',
      );
    const approve = async (code: string) => {
      const id = `2022-314001-${code}`;
      // each step through the other API than the one before: API 0 still holds the draft it
      // created when it is asked for the department's review of the target submitted through
      // API 1, so that review passes only if a stale cached state is read again, not trusted
      const created = await call(
        apis[0],
        'POST',
        '/targets',
        prep,
        targetBody({
          projectCode: code,
          budget: { total: '1000.00', fiscal: '1000.00', other: '0.00' },
        }),
      );
      expect(created.status).toBe(201);
      expect((await call(apis[1], 'POST', `/targets/${id}/submit`, prep)).status).toBe(200);
      const reviewed = await call(
        apis[0],
        'POST',
        `/targets/${id}/reviews`,
        token({ sub: 'd', roles: ['department_reviewer'], department: '314' }),
        { grade: '优' },
      );
      expect(reviewed.status).toBe(200);
      const res = await call(
        apis[1],
        'POST',
        `/targets/${id}/reviews`,
        token({ sub: 'f', roles: ['finance_reviewer'] }),
        { grade: '优' },
      );
      expect(res.status).toBe(200);
    };
    await approve('MP1');
    await approve('MP2');
    await approve('MP3');
  }, 60000);

  afterAll(async () => {
    if (process.env.DBG)
      console.log(
        procs
          .map((p) => p.output())
          .join('\n----\n')
          .slice(-6000),
      );
    procs.forEach((p) => p.child.kill('SIGTERM'));
    await Promise.all(procs.map((p) => p.exited));
    await dropDatabase(env.DATABASE_URL);
    await cleanQueues({ redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX } as never);
  });

  it('decides on the current state when the other API changed a target this one has cached', async () => {
    const path = '/targets/2022-314001-MP3/disbursements';
    const paid = await call(apis[0], 'POST', path, prep, {
      amount: '30.00',
      date: '2022-04-01',
      voucherNo: 'S1',
    });
    expect(paid.status).toBe(201);
    const { id } = (await paid.json()) as { id: string };
    // through API 1: a voucher, and a reversal of 20.00 of the payment API 0 has cached as whole
    expect(
      (
        await call(apis[1], 'POST', path, prep, {
          amount: '1.00',
          date: '2022-04-02',
          voucherNo: 'S2',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(apis[1], 'POST', `${path}/${id}/reversals`, prep, {
          amount: '20.00',
          reason: '退回',
        })
      ).status,
    ).toBe(201);
    // API 0 must now refuse what its cached state would allow
    const voucherAgain = await call(apis[0], 'POST', path, prep, {
      amount: '1.00',
      date: '2022-04-03',
      voucherNo: 'S2',
    });
    expect(voucherAgain.status).toBe(409);
    expect(((await voucherAgain.json()) as { error: { code: string } }).error.code).toBe(
      'DUPLICATE_VOUCHER',
    );
    const reverseAll = await call(apis[0], 'POST', `${path}/${id}/reversals`, prep, {
      amount: '30.00',
      reason: '全部退回',
    });
    expect(reverseAll.status).toBe(422);
    expect(((await reverseAll.json()) as { error: { code: string } }).error.code).toBe(
      'REVERSAL_EXCEEDS_REMAINING',
    );
    const rest = await call(apis[0], 'POST', `${path}/${id}/reversals`, prep, {
      amount: '10.00',
      reason: '余额退回',
    });
    expect(rest.status).toBe(201);
    expect(((await rest.json()) as { disbursed: string }).disbursed).toBe('1.00');
  });

  it('applies each racing command once or refuses it with a reason, and both workers project them all', async () => {
    // 2 × 70 payments of 10.00 on budgets of 1,000.00, alternating between the APIs, all at once
    const results = await Promise.all(
      Array.from({ length: 140 }, (_, i) =>
        call(apis[i % 2], 'POST', `/targets/2022-314001-MP${1 + (i % 2)}/disbursements`, prep, {
          amount: '10.00',
          date: '2022-05-10',
          voucherNo: `V${i}`,
        }).then(async (r) => ({
          target: `2022-314001-MP${1 + (i % 2)}`,
          status: r.status,
          code:
            r.status === 201 ? null : ((await r.json()) as { error: { code: string } }).error.code,
        })),
      ),
    );
    // optimistic concurrency on one stream: what is not applied is refused, with a reason
    expect(new Set(results.map((r) => r.status === 201 || `${r.status} ${r.code}`))).toEqual(
      new Set([true, '409 VERSION_CONFLICT']),
    );
    // retries of one key through both APIs at once apply once
    const key = randomUUID();
    const retried = await Promise.all(
      [0, 1, 0, 1].map((i) =>
        call(
          apis[i],
          'POST',
          '/targets/2022-314001-MP1/disbursements',
          prep,
          { amount: '5.00', date: '2022-06-01', voucherNo: 'R1' },
          { 'idempotency-key': key },
        ).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { id?: string; error?: { code: string } },
        })),
      ),
    );
    const applied = retried.filter((r) => r.status === 201);
    expect(new Set(applied.map((r) => r.body.id)).size).toBe(1);
    expect(
      retried.every((r) => r.status === 201 || r.body.error?.code === 'VERSION_CONFLICT'),
    ).toBe(true);
    await until(
      async () =>
        sameJson(
          await executionProjected(env.DATABASE_URL),
          await executionFromScratch(env.DATABASE_URL),
        ),
      20000,
      'the projection to catch up',
    );
    const scratch = (await executionFromScratch(env.DATABASE_URL)).targets;
    const ok = (t: string) => results.filter((r) => r.target === t && r.status === 201).length;
    expect(scratch['2022-314001-MP1']).toBe(
      String(ok('2022-314001-MP1') * 1000 + (applied.length > 0 ? 500 : 0)),
    );
    expect(scratch['2022-314001-MP2']).toBe(String(ok('2022-314001-MP2') * 1000));
  }, 60000);
});
