import { Module } from '@nestjs/common';
import { SweepsModule } from '../alerts/sweeps.module';
import { TargetsModule } from '../performance-target/targets.module';
import { SetDepartmentReviewersHandler, SetUnitHandler } from './units.commands';

/** 单位: a unit's head and alert channels (webhooks checked by the outbound policy), reviewers. */
@Module({
  imports: [TargetsModule, SweepsModule],
  providers: [SetUnitHandler, SetDepartmentReviewersHandler],
})
export class UnitsModule {}
