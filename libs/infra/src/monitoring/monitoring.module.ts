import { Module } from '@nestjs/common';
import { ReviewQueueHandler } from '../projections/review-queue.query';
import { MonitoringTargetsHandler, MonitoringUnitsHandler } from './monitoring.queries';

/** 执行监控: the reads of the execution and review-queue projections (the worker keeps them). */
@Module({
  providers: [MonitoringTargetsHandler, MonitoringUnitsHandler, ReviewQueueHandler],
})
export class MonitoringModule {}
