import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InvalidInput } from '@bp/domain';
import {
  Caller,
  ListRoundsQuery,
  ListSelfEvaluationsQuery,
  RoundTargetsQuery,
  ScoreSelfEvaluationQuery,
  SelfEvaluationFormQuery,
} from '@bp/infra';
import { IsObject, IsOptional } from 'class-validator';
import { UnitTargetsQueryDto } from '../targets/target-exports.controller';
import { CurrentCaller, Roles } from '../http/auth';
import { checkId } from '../targets/targets.controller';
import { entriesOf, SelfEvaluationDto, sharesOf } from './self-evaluation.dto';

export class ScoreDto extends SelfEvaluationDto {
  @ApiPropertyOptional({
    description:
      'shares (%) a reviewer would confirm, by index: the score as the review would leave it',
    example: { '3': 70 },
  })
  @IsOptional()
  @IsObject()
  confirmedShares?: Record<string, number>;
}

const roundId = (id: string) => {
  if (!/^[0-9a-f-]{36}$/.test(id))
    throw new InvalidInput('INVALID_ROUND_ID', '监控轮次编号应为 UUID', 'roundId');
  return id;
};

/** What the console needs beside the commands: round lists, who reported, a score trial. */
@ApiTags('indicator monitoring')
@ApiBearerAuth()
@Controller()
export class EvaluationConsoleController {
  constructor(private readonly queries: QueryBus) {}

  @Get('monitoring/rounds')
  @ApiOkResponse({ description: 'the rounds of a fiscal year that cover the caller’s scope' })
  list(@CurrentCaller() caller: Caller, @Query() q: UnitTargetsQueryDto) {
    return this.queries.execute(new ListRoundsQuery(caller, q.fiscalYear));
  }

  @Get('monitoring/rounds/:roundId/targets')
  @ApiOkResponse({
    description: 'each approved target in the round: status none/filed/accepted/returned, late',
  })
  targets(@CurrentCaller() caller: Caller, @Param('roundId') id: string) {
    return this.queries.execute(new RoundTargetsQuery(caller, roundId(id)));
  }

  @Get('self-evaluations')
  @ApiOkResponse({
    description:
      'each approved target of the year in scope: self-evaluation none/filed/accepted/returned, total, grade',
  })
  selfEvaluations(@CurrentCaller() caller: Caller, @Query() q: UnitTargetsQueryDto) {
    return this.queries.execute(new ListSelfEvaluationsQuery(caller, q.fiscalYear));
  }

  @Get('targets/:id/self-evaluation/form')
  @ApiOkResponse({
    description:
      'the indicators with the kind of value each takes (quantitative/boolean/qualitative), the money, the weights and any filing',
  })
  form(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.queries.execute(new SelfEvaluationFormQuery(caller, checkId(id)));
  }

  @Post('targets/:id/self-evaluation/score')
  @HttpCode(200)
  @Roles('preparer', 'unit_head', 'admin', 'department_reviewer')
  @ApiOkResponse({
    description:
      'the score the entries would get (per indicator, total, grade, missing 未完成原因), written nowhere',
  })
  score(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() dto: ScoreDto) {
    return this.queries.execute(
      new ScoreSelfEvaluationQuery(
        caller,
        checkId(id),
        entriesOf(dto),
        sharesOf({ outcome: 'accepted', confirmedShares: dto.confirmedShares }),
      ),
    );
  }
}
