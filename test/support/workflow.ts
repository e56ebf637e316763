import { ProjectionRunner } from '@bp/infra';
import request from 'supertest';
import { TestApp } from './app-factory';
import { until } from './processes';
import { seedText } from './seed';

/** Imports the seed document as an admin; answers the import report. */
export async function importSeed(t: TestApp, fiscalYear = 2022) {
  const admin = t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
  const res = await request(t.http)
    .post('/imports')
    .query({ fiscalYear })
    .set('Authorization', `Bearer ${admin}`)
    .set('Content-Type', 'text/plain; charset=utf-8')
    .send(seedText());
  if (res.status !== 200)
    throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Submits a target as its unit's preparer and passes both review stages (three people). */
export async function approve(t: TestApp, targetId: string): Promise<void> {
  const unit = targetId.split('-')[1];
  const steps: [string, object, object | undefined][] = [
    [`/targets/${targetId}/submit`, { sub: `prep-${unit}`, roles: ['preparer'], unit }, undefined],
    [
      `/targets/${targetId}/reviews`,
      { sub: 'dept1', roles: ['department_reviewer'], department: unit.slice(0, 3) },
      { grade: '优' },
    ],
    [
      `/targets/${targetId}/reviews`,
      { sub: 'fin1', roles: ['finance_reviewer'] },
      { grade: '良', opinion: '同意' },
    ],
  ];
  for (const [path, claims, body] of steps) {
    const res = await request(t.http)
      .post(path)
      .set('Authorization', `Bearer ${t.token(claims as never)}`)
      .send(body ?? {});
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** Waits until every projection has applied every event (`GET /projections`: lag 0). */
export async function projectionsCaughtUp(t: TestApp, timeoutMs = 20000): Promise<void> {
  const admin = t.token({ sub: 'admin1', name: '管理员', roles: ['admin'] });
  await until(
    async () =>
      (
        await request(t.http).get('/projections').set('Authorization', `Bearer ${admin}`)
      ).body.every((p: { lag: number }) => p.lag === 0),
    timeoutMs,
    'the projections to catch up',
  );
}

/**
 * For suites without a worker: runs one projection or reactor in this process, as the worker
 * would, until it has seen every event (a read stops short of a transaction still in flight).
 */
export async function caughtUpHere(t: TestApp, name: string, timeoutMs = 10000): Promise<void> {
  const runner = t.app.get(ProjectionRunner);
  await until(
    async () => {
      await runner.catchUp(name);
      return (await runner.status()).find((p) => p.name === name)?.lag === 0;
    },
    timeoutMs,
    `${name} to catch up`,
  );
}

/**
 * The seed imported and one of its targets approved and paid once (by its unit's preparer):
 * where the year's later work (monitoring, self-evaluation) starts.
 */
export async function paidTarget(
  t: TestApp,
  targetId: string,
  payment: { amount: string; date: string; voucherNo: string },
): Promise<void> {
  await importSeed(t);
  await approve(t, targetId);
  const unit = targetId.split('-')[1];
  const prep = t.token({ sub: `prep-${unit}`, roles: ['preparer'], unit });
  const res = await request(t.http)
    .post(`/targets/${targetId}/disbursements`)
    .set('Authorization', `Bearer ${prep}`)
    .send(payment);
  if (res.status !== 201)
    throw new Error(`payment failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Seed table 1: 汽车保险费, 4,000.00 元, nine indicators: 1辆, 是/否, 100%, 是/否 (产出); four 是/否 (效益); ≥85% (满意度). */
export const SEED_T1 = '2022-314001-13030322P00391410001H';

/** Year-end values for every indicator of SEED_T1, 满意度 (index 8) as given. */
export const seedT1Entries = (satisfaction: object, explanation?: string) => {
  const yes = { kind: 'yesNo', value: true };
  return [
    { index: 0, actual: { kind: 'number', value: 1 } },
    { index: 1, actual: yes },
    { index: 2, actual: { kind: 'number', value: 100 } },
    ...[3, 4, 5, 6, 7].map((index) => ({ index, actual: yes })),
    { index: 8, actual: satisfaction, ...(explanation ? { explanation } : {}) },
  ];
};
