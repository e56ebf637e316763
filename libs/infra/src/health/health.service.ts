import { ReadDatabase } from '../database/read-database';
import { Database } from '../database/sql';
import { RedisClient } from '../queue/queues';

export interface Health {
  readonly status: 'ok' | 'degraded';
  readonly database: 'up' | 'down';
  readonly redis: 'up' | 'down';
  /**
   * Only with DATABASE_READ_URL: whether the replica answers, and the WAL bytes it has yet to
   * replay. A replica that is down does not make the service degraded: its reads go to the
   * primary meanwhile (docs/RUNBOOK.md, "Read replica").
   */
  readonly replica?: 'up' | 'down';
  readonly replicaLagBytes?: number | null;
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
    private readonly reads?: ReadDatabase,
  ) {}

  async check(): Promise<Health> {
    const [database, redis, replica] = await Promise.all([
      probe(() => this.db.query('SELECT 1')),
      probe(() => this.redis.ping()),
      this.replica(),
    ]);
    const status = database === 'up' && redis === 'up' ? 'ok' : 'degraded';
    return { status, database, redis, ...replica };
  }

  private async replica() {
    if (!this.reads?.configured) return {};
    let answer: Awaited<ReturnType<ReadDatabase['health']>>;
    const up = await probe(async () => (answer = await this.reads?.health()));
    return up === 'up' && answer ? answer : { replica: 'down' as const, replicaLagBytes: null };
  }
}
