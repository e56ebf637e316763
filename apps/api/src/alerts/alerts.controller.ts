import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  assertFiscalYear,
  assertSweepDate,
  DEFAULT_SCORE_WEIGHTS,
  InvalidInput,
  ScoreWeights,
} from '@bp/domain';
import {
  AcknowledgeAlertCommand,
  Caller,
  Database,
  ListAlertsQuery,
  monitoringConfigOf,
  SetDepartmentReviewersCommand,
  SetMonitoringConfigCommand,
  SetUnitCommand,
  SWEEP_JOB,
  SWEEPS,
} from '@bp/infra';
import { Queue } from 'bullmq';
import { randomUUID } from 'crypto';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import {
  AckDto,
  AlertsQueryDto,
  MonitoringConfigDto,
  ReviewersDto,
  SweepDto,
  UnitDto,
} from './alerts.dto';

const year = (text: string) => {
  const y = /^\d{4}$/.test(text) ? Number(text) : NaN;
  assertFiscalYear(y);
  return y;
};

/** The weights as sent, checked for shape (the domain checks they add up), or the defaults. */
function weightsOf(w: unknown): ScoreWeights {
  if (w === undefined) return DEFAULT_SCORE_WEIGHTS;
  const x = w as { execution?: unknown; groups?: unknown };
  const groups =
    x.groups && typeof x.groups === 'object'
      ? Object.entries(x.groups as Record<string, unknown>)
      : null;
  if (
    typeof x.execution !== 'number' ||
    !groups ||
    groups.some(([k, v]) => typeof v !== 'number' || k.length > 20)
  ) {
    throw new InvalidInput(
      'INVALID_WEIGHTS',
      '评分权重应为 `{"execution": 数值, "groups": {"一级指标": 数值}}`，一级指标名称最多 20 个字',
      'scoreWeights',
    );
  }
  return { execution: x.execution, groups: Object.fromEntries(groups) as Record<string, number> };
}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller()
export class AlertsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly db: Database,
    @Inject(SWEEPS) private readonly sweeps: Queue,
  ) {}

  @Put('units/:code')
  @Roles('admin')
  @ApiOkResponse({ description: 'the unit: {code, name, departmentCode, heads}' })
  async setUnit(
    @CurrentCaller() caller: Caller,
    @Param('code') code: string,
    @Body() dto: UnitDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.execute(
      new SetUnitCommand(
        caller,
        code,
        dto.name,
        dto.heads.map((h) => ({ ...h })),
      ),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    return r.unit;
  }

  @Put('departments/:code/reviewers')
  @Roles('admin')
  @ApiOkResponse({ description: '{code, reviewers}' })
  async setReviewers(
    @CurrentCaller() caller: Caller,
    @Param('code') code: string,
    @Body() dto: ReviewersDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.execute(
      new SetDepartmentReviewersCommand(
        caller,
        code,
        dto.reviewers.map((h) => ({ ...h })),
      ),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    return r.department;
  }

  @Get('config/monitoring/:fiscalYear')
  @ApiOkResponse({
    description: 'the thresholds and escalation days of the year (defaults when not set)',
  })
  config(@Param('fiscalYear') fiscalYear: string) {
    return monitoringConfigOf(this.db, year(fiscalYear));
  }

  @Put('config/monitoring/:fiscalYear')
  @Roles('admin')
  @ApiOkResponse({ description: "the year's monitoring settings" })
  async setConfig(
    @CurrentCaller() caller: Caller,
    @Param('fiscalYear') fiscalYear: string,
    @Body() dto: MonitoringConfigDto,
  ) {
    return (
      await this.commands.execute(
        new SetMonitoringConfigCommand(caller, {
          fiscalYear: year(fiscalYear),
          ...dto,
          scoreWeights: weightsOf(dto.scoreWeights),
          timeProgressMethod: dto.timeProgressMethod ?? 'days',
        }),
      )
    ).config;
  }

  @Post('monitoring/sweeps')
  @HttpCode(202)
  @Roles('admin')
  @ApiAcceptedResponse({
    description: '{jobId}: the sweep runs in the worker; follow it at GET /jobs/:id',
  })
  async sweep(@Body() dto: SweepDto) {
    assertSweepDate(dto.kind, dto.asOf);
    const job = await this.sweeps.add(
      SWEEP_JOB,
      { kind: dto.kind, asOf: dto.asOf },
      {
        jobId: `sweep-${dto.kind}-${randomUUID()}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 7 * 86400 },
        removeOnFail: { age: 7 * 86400 },
      },
    );
    return { jobId: job.id };
  }

  @Get('alerts')
  @ApiOkResponse({
    description:
      '{items: [{id, targetId, unit, kind, level, period, asOf, lagPp, recipients, deliveries, acknowledgedAt}]}',
  })
  alerts(@CurrentCaller() caller: Caller, @Query() q: AlertsQueryDto) {
    return this.queries.execute(new ListAlertsQuery(caller, q));
  }

  @Post('alerts/:id/ack')
  @HttpCode(200)
  @ApiOkResponse({
    description:
      'the acknowledged alert; body {note?}: the reason for the lag and what will be done, kept in the AlertAcknowledged event (the trail) and answered as acknowledgementNote',
  })
  async ack(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: AckDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!/^[0-9a-f-]{36}$/.test(id))
      throw new InvalidInput('INVALID_ALERT_ID', '预警编号应为 UUID', 'id');
    const note = (dto?.note ?? '').trim();
    const r = await this.commands.execute(new AcknowledgeAlertCommand(caller, id, note));
    res.setHeader('X-Event-Position', r.position.toString());
    return r.alert;
  }
}
