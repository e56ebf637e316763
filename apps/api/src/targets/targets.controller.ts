import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { InvalidInput } from '@bp/domain';
import {
  Caller,
  CreateTargetCommand,
  GetTargetChangesQuery,
  GetTargetQuery,
  ListTargetsQuery,
  ReviewTargetCommand,
  ReviseTargetCommand,
  SubmitTargetCommand,
  TargetCommandResult,
  WithdrawTargetCommand,
} from '@bp/infra';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import {
  CreateTargetDto,
  GetTargetQueryDto,
  ListTargetsQueryDto,
  PatchTargetDto,
  ReviewDto,
  WithdrawDto,
} from './target.dto';
import { changesOf, contentOf, parseAsOf, parseIfMatch } from './target.mapping';

const TARGET_ID = /^\d{4}-\d{6}-[0-9A-Za-z]{1,40}$/;

/** Commands answer the new state, its version as ETag and the last event's global position. */
function answer(res: Response, r: TargetCommandResult) {
  res.setHeader('X-Event-Position', r.position.toString());
  res.setHeader('ETag', `"${r.target.version}"`);
  return r.target;
}

export function checkId(id: string): string {
  if (!TARGET_ID.test(id))
    throw new InvalidInput(
      'INVALID_TARGET_ID',
      '绩效目标编号应为“年度-单位编码-项目编码”，例如 2022-314001-13030322P00391410001H',
      'id',
    );
  return id;
}

@ApiTags('targets')
@ApiBearerAuth()
@Controller('targets')
export class TargetsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('preparer', 'unit_head', 'admin')
  @ApiCreatedResponse({ description: 'the new draft target' })
  @ApiConflictResponse({ description: 'a target with this year, unit and project code exists' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateTargetDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const input = {
      fiscalYear: dto.fiscalYear,
      unitCode: dto.unitCode,
      projectCode: dto.projectCode,
      content: contentOf(dto),
      source: 'api' as const,
    };
    return answer(res, await this.commands.execute(new CreateTargetCommand(caller, input)));
  }

  @Get()
  @ApiOkResponse({ description: "{items, nextCursor}: the targets in the caller's scope" })
  list(@CurrentCaller() caller: Caller, @Query() q: ListTargetsQueryDto) {
    return this.queries.execute(new ListTargetsQuery(caller, { ...q, limit: q.limit ?? 50 }));
  }

  @Get(':id')
  @ApiOkResponse({ description: 'the target; with asOf, as it was at that moment' })
  @ApiNotFoundResponse({ description: "no such target in the caller's scope" })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query() q: GetTargetQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const target = await this.queries.execute(
      new GetTargetQuery(caller, checkId(id), parseAsOf(q.asOf)),
    );
    res.setHeader('ETag', `"${target.version}"`);
    return target;
  }

  @Get(':id/changes')
  @ApiOkResponse({
    description:
      '{kind, from, to, firstSubmission, adjustmentId, reason, fields: [{field, label, before, after}], indicators: {added, removed, changed: [{before, after, parts}]}}: what changed since the version last reviewed (from: its stream version, null for 首次送审); with a pending adjustment, against the approved version in force',
  })
  @ApiNotFoundResponse({ description: "no such target in the caller's scope" })
  changes(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.queries.execute(new GetTargetChangesQuery(caller, checkId(id)));
  }

  @Patch(':id')
  @Roles('preparer', 'unit_head', 'admin')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version the client read' })
  @ApiOkResponse({ description: 'the revised target' })
  @ApiConflictResponse({ description: 'stale If-Match, or the target is not a draft or returned' })
  async revise(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: PatchTargetDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const version = parseIfMatch(ifMatch);
    if (version === undefined) {
      throw new InvalidInput(
        'IF_MATCH_REQUIRED',
        '请在请求头 If-Match 中带上读取时的版本号，以免覆盖他人的修改',
        'If-Match',
      );
    }
    return answer(
      res,
      await this.commands.execute(
        new ReviseTargetCommand(caller, checkId(id), changesOf(dto), version),
      ),
    );
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('preparer', 'unit_head', 'admin')
  @ApiOkResponse({ description: 'the submitted target' })
  @ApiUnprocessableEntityResponse({
    description: 'the target has problems; details.problems lists them',
  })
  async submit(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(res, await this.commands.execute(new SubmitTargetCommand(caller, checkId(id))));
  }

  @Post(':id/reviews')
  @HttpCode(200)
  @Roles('department_reviewer', 'finance_reviewer')
  @ApiOkResponse({ description: 'the reviewed target' })
  @ApiUnprocessableEntityResponse({ description: 'segregation of duties' })
  async review(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: ReviewDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.commands.execute(
        new ReviewTargetCommand(caller, checkId(id), dto.grade, dto.opinion ?? ''),
      ),
    );
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('preparer', 'unit_head', 'admin')
  @ApiOkResponse({ description: 'the target, status `withdrawn` (作废): out of lists and totals' })
  @ApiBadRequestResponse({ description: 'REASON_REQUIRED: no reason given' })
  @ApiConflictResponse({
    description: 'TARGET_NOT_WITHDRAWABLE: not a draft or returned target, or approved once',
  })
  @ApiNotFoundResponse({ description: "no such target in the caller's unit" })
  async withdraw(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: WithdrawDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    return answer(
      res,
      await this.commands.execute(new WithdrawTargetCommand(caller, checkId(id), dto.reason ?? '')),
    );
  }
}
