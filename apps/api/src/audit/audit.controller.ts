import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Forbidden } from '@bp/domain';
import { AuditFilters, AuditService, Caller } from '@bp/infra';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { stringify } from 'csv-stringify';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { parseAsOf } from '../targets/target.mapping';

export class AuditQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{4}-\d{6}-[0-9A-Za-z]{1,40}$/, { message: 'targetId is {year}-{unit}-{code}' })
  targetId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'unit must be six digits' })
  unit?: string;
  @ApiPropertyOptional({ description: 'user id of whoever acted' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;
  @ApiPropertyOptional({ example: 'TargetReviewed' })
  @IsOptional()
  @Matches(/^[A-Za-z]{1,60}$/, { message: 'type is an event type name' })
  type?: string;
  @ApiPropertyOptional({ description: 'recorded at or after (ISO date or date-time)' })
  @IsOptional()
  @IsString()
  from?: string;
  @ApiPropertyOptional({ description: 'recorded before (ISO date or date-time)' })
  @IsOptional()
  @IsString()
  to?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv']) format?:
    'json' | 'csv';
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'one target; none: every stream' })
  @IsOptional()
  @Matches(/^\d{4}-\d{6}-[0-9A-Za-z]{1,40}$/, { message: 'targetId is {year}-{unit}-{code}' })
  targetId?: string;
}

const CSV_COLUMNS = [
  '序号 Position',
  '事件流 Stream',
  '版本 Version',
  '事件类型 Type',
  '操作人 Actor',
  '姓名 Name',
  '角色 Role',
  '单位 Unit',
  '时间 At',
  '请求 Request ID',
  '来源IP IP',
  '数据 Data',
];

/** Auditors and admins read everything; a unit head reads its own unit's trail. */
function filtersFor(caller: Caller, q: AuditQueryDto): AuditFilters {
  const p = caller.principal;
  const wide = p.roles.includes('auditor') || p.roles.includes('admin');
  if (!wide && !(p.roles.includes('unit_head') && p.unit))
    throw new Forbidden('ROLE_FORBIDDEN', 'the audit trail is for auditors, admins and unit heads');
  const unit = wide ? q.unit : p.unit;
  return {
    targetId: q.targetId,
    unit,
    actor: q.actor,
    type: q.type,
    from: parseAsOf(q.from),
    to: parseAsOf(q.to),
  };
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('events')
  @Roles('auditor', 'admin', 'unit_head')
  @ApiOkResponse({
    description:
      '{items: [{position, streamId, version, type, data, actor, at, requestId, …}], nextCursor}; format=csv streams a CSV (UTF-8 with BOM)',
  })
  async events(
    @CurrentCaller() caller: Caller,
    @Query() q: AuditQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const filters = filtersFor(caller, q);
    const all = { all: true, units: [], departments: [] };
    if (q.format !== 'csv') {
      res.json(await this.audit.page(filters, all, q.cursor, q.limit ?? 100));
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="audit-events.csv"');
    res.write('\uFEFF');
    const csv = stringify({ header: true, columns: CSV_COLUMNS });
    csv.pipe(res);
    let cursor: string | null | undefined = q.cursor;
    do {
      const page = await this.audit.page(filters, all, cursor ?? undefined, 1000);
      for (const e of page.items) {
        csv.write([
          e.position,
          e.streamId,
          e.version,
          e.type,
          e.actor.id,
          e.actor.name,
          e.actor.role,
          e.actor.unit ?? '',
          e.at,
          e.requestId ?? '',
          e.ip ?? '',
          JSON.stringify(e.data),
        ]);
      }
      cursor = page.nextCursor;
    } while (cursor);
    csv.end();
    await new Promise((resolve) => res.on('finish', resolve));
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOkResponse({
    description: '{ok, checked, broken: [{position, streamId, version, type, reason}]}',
  })
  verify(@Query() q: VerifyQueryDto) {
    return this.audit.verify(q.targetId);
  }
}
