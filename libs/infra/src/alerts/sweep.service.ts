import {
  AlertCandidate,
  AlertKind,
  alertRecipients,
  AlertRecipient,
  alertsFor,
  approvedOf,
  assertExists,
  deliveryChannels,
  ESCALATED_LEVEL,
  escalationCutoff,
  escalationRecipients,
  assertSweepDate,
  departmentOf,
  TargetState,
  CommandMetadata,
  Recipient,
} from '@bp/domain';
import { randomUUID } from 'crypto';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { appendBatch, EventStoreContext } from '../event-store/handle';
import { MonitoredRow, monitorRows } from '../monitoring/monitoring.queries';
import { Clock } from '../shared/clock';
import { DeliveryQueue } from './delivery-queue';
import { monitoringConfigOf } from './monitoring-config';

export interface SweepResult {
  readonly kind: AlertKind;
  readonly asOf: string;
  readonly evaluated: number;
  readonly raised: number;
  /** Reminders of monitoring reports due within two days. */
  readonly reminded: number;
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
  readonly recipients: AlertRecipient[];
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
    store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly deliveries: DeliveryQueue,
    private readonly emailEnabled: boolean,
  ) {
    this.ctx = { db, store };
  }

  private readonly ctx: EventStoreContext;

  async sweep(
    kind: AlertKind,
    asOf: string,
    requestId = `sweep-${randomUUID()}`,
  ): Promise<SweepResult> {
    assertSweepDate(kind, asOf);
    const fiscalYear = Number(asOf.slice(0, 4));
    const config = await monitoringConfigOf(this.db, fiscalYear);
    const { rows, candidates } = await this.candidates(kind, asOf, config);
    const metadata = this.metadata(requestId);
    const raised = await this.raise(candidates, metadata);
    const escalated = await this.escalate(asOf, config.escalationDays, metadata);
    const reminded =
      kind === 'early'
        ? await this.raise(await this.dueReports(asOf), metadata)
        : { alerts: 0, deliveries: [] };
    raised.deliveries.push(...reminded.deliveries);
    const pending = [...raised.deliveries, ...escalated.deliveries];
    await this.deliveries.enqueue(pending);
    // recorded last: a sweep that dies before this is run again, and inserts nothing twice
    await this.db.query(
      `INSERT INTO sweep_runs (kind, as_of, request_id, evaluated, raised, escalated, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [kind, asOf, requestId, rows.length, raised.alerts, escalated.alerts, this.clock.now()],
    );
    return {
      kind,
      asOf,
      evaluated: rows.length,
      raised: raised.alerts,
      reminded: reminded.alerts,
      escalated: escalated.alerts,
      deliveries: pending.length,
    };
  }

  /** Every approved target of the year evaluated as of `asOf`, and the alerts not raised yet. */
  private async candidates(
    kind: AlertKind,
    asOf: string,
    config: Awaited<ReturnType<typeof monitoringConfigOf>>,
  ) {
    const fiscalYear = Number(asOf.slice(0, 4));
    const rows = await monitorRows(this.db, ALL, { fiscalYear, asOf }, config);
    const raisedBefore = await this.alreadyRaised(fiscalYear, kind);
    const candidates = rows
      .flatMap(({ row, view }) =>
        alertsFor(kind, asOf, view, config).map((alert) => ({ row, alert })),
      )
      .filter(
        ({ row, alert }) => !raisedBefore.has(`${row.target_id}|${alert.period}|${alert.level}`),
      );
    return { rows, candidates };
  }

  /**
   * A divergence alert (双监控), decided by the domain's `divergenceAlert` from a filed report and
   * raised by the divergence reactor. Same table, key, events and deliveries as sweeps; the key
   * makes a reaction run again (a replay, a retry after a crash) raise nothing twice.
   */
  async raiseDivergence(
    target: TargetState,
    alert: AlertCandidate,
    requestId: string,
  ): Promise<number> {
    const s = assertExists(target); // a report was filed on it
    const row = {
      target_id: s.id,
      unit_code: s.unitCode,
      department_code: departmentOf(s.unitCode),
      project_name: approvedOf(s)?.content.projectName ?? '',
    } as MonitoredRow;
    const raised = await this.raise([{ row, alert }], this.metadata(requestId));
    await this.deliveries.enqueue(raised.deliveries);
    return raised.alerts;
  }

  /**
   * Reminders: approved targets with no report in a round whose deadline is at most two days
   * away. The round's id is the alert's period, so each target is reminded once per round.
   */
  private async dueReports(asOf: string): Promise<{ row: MonitoredRow; alert: AlertCandidate }[]> {
    const { rows } = await this.db.query<MonitoredRow & { round_id: string }>(
      `SELECT t.target_id, t.unit_code, t.department_code, t.project_name, r.round_id::text AS round_id
         FROM monitoring_rounds r JOIN exec_targets t ON t.fiscal_year = r.fiscal_year AND t.budget IS NOT NULL
        WHERE r.deadline BETWEEN $1::date AND $1::date + 2
          AND (r.department_code IS NULL OR t.department_code = r.department_code)
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.target_id = t.target_id AND e.type = 'MonitoringReportFiled'
                            AND e.data->>'roundId' = r.round_id::text)`,
      [asOf],
    );
    return rows.map((row) => ({
      row,
      alert: {
        kind: 'reminder',
        level: 'yellow',
        period: row.round_id,
        asOf,
        lagPp: 0,
        plannedPct: 0,
        actualPct: 0,
      },
    }));
  }

  /** Dedup keys raised already: a rerun skips them before inserting (the unique key still decides). */
  private async alreadyRaised(fiscalYear: number, kind: AlertKind): Promise<Set<string>> {
    const { rows } = await this.db.query<{ k: string }>(
      `SELECT target_id || '|' || period || '|' || level AS k FROM alerts WHERE fiscal_year = $1 AND kind = $2`,
      [fiscalYear, kind],
    );
    return new Set(rows.map((r) => r.k));
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
        recipients: alertRecipients(
          alert.level,
          who.heads.get(row.unit_code) ?? [],
          who.reviewers.get(row.department_code) ?? [],
        ),
      }));
      const inserted = new Set(await insertAlerts(sql, raises, meta.at));
      const fresh = raises.filter((r) => inserted.has(r.id));
      // the sweep's own stream holds the alerts it raised (one stream, not one per alert: a sweep
      // may raise 100,000); what happens to an alert later goes to its stream `alert-{id}`
      if (fresh.length > 0) {
        const events = fresh.map((r) => ({
          type: 'AlertRaised',
          data: alertRaisedData(r),
          metadata: meta,
        }));
        await appendBatch(this.ctx, sql, [
          { streamId: `sweep-${meta.requestId}`, expectedVersion: 0, events },
        ]);
      }
      const list = fresh.flatMap((r) =>
        r.recipients.map((p) => ({ alertId: r.id, recipient: p, escalation: false })),
      );
      return {
        alerts: fresh.length,
        deliveries: await insertDeliveries(sql, list, this.emailEnabled),
      };
    });
  }

  /** Who each escalated alert went to, on the alert's row and as an event on its stream. */
  private async recordEscalations(
    sql: Sql,
    rows: readonly { id: string; department_code: string; version: number }[],
    reviewers: Map<string, Recipient[]>,
    at: { asOf: string; days: number; meta: ReturnType<SweepService['metadata']> },
  ): Promise<void> {
    await sql.query(
      `UPDATE alerts a SET escalated_to = u.to FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, "to" jsonb) WHERE a.id = u.id`,
      [JSON.stringify(rows.map((r) => ({ id: r.id, to: reviewers.get(r.department_code) ?? [] })))],
    );
    await appendBatch(
      this.ctx,
      sql,
      rows.map((r) => ({
        streamId: `alert-${r.id}`,
        expectedVersion: r.version,
        events: [
          {
            type: 'AlertEscalated',
            data: {
              alertId: r.id,
              asOf: at.asOf,
              days: at.days,
              to: reviewers.get(r.department_code) ?? [],
            },
            metadata: at.meta,
          },
        ],
      })),
    );
  }

  /**
   * Red alerts unacknowledged for `days` go once more, to the department reviewers. The domain's
   * `escalationDue` is the rule; it runs here set-based as its level and cut-off date.
   */
  private async escalate(
    asOf: string,
    days: number,
    meta: ReturnType<SweepService['metadata']>,
  ): Promise<Outcome> {
    return this.db.transaction(async (sql) => {
      const { rows } = await sql.query<{ id: string; department_code: string; version: number }>(
        `UPDATE alerts a SET escalated_at = $3
          WHERE a.level = $1 AND a.acknowledged_at IS NULL AND a.escalated_at IS NULL AND a.as_of <= $2::date
          RETURNING a.id, a.department_code,
                    COALESCE((SELECT version FROM streams s WHERE s.stream_id = 'alert-' || a.id), 0) AS version`,
        [ESCALATED_LEVEL, escalationCutoff(asOf, days), meta.at],
      );
      if (rows.length === 0) return { alerts: 0, deliveries: [] };
      const { reviewers } = await this.recipients(sql);
      await this.recordEscalations(sql, rows, reviewers, { asOf, days, meta });
      const deliveries = rows.flatMap((r) =>
        escalationRecipients(reviewers.get(r.department_code) ?? []).map((recipient) => ({
          alertId: r.id,
          recipient,
          escalation: true,
        })),
      );
      return {
        alerts: rows.length,
        deliveries: await insertDeliveries(sql, deliveries, this.emailEnabled),
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
  const doc = raises.map((r) => ({
    id: r.id,
    target_id: r.row.target_id,
    fiscal_year: Number(r.row.target_id.slice(0, 4)),
    unit_code: r.row.unit_code,
    department_code: r.row.department_code,
    project_name: r.row.project_name,
    kind: r.alert.kind,
    level: r.alert.level,
    period: r.alert.period,
    as_of: r.alert.asOf,
    lag_pp: r.alert.lagPp,
    planned_pct: r.alert.plannedPct,
    actual_pct: r.alert.actualPct,
    recipients: r.recipients,
  }));
  // one JSON document: cheaper for node-pg than fourteen arrays (it escapes every element)
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO alerts (id, target_id, fiscal_year, unit_code, department_code, project_name, kind, level, period, as_of,
                         lag_pp, planned_pct, actual_pct, recipients, raised_at)
     SELECT a.*, $2::timestamptz FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, target_id text, fiscal_year int, unit_code text,
       department_code text, project_name text, kind text, level text, period text, as_of date, lag_pp numeric,
       planned_pct numeric, actual_pct numeric, recipients jsonb)
     ON CONFLICT ON CONSTRAINT alerts_dedup DO NOTHING RETURNING id`,
    [JSON.stringify(doc), at],
  );
  return rows.map((r) => r.id);
}

