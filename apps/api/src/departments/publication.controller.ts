import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { InvalidInput } from '@bp/domain';
import {
  Caller,
  DepartmentPublicationQuery,
  publicationDocx,
  publicationFileNames,
} from '@bp/infra';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { attachment } from '../targets/target-exports.controller';
import { GoalsQueryDto } from './departments.controller';

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

@ApiTags('departments')
@ApiBearerAuth()
@Controller('departments')
export class PublicationController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':code/publication.docx')
  @Roles('admin', 'finance_reviewer', 'auditor', 'department_reviewer')
  @ApiProduces(DOCX)
  @ApiOkResponse({
    description:
      '该部门该年度公开的预算绩效目标（.docx，A4）：第一部分 部门整体绩效目标（导入时记录的），第二部分 各单位已批复的项目绩效目标表' +
      '（现行批复版本；调整经批复后为调整后的内容），版式与局里的文件相同，可再导入（POST /imports）。' +
      '文件名 <YYYY>年<部门名>预算绩效目标.docx（filename*，RFC 5987）',
    content: { [DOCX]: { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiForbiddenResponse({ description: 'ROLE_FORBIDDEN: preparers and unit heads' })
  @ApiNotFoundResponse({
    description:
      "PUBLICATION_NOT_FOUND: nothing to publish that year (no department goals, no approved target), or another department's reviewer",
  })
  async publication(
    @CurrentCaller() caller: Caller,
    @Param('code') code: string,
    @Query() q: GoalsQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    if (!/^\d{3}$/.test(code))
      throw new InvalidInput('INVALID_DEPARTMENT_CODE', '部门编码应为三位数字', 'code');
    const publication = await this.queries.execute(
      new DepartmentPublicationQuery(caller, code, q.fiscalYear),
    );
    const { name, fallback } = publicationFileNames(publication);
    const body = await publicationDocx(publication);
    res.setHeader('Content-Type', DOCX);
    res.setHeader('Content-Disposition', attachment(fallback, name));
    res.send(body);
  }
}
