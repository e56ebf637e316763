import { Inject, Injectable, Logger, NestMiddleware, OnModuleDestroy } from '@nestjs/common';
import {
  Database,
  DELIVERIES,
  PROJECTIONS,
  ProjectionRunner,
  ReadDatabase,
  SWEEPS,
} from '@bp/infra';
import { Queue } from 'bullmq';
import { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of the API process: HTTP latency by route, and, read when scraped, the
 * projections' lag, the queues' depths and the alert deliveries by channel and status.
 */
@Injectable()
export class Metrics implements OnModuleDestroy {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'bp_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly httpErrors = new Counter({
    name: 'bp_http_errors_total',
    help: 'HTTP answers with a 4xx or 5xx status, by route and status',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  });

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly db: Database,
    @Inject(PROJECTIONS) projections: Queue,
    @Inject(SWEEPS) sweeps: Queue,
    @Inject(DELIVERIES) deliveries: Queue,
    reads: ReadDatabase,
  ) {
    const queues = { projections, sweeps, deliveries };
    if (reads.configured) replicaMetrics(this.registry, reads);
    new Gauge({
      name: 'bp_projection_lag_events',
      help: "events stored after a projection's checkpoint",
      labelNames: ['projection'],
      registers: [this.registry],
      collect: async function (this: Gauge) {
        for (const p of await runner.status()) this.set({ projection: p.name }, p.lag);
      },
    });
    new Gauge({
      name: 'bp_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      collect: async function (this: Gauge) {
        for (const [name, q] of Object.entries(queues)) {
          const counts = await q
            .getJobCounts('waiting', 'active', 'delayed', 'failed')
            .catch(() => ({}) as Record<string, number>);
          for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
        }
      },
    });
    new Gauge({
      name: 'bp_alert_deliveries',
      help: 'alert deliveries by channel and status (pending, delivered, failed)',
      labelNames: ['channel', 'status'],
      registers: [this.registry],
      collect: async function (this: Gauge) {
        const { rows } = await db.query<{ channel: string; status: string; n: string }>(
          `SELECT channel, status, count(*) AS n FROM alert_deliveries GROUP BY 1, 2`,
        );
        this.reset();
        for (const r of rows) this.set({ channel: r.channel, status: r.status }, Number(r.n));
      },
    });
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}

/** With DATABASE_READ_URL: the replica's replay lag, and the reads that went to the primary instead. */
function replicaMetrics(registry: Registry, reads: ReadDatabase): void {
  new Gauge({
    name: 'bp_replica_lag_bytes',
    help: 'WAL bytes the primary wrote that the read replica has not replayed (-1: replica down)',
    registers: [registry],
    collect: async function (this: Gauge) {
      const h = await reads.health();
      this.set(h?.replica === 'up' ? (h.replicaLagBytes ?? 0) : -1);
    },
  });
  const counted = { unavailable: 0, lag: 0 };
  new Counter({
    name: 'bp_replica_fallback_reads_total',
    help: 'reads sent to the primary although a replica is configured: unavailable (replica down or cancelled), lag (a minPosition it had not replayed)',
    labelNames: ['reason'],
    registers: [registry],
    collect: function (this: Counter) {
      for (const reason of ['unavailable', 'lag'] as const) {
        this.inc({ reason }, reads.fallbacks[reason] - counted[reason]);
        counted[reason] = reads.fallbacks[reason];
      }
    },
  });
}

/** Times every request; the route is the matched pattern (`/targets/:id`), not the raw path. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly logger = new Logger('http');

  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      const labels = {
        method: req.method,
        route: `${req.baseUrl ?? ''}${route}`,
        status: String(res.statusCode),
      };
      const seconds = end(labels);
      const r = req as Request & { requestId?: string; principal?: { id: string } };
      this.logger.log({
        msg: 'request',
        requestId: r.requestId,
        method: req.method,
        route: labels.route,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        actor: r.principal?.id,
      });
      if (res.statusCode >= 400)
        this.metrics.httpErrors.inc({ route: labels.route, status: labels.status });
    });
    next();
  }
}
