import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, InvalidInput } from '@bp/domain';
import { Caller, GetDepartmentGoalsQuery } from '@bp/infra';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { CurrentCaller } from '../http/auth';

export class GoalsQueryDto {
  @ApiProperty({ example: 2022 })
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear!: number;
}

@ApiTags('departments')
@ApiBearerAuth()
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':code/goals')
  @ApiOkResponse({
    description:
      'the department-wide goals (部门整体绩效目标) of part 1: {departmentCode, fiscalYear, overall, areas: [{title, duties, goals, indicators}]}',
  })
  @ApiNotFoundResponse({
    description: "none imported for that year, or outside the caller's scope",
  })
  goals(@CurrentCaller() caller: Caller, @Param('code') code: string, @Query() q: GoalsQueryDto) {
    if (!/^\d{3}$/.test(code))
      throw new InvalidInput('INVALID_DEPARTMENT_CODE', '部门编码应为三位数字', 'code');
    return this.queries.execute(new GetDepartmentGoalsQuery(caller, code, q.fiscalYear));
  }
}
