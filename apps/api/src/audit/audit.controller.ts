import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Forbidden, NotFound } from '@bp/domain';
import {
  AUDIT_EXPORT_COLUMNS,
  auditExportRow,
  AuditFilters,
  AuditItem,
  AuditService,
  Caller,
  writeAuditXlsx,
} from '@bp/infra';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { stringify } from 'csv-stringify';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { attachment } from '../targets/target-exports.controller';
import { parseAsOf } from '../targets/target.mapping';

export class AuditQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{4}-\d{6}-[0-9A-Za-z]{1,40}$/, {
    message: '应为“年度-单位编码-项目编码”，例如 2022-314001-13030322P00391410001H',
  })
  targetId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{6}$/, { message: '应为六位数字' })
  unit?: string;
  @ApiPropertyOptional({ description: 'user id of whoever acted' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;
  @ApiPropertyOptional({ example: 'TargetReviewed' })
  @IsOptional()
  @Matches(/^[A-Za-z]{1,60}$/, { message: '应为事件类型代码，例如 `TargetReviewed`' })
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
  @ApiPropertyOptional({
    enum: ['json', 'csv', 'xlsx'],
    description:
      'csv / xlsx: the whole trail matching the filters, Chinese headers, times in Asia/Shanghai, amounts in 元',
  })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format?: 'json' | 'csv' | 'xlsx';
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'one target; none: every stream' })
  @IsOptional()
  @Matches(/^\d{4}-\d{6}-[0-9A-Za-z]{1,40}$/, {
    message: '应为“年度-单位编码-项目编码”，例如 2022-314001-13030322P00391410001H',
  })
  targetId?: string;
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The ASCII name and the Chinese one (RFC 6266 / 5987), as the other downloads. */
const disposition = (ext: string) => attachment(`audit-events.${ext}`, `审计记录.${ext}`);

/** Auditors and admins read everything; a unit head reads its own unit's trail. */
function filtersFor(caller: Caller, q: AuditQueryDto): AuditFilters {
  const p = caller.principal;
  const wide = p.roles.includes('auditor') || p.roles.includes('admin');
  if (!wide && !(p.roles.includes('unit_head') && p.unit))
    throw new Forbidden('ROLE_FORBIDDEN', '审计记录仅供审计人员、系统管理员和单位负责人查看');
  // a unit head asking for another unit gets a 404, not their own unit's trail under its name
  if (!wide && q.unit !== undefined && q.unit !== p.unit)
    throw new NotFound('UNIT_NOT_FOUND', `单位 ${q.unit} 不存在`, { unit: q.unit });
  const unit = wide ? q.unit : p.unit;
  return {
    targetId: q.targetId,
    unit,
    actor: q.actor,
    type: q.type,
    from: parseAsOf(q.from, 'from'),
    to: parseAsOf(q.to, 'to'),
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
      "{items: [{position, streamId, version, type, data, actor, at, requestId, …}], nextCursor}; format=csv streams a CSV (UTF-8 with BOM), format=xlsx an .xlsx (sheet 审计记录), both with the columns 序号, 时间（北京时间）, 事件, 事件类型代码, 事件流, 版本, 操作人账号, 操作人, 角色, 单位, 金额（元）, 请求编号, 来源IP, 数据（金额为元）; cells starting with = + - @ get a leading '",
  })
  async events(
    @CurrentCaller() caller: Caller,
    @Query() q: AuditQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const filters = filtersFor(caller, q);
    const all = { all: true, units: [], departments: [] };
    if (q.format === 'csv' || q.format === 'xlsx') {
      const pages = this.pages(filters, q.cursor);
      await (q.format === 'csv' ? this.csv(res, pages) : this.xlsx(res, pages));
      return;
    }
    res.json(await this.audit.page(filters, all, q.cursor, q.limit ?? 100));
  }

  /** Every matching event, a thousand at a time, for the exports. */
  private async *pages(filters: AuditFilters, from?: string): AsyncGenerator<AuditItem[]> {
    const all = { all: true, units: [], departments: [] };
    let cursor: string | null | undefined = from;
    do {
      const page = await this.audit.page(filters, all, cursor ?? undefined, 1000);
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  private async csv(res: Response, pages: AsyncIterable<AuditItem[]>): Promise<void> {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', disposition('csv'));
    res.write('\uFEFF'); // the BOM: Excel reads UTF-8 Chinese only with it
    const csv = stringify({ header: true, columns: [...AUDIT_EXPORT_COLUMNS] });
    csv.pipe(res);
    for await (const page of pages) for (const e of page) csv.write(auditExportRow(e));
    csv.end();
    await new Promise((resolve) => res.on('finish', resolve));
  }

  private async xlsx(res: Response, pages: AsyncIterable<AuditItem[]>): Promise<void> {
    res.setHeader('Content-Type', XLSX_MIME);
    res.setHeader('Content-Disposition', disposition('xlsx'));
    const finished = new Promise((resolve) => res.on('finish', resolve));
    await writeAuditXlsx(res, pages);
    await finished;
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOkResponse({
    description:
      '{ok, checked, broken: [{position, streamId, version, type, reason}] (the first 1,000), brokenTotal, anchor, anchored}: position null for a whole stream; anchor: the signed heads compared with ({id, keyId, signedAt, streams} or null); anchored: the anchor this whole verify signed, or null',
  })
  verify(@Query() q: VerifyQueryDto) {
    return this.audit.verify(q.targetId);
  }
}
