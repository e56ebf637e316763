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
