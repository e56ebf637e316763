import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  Band,
  EvaluationEntry,
  fieldNameZh,
  IndicatorActual,
  InvalidInput,
  SELF_EVALUATION_TEXT_FIELDS,
  SelfEvaluationTexts,
} from '@bp/domain';

const KINDS = ['met', 'number', 'yesNo', 'band', 'notApplicable'] as const;
const BAND_NAMES: Band[] = ['达成', '部分达成', '未达成'];

export class ActualDto {
  @ApiProperty({
    enum: KINDS,
    description:
      'met; number (value); yesNo (value true/false); band (band, share %); notApplicable (explanation)',
  })
  @IsIn(KINDS)
  kind!: (typeof KINDS)[number];

  @ApiPropertyOptional({ description: 'a number for kind number, true/false for yesNo' })
  @Allow()
  value?: unknown;

  @ApiPropertyOptional({ enum: BAND_NAMES }) @IsOptional() @IsIn(BAND_NAMES) band?: Band;
  @ApiPropertyOptional({ description: 'share of the points proposed, % within the band' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  share?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) explanation?: string;
}

export class EntryDto {
  @ApiProperty({ description: "the indicator's place in the target's list, from 0" })
  @IsInt()
  @Min(0)
  @Max(299)
  index!: number;
  @ApiProperty({ type: ActualDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ActualDto)
  actual!: ActualDto;
  @ApiPropertyOptional({ description: 'points within its group; all or none of a group' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  weight?: number;
  @ApiPropertyOptional({ description: '未完成原因' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  explanation?: string;
}

export class SelfEvaluationDto {
  @ApiProperty({ type: [EntryDto] })
  @IsArray()
  @ArrayMaxSize(300)
  @ValidateNested({ each: true })
  @Type(() => EntryDto)
  entries!: EntryDto[];

  @ApiPropertyOptional({ description: '年度总体目标的实际完成情况' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  achievement?: string;
  @ApiPropertyOptional({ description: '评价结论' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  conclusion?: string;
  @ApiPropertyOptional({ description: '存在问题' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  problems?: string;
  @ApiPropertyOptional({ description: '改进措施' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  improvements?: string;
}

export class SelfEvaluationReviewDto {
  @ApiProperty({ enum: ['accepted', 'returned'] }) @IsIn(['accepted', 'returned']) outcome!:
    'accepted' | 'returned';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) opinion?: string;
  @ApiPropertyOptional({
    description: 'confirmed share (%) of each qualitative indicator, by index',
    example: { '3': 70 },
  })
  @IsOptional()
  @IsObject()
  confirmedShares?: Record<string, number>;
}

const wrongKind = (field: string, what: string) =>
  new InvalidInput('WRONG_KIND_OF_VALUE', `${fieldNameZh(field)}应为${what}`, field);

function actualOf(a: ActualDto, at: string): IndicatorActual {
  switch (a.kind) {
    case 'met':
      return { kind: 'met' };
    case 'number':
      if (typeof a.value !== 'number' || !Number.isFinite(a.value))
        throw wrongKind(`${at}.value`, '数值（数值指标）');
      return { kind: 'number', value: a.value };
    case 'yesNo':
      if (typeof a.value !== 'boolean') throw wrongKind(`${at}.value`, '是或否（布尔值）');
      return { kind: 'yesNo', value: a.value };
    case 'band':
      if (!a.band || a.share === undefined) throw wrongKind(at, '完成档次和得分比例');
      return { kind: 'band', band: a.band, share: a.share };
    case 'notApplicable':
      return { kind: 'notApplicable', explanation: a.explanation ?? '' };
  }
}

export function entriesOf(dto: SelfEvaluationDto): EvaluationEntry[] {
  return dto.entries.map((e, i) => ({
    index: e.index,
    actual: actualOf(e.actual, `entries.${i}.actual`),
    weight: e.weight,
    explanation: e.explanation,
  }));
}

/** The texts of the 绩效自评表 (实际完成情况, 评价结论, 存在问题, 改进措施) that were given. */
export function textsOf(dto: SelfEvaluationDto): SelfEvaluationTexts {
  const out: Partial<Record<keyof SelfEvaluationTexts, string>> = {};
  // the CLI hands its JSON file in unvalidated: only strings count
  for (const k of SELF_EVALUATION_TEXT_FIELDS) {
    const v: unknown = dto[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function sharesOf(dto: SelfEvaluationReviewDto): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(dto.confirmedShares ?? {})) {
    if (!/^\d{1,3}$/.test(k) || typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) {
      throw new InvalidInput(
        'INVALID_SHARE',
        '确认的得分比例应为“指标序号: 0 至 100 的比例”',
        `confirmedShares.${k}`,
      );
    }
    out[k] = v;
  }
  return out;
}
