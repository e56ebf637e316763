import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, AuditService, Database } from '@bp/infra';

/**
 * Signs the audit chain's heads on a schedule (AUDIT_ANCHOR_INTERVAL_MS), so that what an
 * anchor protects does not wait for an auditor's verify: a whole verify that finds nothing wrong
 * signs the heads that moved. Runs at most once per interval per worker (several workers may
 * each run one; two anchors of the same heads are harmless). PostgreSQL, not Redis, says when
 * the last anchor was signed, so a restarted worker does not verify again at once.
 */
export class AuditAnchorProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditAnchorProcessor.name);
  private timer?: NodeJS.Timeout;
  private lastRun?: number;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly db: Database,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.auditAnchorIntervalMs;
    if (every <= 0) return;
    this.timer = setInterval(() => void this.tick(every), Math.min(every, 60_000));
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(every: number): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.lastRun ??= await this.lastAnchorAt();
      if (Date.now() - this.lastRun < every) return;
      this.lastRun = Date.now();
      const result = await this.audit.verify();
      if (!result.ok)
        this.logger.error(
          `audit verify found ${result.broken.length} broken links: no anchor signed (GET /audit/verify names them)`,
        );
    } catch (e) {
      this.logger.warn(`audit anchor not signed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async lastAnchorAt(): Promise<number> {
    const { rows } = await this.db.query<{ at: Date | null }>(
      `SELECT max(signed_at) AS at FROM audit_anchors`,
    );
    return rows[0]?.at?.getTime() ?? 0;
  }
}