interface NewDelivery {
  readonly alertId: string;
  readonly recipient: Recipient & { role: string };
  readonly escalation: boolean;
}

/** One row per recipient and channel: the inbox delivered at once, e-mail and webhook pending. Answers the pending ids. */
async function insertDeliveries(sql: Sql, list: NewDelivery[], email: boolean): Promise<string[]> {
  // the inbox is the alerts table itself (scoped by unit, recipients on the alert): no row for it
  const rows = list.flatMap((d) =>
    deliveryChannels(d.recipient, email)
      .filter((c) => c.channel !== 'inbox')
      .map((c) => ({ ...d, id: randomUUID(), channel: c.channel, address: c.address })),
  );
  if (rows.length === 0) return [];
  const doc = rows.map((r) => ({
    id: r.id,
    a: r.alertId,
    u: r.recipient.userId,
    n: r.recipient.name,
    c: r.channel,
    ad: r.address,
    e: r.escalation,
  }));
  await sql.query(
    `INSERT INTO alert_deliveries (id, alert_id, recipient_id, recipient_name, channel, address, escalation, status, delivered_at)
     SELECT u.id, u.a, u.u, u.n, u.c, u.ad, u.e,
            'pending', NULL
       FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, a uuid, u text, n text, c text, ad text, e boolean)
     ON CONFLICT ON CONSTRAINT alert_deliveries_once DO NOTHING`,
    [JSON.stringify(doc)],
  );
  return rows.map((r) => r.id);
}
