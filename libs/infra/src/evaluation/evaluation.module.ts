import { Module } from '@nestjs/common';
import { TargetsModule } from '../performance-target/targets.module';
import {
  ListRoundsHandler,
  ListSelfEvaluationsHandler,
  RoundTargetsHandler,
  ScoreSelfEvaluationHandler,
  SelfEvaluationFormHandler,
} from './evaluation-console.handlers';
import {
  FileReportHandler,
  MonitoringTableHandler,
  OpenRoundHandler,
  ReviewReportHandler,
  RoundStatusHandler,
} from './monitoring-rounds.handlers';
import {
  FileSelfEvaluationHandler,
  GetSelfEvaluationHandler,
  ReviewSelfEvaluationHandler,
  SelfEvaluationSheetHandler,
} from './self-evaluation.handlers';

/**
 * 双监控 rounds and 绩效自评: opening rounds, filing and reviewing reports, self-evaluations and
 * the console's reads of them. The divergence alert a filed report raises is the divergence
 * reactor's (ProjectionsModule), run by the worker, not by these handlers.
 */
@Module({
  imports: [TargetsModule],
  providers: [
    OpenRoundHandler,
    FileReportHandler,
    ReviewReportHandler,
    MonitoringTableHandler,
    RoundStatusHandler,
    FileSelfEvaluationHandler,
    ReviewSelfEvaluationHandler,
    GetSelfEvaluationHandler,
    SelfEvaluationSheetHandler,
    ScoreSelfEvaluationHandler,
    SelfEvaluationFormHandler,
    ListRoundsHandler,
    ListSelfEvaluationsHandler,
    RoundTargetsHandler,
  ],
})
export class EvaluationModule {}
