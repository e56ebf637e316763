import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiPropertyOptional,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { InvalidInput, isBusinessDate, MAX_FISCAL_YEAR, MIN_FISCAL_YEAR } from '@bp/domain';
import {
  Caller,
  CLOCK,
  Clock,
  ExecutionSeriesQuery,
  GetTargetQuery,
  targetWorkbook,
  todayInShanghai,
  UnitTargetsQuery,
  unitTargetsWorkbook,
} from '@bp/infra';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Response } from 'express';
import { CurrentCaller } from '../http/auth';
import { checkId } from './targets.controller';
import { GetTargetQueryDto } from './target.dto';
import { parseAsOf } from './target.mapping';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const XLSX_BODY = { [XLSX]: { schema: { type: 'string', format: 'binary' } } };

export class ExecutionQueryDto {
  @ApiPropertyOptional({
    example: '2022-06-30',
    description: 'business date YYYY-MM-DD; default today in Asia/Shanghai',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  asOf?: string;
}

export class UnitTargetsQueryDto {
  @ApiProperty({ example: 2022 })
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear!: number;
}

/** RFC 5987 ext-value: UTF-8, percent-encoded, including the characters encodeURIComponent keeps. */
const rfc5987 = (s: string) =>
  encodeURIComponent(s).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** Content-Disposition for a download: an ASCII fallback name and the Chinese one (RFC 6266). */
export function attachment(fallback: string, name: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc5987(name)}`;
}

function sendXlsx(res: Response, body: Buffer, fallback: string, name: string): void {
  res.setHeader('Content-Type', XLSX);
  res.setHeader('Content-Disposition', attachment(fallback, name));
  res.send(body);
}

@ApiTags('targets')
@ApiBearerAuth()
@Controller()
export class TargetExportsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('targets/:id/xlsx')
  @ApiProduces(XLSX)
  @ApiOkResponse({
    description:
      'the 项目绩效目标表 of the target (as of asOf, if given) as .xlsx, named 项目绩效目标表-<projectCode>.xlsx',
    content: XLSX_BODY,
  })
  @ApiNotFoundResponse({ description: "no such target in the caller's scope" })
  async targetXlsx(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query() q: GetTargetQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const view = await this.queries.execute(
      new GetTargetQuery(caller, checkId(id), parseAsOf(q.asOf)),
    );
    sendXlsx(
      res,
      await targetWorkbook(view),
      `target-${view.projectCode}.xlsx`,
      `项目绩效目标表-${view.projectCode}.xlsx`,
    );
  }

  @Get('units/:code/targets/xlsx')
  @ApiProduces(XLSX)
  @ApiOkResponse({
    description:
      "every target of the unit in the caller's scope for the year: a 汇总 sheet, then one 项目绩效目标表 sheet per target named by project code",
    content: XLSX_BODY,
  })
  @ApiNotFoundResponse({ description: "no target of this unit and year in the caller's scope" })
  async unitXlsx(
    @CurrentCaller() caller: Caller,
    @Param('code') code: string,
    @Query() q: UnitTargetsQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    if (!/^\d{6}$/.test(code))
      throw new InvalidInput('INVALID_UNIT_CODE', '单位编码应为六位数字', 'code');
    const { unitName, targets } = await this.queries.execute(
      new UnitTargetsQuery(caller, code, q.fiscalYear),
    );
    const body = await unitTargetsWorkbook(
      { code, name: unitName, fiscalYear: q.fiscalYear },
      targets,
    );
    sendXlsx(
      res,
      body,
      `targets-${code}-${q.fiscalYear}.xlsx`,
      `项目绩效目标表-${code}-${q.fiscalYear}.xlsx`,
    );
  }

  @Get('targets/:id/execution')
  @ApiOkResponse({
    description:
      '{targetId, fiscalYear, asOf, budget, disbursed, checkpoints: [{checkpoint, date, plannedPct, actualPct}], series: [{date, plannedPct, actualPct}]}: ' +
      'points on the 1st and 15th of each month, the checkpoints and asOf; actualPct null after asOf',
  })
  @ApiNotFoundResponse({ description: "no such target in the caller's scope" })
  @ApiConflictResponse({ description: 'TARGET_NOT_APPROVED, with details.status' })
  execution(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query() q: ExecutionQueryDto,
  ) {
    const asOf = q.asOf ?? todayInShanghai(this.clock);
    if (!isBusinessDate(asOf))
      throw new InvalidInput('INVALID_AS_OF', '截至日期应为有效日期，格式 YYYY-MM-DD', 'asOf');
    return this.queries.execute(new ExecutionSeriesQuery(caller, checkId(id), asOf));
  }
}
