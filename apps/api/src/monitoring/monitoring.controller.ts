import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InvalidInput, isBusinessDate, MAX_FISCAL_YEAR, MIN_FISCAL_YEAR } from '@bp/domain';
import {
  APP_CONFIG,
  AppConfig,
  Caller,
  CLOCK,
  Clock,
  MonitoringFilters,
  MonitoringTargetsQuery,
  MonitoringUnitsQuery,
  ReadDatabase,
  readAt,
  ReviewQueueQuery,
  Sql,
  todayInShanghai,
} from '@bp/infra';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';

export class MonitoringQueryDto {
  @ApiPropertyOptional({ example: 2022, description: 'default: the year of asOf' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear?: number;

  @ApiPropertyOptional({ example: '314001' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: '应为六位数字' })
  unit?: string;

  @ApiPropertyOptional({
    example: '2022-06-30',
    description: 'business date; default today in Asia/Shanghai',
  })
  @IsOptional()
  @IsString()
  asOf?: string;

  @ApiPropertyOptional({ enum: ['green', 'yellow', 'red'] })
  @IsOptional()
  @IsIn(['green', 'yellow', 'red'])
  level?: 'green' | 'yellow' | 'red';

  @ApiPropertyOptional({
    description:
      'wait (up to 5 s) until the projection has applied the event at this global position',
  })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: '应为非负整数' })
  minPosition?: string;
}

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller()
export class MonitoringController {
  constructor(
    private readonly queries: QueryBus,
    private readonly reads: ReadDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The filters, and where to read: a read naming minPosition waits until the execution
   * projection has applied that event, on the replica or else the primary (readAt).
   */
  private async filters(q: MonitoringQueryDto, res: Response): Promise<[MonitoringFilters, Sql]> {
    const asOf = q.asOf ?? todayInShanghai(this.clock);
    if (!isBusinessDate(asOf))
      throw new InvalidInput('INVALID_AS_OF', '截至日期应为有效日期，格式 YYYY-MM-DD', 'asOf');
    const read = await readAt(
      this.reads,
      'execution',
      q.minPosition === undefined ? undefined : BigInt(q.minPosition),
      { replicaWaitMs: this.config.replicaWaitMs },
    );
    if (!read.caughtUp) res.setHeader('X-Projection-Behind', 'true');
    const filters = {
      fiscalYear: q.fiscalYear ?? Number(asOf.slice(0, 4)),
      unit: q.unit,
      asOf,
      level: q.level,
    };
    return [filters, read.sql];
  }

  @Get('monitoring/targets')
  @ApiOkResponse({
    description:
      '{items: [{targetId, unit, name, budget, disbursed, actualPct, plannedPct, timePct, lagPp, level, checkpoints}]}',
  })
  async targets(
    @CurrentCaller() caller: Caller,
    @Query() q: MonitoringQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.queries.execute(
      new MonitoringTargetsQuery(caller, ...(await this.filters(q, res))),
    );
  }

  @Get('monitoring/units')
  @ApiOkResponse({
    description: '{items: [{unit, targets, budget, disbursed, actualPct, behind: {yellow, red}}]}',
  })
  async units(
    @CurrentCaller() caller: Caller,
    @Query() q: MonitoringQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.queries.execute(new MonitoringUnitsQuery(caller, ...(await this.filters(q, res))));
  }

  @Get('reviews')
  @Roles('department_reviewer', 'finance_reviewer', 'auditor', 'admin')
  @ApiOkResponse({
    description: "what waits for review at each stage, in the caller's scope, oldest first",
  })
  reviews(@CurrentCaller() caller: Caller, @Query('stage') stage?: string) {
    if (stage !== undefined && stage !== 'department' && stage !== 'finance') {
      throw new InvalidInput(
        'INVALID_STAGE',
        '审核阶段应为 `department`（部门审核）或 `finance`（财政审核）',
        'stage',
      );
    }
    return this.queries.execute(new ReviewQueueQuery(caller, stage));
  }
}
