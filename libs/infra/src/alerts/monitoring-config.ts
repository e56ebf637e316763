import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  DEFAULT_SCORE_WEIGHTS,
  ScoreWeights,
  monitoringConfigDecider,
  defaultMonitoringConfig,
  MonitoringConfig,
  MonitoringConfigSet,
  monitoringConfigStreamId,
  TimeProgressMethod,
} from '@bp/domain';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { handle, Written } from '../event-store/handle';
import { Caller, TargetStore } from '../performance-target/target-store';

/** The year's monitoring settings, or DOMAIN.md's defaults when none were set. */
export async function monitoringConfigOf(sql: Sql, fiscalYear: number): Promise<MonitoringConfig> {
  const { rows } = await sql.query<{
    yellow_pp: string;
    red_pp: string;
    tolerance_pp: string;
    escalation_days: number;
    score_weights: ScoreWeights | null;
    time_progress_method: TimeProgressMethod;
  }>(
    `SELECT yellow_pp, red_pp, tolerance_pp, escalation_days, score_weights, time_progress_method
       FROM monitoring_config WHERE fiscal_year = $1`,
    [fiscalYear],
  );
  const r = rows[0];
  if (!r) return defaultMonitoringConfig(fiscalYear);
  return {
    fiscalYear,
    yellowPp: Number(r.yellow_pp),
    redPp: Number(r.red_pp),
    tolerancePp: Number(r.tolerance_pp),
    escalationDays: r.escalation_days,
    scoreWeights: r.score_weights ?? DEFAULT_SCORE_WEIGHTS,
    timeProgressMethod: r.time_progress_method,
  };
}

export class SetMonitoringConfigCommand extends Command<{
  config: MonitoringConfig;
  position: bigint;
}> {
  constructor(
    readonly caller: Caller,
    readonly config: MonitoringConfig,
  ) {
    super();
  }
}

/** The `monitoring_config` row of a setting, in the transaction of its event. */
async function upsertConfigRow(
  sql: Sql,
  w: Written<MonitoringConfig | null, MonitoringConfigSet>,
): Promise<void> {
  for (const { data: c, metadata: m } of w.events) {
    await sql.query(
      `INSERT INTO monitoring_config (fiscal_year, yellow_pp, red_pp, tolerance_pp, escalation_days, score_weights, updated_at, time_progress_method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (fiscal_year) DO UPDATE SET yellow_pp = EXCLUDED.yellow_pp, red_pp = EXCLUDED.red_pp,
         tolerance_pp = EXCLUDED.tolerance_pp, escalation_days = EXCLUDED.escalation_days,
         score_weights = EXCLUDED.score_weights, updated_at = EXCLUDED.updated_at,
         time_progress_method = EXCLUDED.time_progress_method`,
      [
        c.fiscalYear,
        c.yellowPp,
        c.redPp,
        c.tolerancePp,
        c.escalationDays,
        JSON.stringify(c.scoreWeights),
        m.at,
        c.timeProgressMethod ?? 'days',
      ],
    );
  }
}

@CommandHandler(SetMonitoringConfigCommand)
export class SetMonitoringConfigHandler implements ICommandHandler<SetMonitoringConfigCommand> {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
  ) {}

  async execute({ caller, config }: SetMonitoringConfigCommand) {
    const metadata = this.targets.metadata(caller, 'admin');
    const ctx = { db: this.db, store: this.store };
    const command = { type: 'SetMonitoringConfig' as const, data: config, metadata };
    const streamId = monitoringConfigStreamId(config.fiscalYear);
    const r = await handle(ctx, monitoringConfigDecider, streamId, command, {
      alsoWrite: upsertConfigRow,
    });
    return { config, position: r.position };
  }
}
