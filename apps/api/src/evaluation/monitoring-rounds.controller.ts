import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  CAUSES,
  CORRECTIONS,
  InvalidInput,
  LIKELIHOODS,
  MAX_FISCAL_YEAR,
  MIN_FISCAL_YEAR,
  ReportLine,
} from '@bp/domain';
import {
  Caller,
  FileReportCommand,
  MonitoringTableQuery,
  monitoringTableWorkbook,
  OpenRoundCommand,
  ReviewReportCommand,
  RoundStatusQuery,
} from '@bp/infra';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { attachment } from '../targets/target-exports.controller';
import { checkId } from '../targets/targets.controller';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class RoundDto {
  @ApiProperty({ example: 2022 })
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear!: number;
  @ApiProperty({ example: '2022年1-7月' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiProperty({ example: '2022-07-31' })
  @Matches(DATE, { message: '应为日期，格式 YYYY-MM-DD' })
  asOf!: string;
  @ApiProperty({ example: '2022-08-15' })
  @Matches(DATE, { message: '应为日期，格式 YYYY-MM-DD' })
  deadline!: string;
}

export class ReportLineDto {
  @ApiProperty() @IsInt() @Min(0) @Max(299) index!: number;
  @ApiProperty({ description: '完成值: a number, true/false, or text, as the target is' })
  @Allow()
  completed!: number | boolean | string;
  @ApiProperty({ description: '全年预计完成情况' }) @Allow() expected!: number | boolean | string;
  @ApiProperty({ enum: LIKELIHOODS })
  @IsIn(LIKELIHOODS as unknown as string[])
  likelihood!: ReportLine['likelihood'];
  @ApiPropertyOptional({ enum: CAUSES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(CAUSES as unknown as string[], { each: true })
  causes?: ReportLine['causes'];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) causeText?: string;
  @ApiPropertyOptional({ enum: CORRECTIONS })
  @IsOptional()
  @IsIn(CORRECTIONS as unknown as string[])
  correction?: ReportLine['correction'];
}

export class ReportDto {
  @ApiProperty({ type: [ReportLineDto] })
  @IsArray()
  @ArrayMaxSize(300)
  @ValidateNested({ each: true })
  @Type(() => ReportLineDto)
  lines!: ReportLineDto[];
}

export class ReportReviewDto {
  @ApiProperty({ enum: ['accepted', 'returned'] }) @IsIn(['accepted', 'returned']) outcome!:
    'accepted' | 'returned';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) opinion?: string;
}

const uuid = (id: string, field: string) => {
  if (!/^[0-9a-f-]{36}$/.test(id))
    throw new InvalidInput('INVALID_ROUND_ID', '监控轮次编号应为 UUID', field);
  return id;
};

@ApiTags('indicator monitoring')
@ApiBearerAuth()
@Controller()
export class MonitoringRoundsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('monitoring/rounds')
  @Roles('department_reviewer', 'finance_reviewer', 'admin')
  @ApiOkResponse({ description: 'the round: {roundId, fiscalYear, name, asOf, deadline}' })
  async open(@CurrentCaller() caller: Caller, @Body() dto: RoundDto) {
    return (await this.commands.execute(new OpenRoundCommand(caller, { ...dto }))).round;
  }

  @Get('monitoring/rounds/:roundId')
  @ApiOkResponse({ description: 'the round with how many approved targets in scope have reported' })
  status(@CurrentCaller() caller: Caller, @Param('roundId') roundId: string) {
    return this.queries.execute(new RoundStatusQuery(caller, uuid(roundId, 'roundId')));
  }

  @Put('targets/:id/monitoring-reports/:roundId')
  @Roles('preparer', 'unit_head', 'admin')
  @ApiOkResponse({
    description:
      'the monitoring table (执行监控表) with the report, and whether it calls for a divergence alert (raised by the worker right after)',
  })
  async file(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('roundId') roundId: string,
    @Body() dto: ReportDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const lines = dto.lines.map((l) => ({ ...l }));
    const r = await this.commands.execute(
      new FileReportCommand(caller, checkId(id), uuid(roundId, 'roundId'), lines),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    return { ...r.table, divergenceAlert: r.divergence };
  }

  @Post('targets/:id/monitoring-reports/:roundId/reviews')
  @HttpCode(200)
  @Roles('department_reviewer')
  async review(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Param('roundId') roundId: string,
    @Body() dto: ReportReviewDto,
  ) {
    return (
      await this.commands.execute(
        new ReviewReportCommand(
          caller,
          checkId(id),
          uuid(roundId, 'roundId'),
          dto.outcome,
          dto.opinion ?? '',
        ),
      )
    ).table;
  }

  @Get('targets/:id/monitoring-table/xlsx')
  @ApiOkResponse({ description: 'the 执行监控表 as .xlsx' })
  async tableXlsx(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query('roundId') roundId: string,
    @Res() res: Response,
  ): Promise<void> {
    const view = await this.queries.execute(
      new MonitoringTableQuery(caller, checkId(id), uuid(roundId ?? '', 'roundId')),
    );
    res.setHeader(
      'Content-Type',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const code = view.targetId.split('-').slice(2).join('-');
    res.setHeader(
      'Content-Disposition',
      attachment(`monitoring-${view.targetId}.xlsx`, `执行监控表-${code}.xlsx`),
    );
    res.send(await monitoringTableWorkbook(view));
  }

  @Get('targets/:id/monitoring-table')
  @ApiOkResponse({ description: 'the 执行监控表 of a target in a round' })
  table(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query('roundId') roundId: string,
  ) {
    return this.queries.execute(
      new MonitoringTableQuery(caller, checkId(id), uuid(roundId ?? '', 'roundId')),
    );
  }
}
