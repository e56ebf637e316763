import { Module } from '@nestjs/common';
import { TargetsModule } from '../performance-target/targets.module';
import {
  RecordDisbursementHandler,
  RequestAdjustmentHandler,
  ReverseDisbursementHandler,
} from './disbursement.commands';

/** 支出与调整: disbursements, their reversal and adjustment requests, on the target's stream. */
@Module({
  imports: [TargetsModule],
  providers: [RecordDisbursementHandler, ReverseDisbursementHandler, RequestAdjustmentHandler],
})
export class DisbursementsModule {}
