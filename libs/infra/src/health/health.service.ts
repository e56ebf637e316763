import { Database } from '../database/sql';
import { RedisClient } from '../queue/queues';

export interface Health {
  readonly status: 'ok' | 'degraded';
  readonly database: 'up' | 'down';
  readonly redis: 'up' | 'down';
}

async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** Whether PostgreSQL and Redis answer now. */
export class HealthService {
  constructor(
    private readonly db: Database,
    private readonly redis: RedisClient,
  ) {}

  async check(): Promise<Health> {
    const [database, redis] = await Promise.all([
      probe(() => this.db.query('SELECT 1')),
      probe(() => this.redis.ping()),
    ]);
    return { status: database === 'up' && redis === 'up' ? 'ok' : 'degraded', database, redis };
  }
}
