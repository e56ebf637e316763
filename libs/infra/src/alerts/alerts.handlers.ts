import {
  Command,
  CommandHandler,
  ICommandHandler,
  IQueryHandler,
  Query,
  QueryHandler,
} from '@nestjs/cqrs';
import {
  acknowledgingRole,
  alertDecider,
  alertStreamId,
  inScope,
  NotFound,
  Scope,
} from '@bp/domain';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { EventStoreContext, handle } from '../event-store/handle';
import { Caller, TargetStore } from '../performance-target/target-store';

export interface AlertFilters {
  readonly unit?: string;
  readonly level?: 'yellow' | 'red';
  readonly acknowledged?: boolean;
  readonly fiscalYear?: number;
  readonly kind?: string;
}

interface AlertRow {
  id: string;
  target_id: string;
  unit_code: string;
  project_name: string;
  kind: string;
  level: string;
  period: string;
  as_of: string;
  lag_pp: string;
  planned_pct: string;
  actual_pct: string;
  recipients: { userId: string; name: string; role: string }[];
  raised_at: Date;
  acknowledged_at: Date | null;
  /** Who acknowledged, and their note (reason for the lag, what will be done) when given. */
  acknowledged_by: { id: string; name: string; note?: string } | null;
  escalated_at: Date | null;
  escalated_to: { userId: string; name: string }[] | null;
  deliveries: {
    recipientId: string;
    channel: string;
    status: string;
    attempts: number;
    lastError: string | null;
    escalation: boolean;
    deliveredAt: string | null;
  }[];
}

type Delivery = AlertRow['deliveries'][number];

