import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Database } from '@bp/infra';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the events table's fiscal-year partitions ahead of the clock: this year's and the next
 * year's exist from the worker's start and are checked daily (`bp_ensure_event_partitions`,
 * migration …0050), so a new year never writes into the default partition. Several workers may
 * run it; the function takes an advisory lock and makes only what is missing.
 */
@Injectable()
export class EventPartitionsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventPartitionsProcessor.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: Database) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensure();
    this.timer = setInterval(() => void this.ensure(), DAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async ensure(): Promise<void> {
    try {
      const { rows } = await this.db.query<{ made: number }>(
        `SELECT bp_ensure_event_partitions() AS made`,
      );
      if (rows[0].made > 0)
        this.logger.log(`events: ${rows[0].made} fiscal-year partition(s) made`);
    } catch (e) {
      this.logger.warn(`events partitions not checked: ${(e as Error).message}`);
    }
  }
}
