import { randomBytes } from 'crypto';
import { dropDatabase, migrate } from '@bp/infra/database/data-source';

const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test suite; drop() removes it. */
export async function createTestDatabase(label = 'test', server = SERVER): Promise<TestDatabase> {
  const name = `bp_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = `${server}/${name}`;
  await migrate(url);
  return { url, drop: () => dropDatabase(url) };
}

/** A queue prefix of its own for one test suite. */
export function testQueuePrefix(label = 'test'): string {
  return `bp-test-${label}-${randomBytes(4).toString('hex')}`;
}
