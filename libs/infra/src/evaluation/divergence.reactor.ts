import { divergenceAlert, MonitoringReportFiled } from '@bp/domain';
import { Database } from '../database/sql';
import { PostgresEventStore, RecordedEvent } from '../event-store/event-store';
import { monitoringConfigOf } from '../alerts/monitoring-config';
import { SweepService } from '../alerts/sweep.service';
import { foldTarget } from '../performance-target/target-store';
import { Reactor } from '../projections/reactor';
import { loadRound, monitoringTableView } from './monitoring-rounds.handlers';

/**
 * 双监控: a filed monitoring report whose indicator and spending progress are too far apart
 * raises a divergence alert. Run by the worker after the report has committed, so a crash of
 * the API between the two loses nothing; the alert's dedup key makes a run again harmless.
 */
export class DivergenceReactor implements Reactor {
  readonly name = 'divergence';
  readonly types = ['MonitoringReportFiled'];

  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly sweeps: SweepService,
  ) {}

  async react(e: RecordedEvent): Promise<void> {
    const { roundId } = e.data as MonitoringReportFiled['data'];
    // the target as it stood when the report was filed, not as it is now: a replay decides alike
    const stream = await this.store.readStream(e.streamId);
    const state = foldTarget(stream.filter((x) => x.streamVersion <= e.streamVersion));
    const round = await loadRound(this.db, roundId);
    const config = await monitoringConfigOf(this.db, round.fiscalYear);
    const table = monitoringTableView(state, round, config.timeProgressMethod);
    const alert = divergenceAlert(round.asOf, table, config.yellowPp);
    // the request id follows from the report's event: the alert's events name their cause
    if (alert) await this.sweeps.raiseDivergence(state, alert, `divergence-${e.id}`);
  }
}
