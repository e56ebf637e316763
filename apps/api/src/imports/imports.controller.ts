import type {} from 'multer';
import {
  Controller,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Caller, ImportDocumentCommand } from '@bp/infra';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_FISCAL_YEAR, MIN_FISCAL_YEAR } from '@bp/domain';
import { Request, Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { DOC_MIME, DOCX_MIME, IMPORT_LIMIT_BYTES, readDocument } from './import-body';

export class ImportQueryDto {
  @ApiProperty({ example: 2022, description: 'the fiscal year of the document' })
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear!: number;

  @ApiPropertyOptional({ description: 'report what the import would do, write nothing' })
  @IsOptional()
  @Transform(({ value }) =>
    value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value,
  )
  @IsBoolean()
  dryRun?: boolean;
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @Roles('admin', 'preparer', 'unit_head')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: IMPORT_LIMIT_BYTES, files: 1 } }))
  @ApiConsumes('text/plain', DOCX_MIME, DOC_MIME, 'multipart/form-data')
  @ApiBody({
    description: 'the document: its text form, a .docx, or either in the multipart field `file`',
  })
  @ApiOkResponse({
    description:
      '{fiscalYear, created, revised, unchanged, conflicts, targets, units, totalBudget, problems}',
  })
  @ApiPayloadTooLargeResponse({ description: 'over 10 MB' })
  async import(
    @CurrentCaller() caller: Caller,
    @Query() q: ImportQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    const raw = file?.buffer ?? (Buffer.isBuffer(req.body) ? req.body : undefined);
    if (
      !file &&
      !raw &&
      req.headers['content-type'] &&
      !req.headers['content-type'].startsWith('multipart/')
    ) {
      throw new UnsupportedMediaTypeException({
        error: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: `无法读取该类型的内容：请以 \`text/plain\`、\`${DOCX_MIME}\` 上传，或以 \`multipart/form-data\` 表单字段 \`file\` 上传；其他格式请先另存为 .docx`,
          details: { field: 'Content-Type' },
        },
      });
    }
    const document = await readDocument(raw, file?.mimetype ?? req.headers['content-type']);
    const { report, position } = await this.commands.execute(
      new ImportDocumentCommand(caller, {
        fiscalYear: q.fiscalYear,
        document,
        dryRun: q.dryRun ?? false,
      }),
    );
    res.setHeader('X-Event-Position', position.toString());
    return report;
  }
}
