import { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@bp/infra';
import { Client } from 'pg';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { cleanQueues, TEST_AUDIT_KEY, TEST_JWT_SECRET } from '../support/app-factory';
import { createTestDatabase, TestDatabase, testQueuePrefix } from '../support/test-database';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NEXT_YEAR =
  Number(
    new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(
      new Date(),
    ),
  ) + 1;

async function partitions(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe("the worker keeps next year's events partition made", () => {
  let tdb: TestDatabase;
  let worker: INestApplicationContext | undefined;
  const config = () =>
    loadConfig(process.env, {
      databaseUrl: tdb.url,
      redisUrl: REDIS_URL,
      queuePrefix: testQueuePrefix('partitions'),
      jwtSecret: TEST_JWT_SECRET,
      auditKey: TEST_AUDIT_KEY,
      auditAnchorIntervalMs: 0,
      logLevel: 'silent',
    });

  beforeAll(async () => {
    tdb = await createTestDatabase('partitions');
  });
  afterAll(async () => {
    await worker?.close();
    await cleanQueues(config());
    await tdb.drop();
  });

  it('makes the missing partition when it starts', async () => {
    const client = new Client({ connectionString: tdb.url });
    await client.connect();
    await client.query(`DROP TABLE events_y${NEXT_YEAR}`);
    await client.end();
    expect(await partitions(tdb.url)).not.toContain(`events_y${NEXT_YEAR}`);
    worker = await createWorker(config());
    expect(await partitions(tdb.url)).toContain(`events_y${NEXT_YEAR}`);
  });
});