/** The in-app inbox is the alerts table itself: one delivered entry per recipient, shown beside the sent ones. */
function withInbox(r: AlertRow): Delivery[] {
  const inbox = (to: { userId: string }[], escalation: boolean, at: Date | null): Delivery[] =>
    to.map((p) => ({
      recipientId: p.userId,
      channel: 'inbox',
      status: 'delivered',
      attempts: 1,
      lastError: null,
      escalation,
      deliveredAt: at?.toISOString() ?? null,
    }));
  const all = [
    ...inbox(r.recipients, false, r.raised_at),
    ...inbox(r.escalated_to ?? [], true, r.escalated_at),
    ...r.deliveries,
  ];
  const key = (d: Delivery) => `${d.escalation ? 1 : 0}|${d.recipientId}|${d.channel}`;
  return all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function alertView(r: AlertRow) {
  return {
    id: r.id,
    targetId: r.target_id,
    unit: r.unit_code,
    name: r.project_name,
    kind: r.kind,
    level: r.level,
    period: r.period,
    asOf: r.as_of,
    lagPp: Number(r.lag_pp),
    plannedPct: Number(r.planned_pct),
    actualPct: Number(r.actual_pct),
    recipients: r.recipients,
    deliveries: withInbox(r),
    raisedAt: r.raised_at.toISOString(),
    acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: r.acknowledged_by && { id: r.acknowledged_by.id, name: r.acknowledged_by.name },
    acknowledgementNote: r.acknowledged_by?.note ?? null,
    escalatedAt: r.escalated_at?.toISOString() ?? null,
  };
}

export type AlertView = ReturnType<typeof alertView>;

const SELECT_ALERTS = `
  SELECT a.id, a.target_id, a.unit_code, a.project_name, a.kind, a.level, a.period, to_char(a.as_of, 'YYYY-MM-DD') AS as_of,
         a.lag_pp, a.planned_pct, a.actual_pct, a.recipients, a.raised_at, a.acknowledged_at, a.acknowledged_by, a.escalated_at, a.escalated_to,
         COALESCE((SELECT json_agg(json_build_object('recipientId', d.recipient_id, 'channel', d.channel, 'status', d.status,
                    'attempts', d.attempts, 'lastError', d.last_error, 'escalation', d.escalation, 'deliveredAt', d.delivered_at)
                    ORDER BY d.escalation, d.recipient_id, d.channel)
                   FROM alert_deliveries d WHERE d.alert_id = a.id), '[]') AS deliveries
    FROM alerts a`;

export class ListAlertsQuery extends Query<{ items: AlertView[] }> {
  constructor(
    readonly caller: Caller,
    readonly filters: AlertFilters,
  ) {
    super();
  }
}

/** The inbox: alerts in the caller's scope (a unit head sees its unit's), newest first. */
@QueryHandler(ListAlertsQuery)
export class ListAlertsHandler implements IQueryHandler<ListAlertsQuery> {
  constructor(private readonly db: Database) {}

  async execute({ caller, filters: f }: ListAlertsQuery) {
    const s: Scope = caller.scope;
    const { rows } = await this.db.query<AlertRow>(
      `${SELECT_ALERTS}
        WHERE ($1::text IS NULL OR a.unit_code = $1) AND ($2::text IS NULL OR a.level = $2)
          AND ($3::boolean IS NULL OR (a.acknowledged_at IS NOT NULL) = $3) AND ($4::int IS NULL OR a.fiscal_year = $4)
          AND ($5::text IS NULL OR a.kind = $5)
          AND ($6::boolean OR a.unit_code = ANY($7::text[]) OR a.department_code = ANY($8::text[]))
        ORDER BY a.raised_at DESC, a.id LIMIT 500`,
      [
        f.unit ?? null,
        f.level ?? null,
        f.acknowledged ?? null,
        f.fiscalYear ?? null,
        f.kind ?? null,
        s.all,
        s.units,
        s.departments,
      ],
    );
    return { items: rows.map(alertView) };
  }
}

export class AcknowledgeAlertCommand extends Command<{ alert: AlertView; position: bigint }> {
  constructor(
    readonly caller: Caller,
    readonly alertId: string,
    /** The unit's note: why it lags and what it will do; '' for none. */
    readonly note = '',
  ) {
    super();
  }
}

/** The alerts row of an acknowledgement, in the transaction of its event. */
async function markAcknowledged(
  sql: Sql,
  alertId: string,
  at: string,
  by: { id: string; name: string },
  note: string,
): Promise<void> {
  await sql.query(`UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1`, [
    alertId,
    at,
    JSON.stringify({ id: by.id, name: by.name, ...(note ? { note } : {}) }),
  ]);
}

/** A recipient (or the unit's head) confirms the alert: an event in the alert's stream. Again is a no-op. */
@CommandHandler(AcknowledgeAlertCommand)
export class AcknowledgeAlertHandler implements ICommandHandler<AcknowledgeAlertCommand> {
  private readonly ctx: EventStoreContext;

  constructor(
    private readonly db: Database,
    store: PostgresEventStore,
    private readonly targets: TargetStore,
  ) {
    this.ctx = { db, store };
  }

  async execute({ caller, alertId, note }: AcknowledgeAlertCommand) {
    const row = await this.find(alertId);
    if (!row || !inScope(caller.scope, row.unit_code))
      throw new NotFound('ALERT_NOT_FOUND', `预警 ${alertId} 不存在`, { alertId });
    const role = acknowledgingRole(caller.principal, { ...row, unitCode: row.unit_code });
    if (row.acknowledged_at) return { alert: alertView(row), position: 0n };
    const metadata = this.targets.metadata(caller, role);
    const data = { alertId, targetId: row.target_id, ...(note ? { note } : {}) };
    const command = { type: 'AcknowledgeAlert' as const, data, metadata };
    const { position, events } = await handle(
      this.ctx,
      alertDecider,
      alertStreamId(alertId),
      command,
      {
        alsoWrite: (sql) => markAcknowledged(sql, alertId, metadata.at, caller.principal, note),
      },
    );
    if (events.length === 0) return { alert: alertView(row), position: 0n };
    return { alert: alertView((await this.find(alertId)) as AlertRow), position };
  }

  private async find(id: string): Promise<AlertRow | undefined> {
    const { rows } = await this.db.query<AlertRow>(`${SELECT_ALERTS} WHERE a.id = $1`, [id]);
    return rows[0];
  }
}
