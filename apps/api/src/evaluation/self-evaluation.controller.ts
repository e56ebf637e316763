import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Caller,
  FileSelfEvaluationCommand,
  GetSelfEvaluationQuery,
  ReviewSelfEvaluationCommand,
  SelfEvaluationSheetQuery,
  selfEvaluationWorkbook,
} from '@bp/infra';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { attachment } from '../targets/target-exports.controller';
import { checkId } from '../targets/targets.controller';
import {
  entriesOf,
  SelfEvaluationDto,
  SelfEvaluationReviewDto,
  sharesOf,
  textsOf,
} from './self-evaluation.dto';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('self-evaluation')
@ApiBearerAuth()
@Controller('targets/:id/self-evaluation')
export class SelfEvaluationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put()
  @Roles('preparer', 'unit_head', 'admin')
  @ApiOkResponse({
    description: 'the self-evaluation (绩效自评) with its score recomputed from the entries',
  })
  async file(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: SelfEvaluationDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.execute(
      new FileSelfEvaluationCommand(caller, checkId(id), entriesOf(dto), textsOf(dto)),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    return r.view;
  }

  @Post('reviews')
  @HttpCode(200)
  @Roles('department_reviewer')
  @ApiOkResponse({
    description: 'accepted (qualitative shares confirmed) or returned with an opinion',
  })
  async review(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: SelfEvaluationReviewDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const r = await this.commands.execute(
      new ReviewSelfEvaluationCommand(
        caller,
        checkId(id),
        dto.outcome,
        dto.opinion ?? '',
        sharesOf(dto),
      ),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    return r.view;
  }

  @Get()
  @ApiOkResponse({ description: 'the self-evaluation' })
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.queries.execute(new GetSelfEvaluationQuery(caller, checkId(id)));
  }

  @Get('xlsx')
  @ApiOkResponse({
    description:
      'the 项目支出绩效自评表 (national template) as .xlsx: funds by 财政资金 / 其他资金 in 元, indicators, 总分, 评价等级 and the texts; A4 portrait',
  })
  async xlsx(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    const sheet = await this.queries.execute(new SelfEvaluationSheetQuery(caller, checkId(id)));
    res.setHeader('Content-Type', XLSX);
    const code = sheet.view.targetId.split('-').slice(2).join('-');
    res.setHeader(
      'Content-Disposition',
      attachment(`self-evaluation-${sheet.view.targetId}.xlsx`, `绩效自评表-${code}.xlsx`),
    );
    res.send(await selfEvaluationWorkbook(sheet));
  }
}
