import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  DEFAULT_INDICATOR_TEMPLATE,
  MAX_FISCAL_YEAR,
  MIN_FISCAL_YEAR,
  parseIndicatorTarget,
} from '@bp/domain';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

export class TemplateQueryDto {
  @ApiProperty({ example: 2022 })
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear!: number;
}

export class ParseQueryDto {
  @ApiProperty({ example: '≥95%' })
  @IsString()
  @MaxLength(500)
  text!: string;
}

/**
 * What the target form needs from the domain without a copy of it in the browser: the indicator
 * tree (一级 → 二级) of a fiscal year, and how a 指标值 will be understood once saved.
 */
@ApiTags('targets')
@ApiBearerAuth()
@Controller('indicator-template')
export class IndicatorTemplateController {
  @Get()
  @ApiOkResponse({
    description:
      'the indicator tree of the year: {fiscalYear, version, levels: [{level1, level2: [...]}]}',
  })
  template(@Query() q: TemplateQueryDto) {
    // one template so far; a later national rule is a new version chosen here by year
    const t = DEFAULT_INDICATOR_TEMPLATE;
    return {
      fiscalYear: q.fiscalYear,
      version: t.version,
      levels: Object.entries(t.levels).map(([level1, level2]) => ({ level1, level2: [...level2] })),
    };
  }

  @Get('parse')
  @ApiOkResponse({
    description:
      'the 指标值 as the service reads it (the same parser as a saved target): {text, parsed}',
  })
  parse(@Query() q: ParseQueryDto) {
    return { text: q.text, parsed: parseIndicatorTarget(q.text) };
  }
}
