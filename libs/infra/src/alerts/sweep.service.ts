import {
  AlertCandidate,
  AlertKind,
  alertsFor,
  assertSweepDate,
  CommandMetadata,
  Recipient,
} from '@bp/domain';
import { randomUUID } from 'crypto';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { MonitoredRow, monitorRows } from '../monitoring/monitoring.queries';
import { Clock } from '../shared/clock';
import { DeliveryQueue } from './delivery-queue';
import { monitoringConfigOf } from './monitoring-config';

export interface SweepResult {
  readonly kind: AlertKind;
  readonly asOf: string;
  readonly evaluated: number;
  readonly raised: number;
  readonly escalated: number;
  readonly deliveries: number;
}

/** How many alerts a step raised or escalated, and the deliveries it left pending. */
interface Outcome {
  readonly alerts: number;
  readonly deliveries: string[];
}

interface Raise {
  readonly id: string;
  readonly row: MonitoredRow;
  readonly alert: AlertCandidate;
  readonly recipients: (Recipient & { role: 'unit_head' | 'department_reviewer' })[];
}

const ALL = { all: true, units: [], departments: [] };

/**
 * A monitoring sweep: every approved target of the year evaluated as of a date in one SQL
 * statement, the alerts it calls for inserted under their unique key (a rerun, a racing worker
 * or a replayed job inserts nothing twice), each new alert an event, and its deliveries queued:
 * the inbox at once, e-mail and webhooks as jobs. Red alerts not acknowledged in time are
 * escalated to the department reviewers once.
 */
export class SweepService {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly deliveries: DeliveryQueue,
    private readonly emailEnabled: boolean,
  ) {}

  async sweep(
    kind: AlertKind,
    asOf: string,
    requestId = `sweep-${randomUUID()}`,
  ): Promise<SweepResult> {
    assertSweepDate(kind, asOf);
    const fiscalYear = Number(asOf.slice(0, 4));
    const config = await monitoringConfigOf(this.db, fiscalYear);
    const rows = await monitorRows(this.db, ALL, { fiscalYear, asOf }, config);
    const candidates = rows.flatMap(({ row, view }) =>
      alertsFor(kind, asOf, view, config).map((alert) => ({ row, alert })),
    );
    const metadata = this.metadata(requestId);
    const raised = await this.raise(candidates, metadata);
    const escalated = await this.escalate(asOf, config.escalationDays, metadata);
    const pending = [...raised.deliveries, ...escalated.deliveries];
    await this.deliveries.enqueue(pending);
    return {
      kind,
      asOf,
      evaluated: rows.length,
      raised: raised.alerts,
      escalated: escalated.alerts,
      deliveries: pending.length,
    };
  }

  private metadata(requestId: string): CommandMetadata & { command: string } {
    return {
      actor: { id: 'system', name: '系统（执行监控）', role: 'admin' },
      at: this.clock.now().toISOString(),
      requestId,
      correlationId: requestId,
      command: 'RunSweep',
    };
  }

  private async recipients(
    sql: Sql,
  ): Promise<{ heads: Map<string, Recipient[]>; reviewers: Map<string, Recipient[]> }> {
    const units = await sql.query<{ code: string; heads: Recipient[] }>(
      `SELECT code, heads FROM units`,
    );
    const depts = await sql.query<{ code: string; reviewers: Recipient[] }>(
      `SELECT code, reviewers FROM departments`,
    );
    return {
      heads: new Map(units.rows.map((u) => [u.code, u.heads])),
      reviewers: new Map(depts.rows.map((d) => [d.code, d.reviewers])),
    };
  }

  /** Inserts the alerts no earlier sweep raised, their events and deliveries; answers the pending delivery ids. */
  private async raise(
    candidates: { row: MonitoredRow; alert: AlertCandidate }[],
    meta: ReturnType<SweepService['metadata']>,
  ): Promise<Outcome> {
    if (candidates.length === 0) return { alerts: 0, deliveries: [] };
    return this.db.transaction(async (sql) => {
      const who = await this.recipients(sql);
      const raises: Raise[] = candidates.map(({ row, alert }) => ({
        id: randomUUID(),
        row,
        alert,
        recipients: [
          ...(who.heads.get(row.unit_code) ?? []).map((r) => ({
            ...r,
            role: 'unit_head' as const,
          })),
          ...(alert.level === 'red'
            ? (who.reviewers.get(row.department_code) ?? []).map((r) => ({
                ...r,
                role: 'department_reviewer' as const,
              }))
            : []),
        ],
      }));
      const inserted = new Set(await insertAlerts(sql, raises, meta.at));
      const fresh = raises.filter((r) => inserted.has(r.id));
      await this.store.appendMany(
        sql,
        fresh.map((r) => ({
          streamId: `alert-${r.id}`,
          expectedVersion: 0,
          events: [
            { id: randomUUID(), type: 'AlertRaised', data: alertRaisedData(r), metadata: meta },
          ],
        })),
      );
      const list = fresh.flatMap((r) =>
        r.recipients.map((p) => ({ alertId: r.id, recipient: p, escalation: false })),
      );
      return {
        alerts: fresh.length,
        deliveries: await insertDeliveries(sql, list, meta.at, this.emailEnabled),
      };
    });
  }

  /** Red alerts unacknowledged for `days` go once more, to the department reviewers. */
  private async escalate(
    asOf: string,
    days: number,
    meta: ReturnType<SweepService['metadata']>,
  ): Promise<Outcome> {
    return this.db.transaction(async (sql) => {
      const { rows } = await sql.query<{ id: string; department_code: string; version: number }>(
        `UPDATE alerts a SET escalated_at = $3 FROM streams s
          WHERE a.level = 'red' AND a.acknowledged_at IS NULL AND a.escalated_at IS NULL AND a.as_of <= $1::date - $2::int
            AND s.stream_id = 'alert-' || a.id
          RETURNING a.id, a.department_code, s.version`,
        [asOf, days, meta.at],
      );
      if (rows.length === 0) return { alerts: 0, deliveries: [] };
      const { reviewers } = await this.recipients(sql);
      await this.store.appendMany(
        sql,
        rows.map((r) => ({
          streamId: `alert-${r.id}`,
          expectedVersion: r.version,
          events: [
            {
              id: randomUUID(),
              type: 'AlertEscalated',
              data: { alertId: r.id, asOf, days, to: reviewers.get(r.department_code) ?? [] },
              metadata: meta,
            },
          ],
        })),
      );
      const deliveries = rows.flatMap((r) =>
        (reviewers.get(r.department_code) ?? []).map((p) => ({
          alertId: r.id,
          recipient: { ...p, role: 'department_reviewer' as const },
          escalation: true,
        })),
      );
      return {
        alerts: rows.length,
        deliveries: await insertDeliveries(sql, deliveries, meta.at, this.emailEnabled),
      };
    });
  }
}

