import { Module } from '@nestjs/common';
import { TargetsModule } from '../performance-target/targets.module';
import { AcknowledgeAlertHandler, ListAlertsHandler } from './alerts.handlers';
import { SetMonitoringConfigHandler } from './monitoring-config';

/** 预警 as the API serves them: the alert list, acknowledging one, the monitoring settings. */
@Module({
  imports: [TargetsModule],
  providers: [ListAlertsHandler, AcknowledgeAlertHandler, SetMonitoringConfigHandler],
})
export class AlertsModule {}