function alertRaisedData(r: Raise) {
  const { kind, level, period, asOf, lagPp, plannedPct, actualPct } = r.alert;
  return {
    alertId: r.id,
    targetId: r.row.target_id,
    unitCode: r.row.unit_code,
    kind,
    level,
    period,
    asOf,
    lagPp,
    plannedPct,
    actualPct,
    recipients: r.recipients,
  };
}

/** Inserts alerts set-based; the unique key drops those raised before. Answers the ids inserted. */
async function insertAlerts(sql: Sql, raises: Raise[], at: string): Promise<string[]> {
  const col = <T>(f: (r: Raise) => T) => raises.map(f);
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO alerts (id, target_id, fiscal_year, unit_code, department_code, project_name, kind, level, period, as_of,
                         lag_pp, planned_pct, actual_pct, recipients, raised_at)
     SELECT u.*, $15::timestamptz FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::text[], $9::text[], $10::date[], $11::numeric[], $12::numeric[], $13::numeric[], $14::jsonb[]) AS u
     ON CONFLICT ON CONSTRAINT alerts_dedup DO NOTHING RETURNING id`,
    [
      col((r) => r.id),
      col((r) => r.row.target_id),
      col((r) => Number(r.row.target_id.slice(0, 4))),
      col((r) => r.row.unit_code),
      col((r) => r.row.department_code),
      col((r) => r.row.project_name),
      col((r) => r.alert.kind),
      col((r) => r.alert.level),
      col((r) => r.alert.period),
      col((r) => r.alert.asOf),
      col((r) => r.alert.lagPp),
      col((r) => r.alert.plannedPct),
      col((r) => r.alert.actualPct),
      col((r) => JSON.stringify(r.recipients)),
      at,
    ],
  );
  return rows.map((r) => r.id);
}

interface NewDelivery {
  readonly alertId: string;
  readonly recipient: Recipient & { role: string };
  readonly escalation: boolean;
}

/** One row per recipient and channel: the inbox delivered at once, e-mail and webhook pending. Answers the pending ids. */
async function insertDeliveries(
  sql: Sql,
  list: NewDelivery[],
  at: string,
  email: boolean,
): Promise<string[]> {
  const rows = list.flatMap((d) => [
    { ...d, id: randomUUID(), channel: 'inbox', address: null as string | null },
    ...(email && d.recipient.email
      ? [{ ...d, id: randomUUID(), channel: 'email', address: d.recipient.email }]
      : []),
    ...(d.recipient.webhookUrl
      ? [{ ...d, id: randomUUID(), channel: 'webhook', address: d.recipient.webhookUrl }]
      : []),
  ]);
  if (rows.length === 0) return [];
  await sql.query(
    `INSERT INTO alert_deliveries (id, alert_id, recipient_id, recipient_name, channel, address, escalation, status, delivered_at)
     SELECT u.id, u.alert_id, u.rid, u.rname, u.channel, u.address, u.escalation,
            CASE WHEN u.channel = 'inbox' THEN 'delivered' ELSE 'pending' END,
            CASE WHEN u.channel = 'inbox' THEN $8::timestamptz END
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])
            AS u(id, alert_id, rid, rname, channel, address, escalation)
     ON CONFLICT ON CONSTRAINT alert_deliveries_once DO NOTHING`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.alertId),
      rows.map((r) => r.recipient.userId),
      rows.map((r) => r.recipient.name),
      rows.map((r) => r.channel),
      rows.map((r) => r.address),
      rows.map((r) => r.escalation),
      at,
    ],
  );
  return rows.filter((r) => r.channel !== 'inbox').map((r) => r.id);
}
