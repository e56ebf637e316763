import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsPercent } from '../http/percent.validator';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  MAX_FISCAL_YEAR,
  MIN_FISCAL_YEAR,
  REVIEW_GRADES,
  ReviewGrade,
  TargetStatus,
} from '@bp/domain';

export const YUAN = /^(0|[1-9]\d{0,13})(\.\d{1,2})?$/;
export const YUAN_MESSAGE = '应为以元为单位的金额文本，最多两位小数，例如 "4000.00"';
const SHORT = 200;
const LONG = 5000;

export class BudgetDto {
  @ApiProperty({ example: '4000.00', description: '预算数, 元' })
  @IsString()
  @Matches(YUAN, { message: YUAN_MESSAGE })
  total!: string;

  @ApiProperty({ example: '4000.00', description: '财政资金, 元' })
  @IsString()
  @Matches(YUAN, { message: YUAN_MESSAGE })
  fiscal!: string;

  @ApiProperty({ example: '0.00', description: '其他资金, 元' })
  @IsString()
  @Matches(YUAN, { message: YUAN_MESSAGE })
  other!: string;
}

/** A plan cell: a percentage, or null (blank). */
const cell = () =>
  applyDecorators(
    ValidateIf((_: unknown, v: unknown) => v !== null && v !== undefined),
    IsPercent(),
  );

/** 资金支出计划: cumulative % by end of March, June, October, December; null for a blank cell. */
export class PlanDto {
  @ApiPropertyOptional({ nullable: true, example: null }) @cell() M3!: number | null;
  @ApiPropertyOptional({ nullable: true, example: 100 }) @cell() M6!: number | null;
  @ApiPropertyOptional({ nullable: true, example: 100 }) @cell() M10!: number | null;
  @ApiPropertyOptional({ nullable: true, example: 100 }) @cell() M12!: number | null;
}

export class IndicatorDto {
  @ApiProperty({ example: '产出指标' }) @IsString() @MaxLength(SHORT) level1!: string;
  @ApiProperty({ example: '数量指标' }) @IsString() @MaxLength(SHORT) level2!: string;
  @ApiProperty({ example: '投保车辆数量', description: '三级指标' })
  @IsString()
  @MaxLength(SHORT)
  name!: string;
  @ApiProperty({ example: '为几辆车投保' }) @IsString() @MaxLength(2000) description!: string;
  @ApiProperty({ example: '1辆', description: '指标值, raw text' })
  @IsString()
  @MaxLength(SHORT)
  target!: string;
  @ApiProperty({ example: '车辆编制审批表' }) @IsString() @MaxLength(2000) basis!: string;
}

/** The editable content of a target table. */
export class TargetContentDto {
  @ApiProperty({ example: '民政部门秦皇岛市山海关区民政局本级' })
  @IsString()
  @MaxLength(SHORT)
  unitName!: string;
  @ApiProperty({ example: '汽车保险费' }) @IsString() @MaxLength(SHORT) projectName!: string;
  @ApiProperty({ type: BudgetDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => BudgetDto)
  budget!: BudgetDto;
  @ApiProperty({ example: '保障车辆工作、提高工作效率' })
  @IsString()
  @MaxLength(LONG)
  purpose!: string;
  @ApiProperty({ type: PlanDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PlanDto)
  plan!: PlanDto;
  @ApiProperty({ example: '1.保障车辆工作\n2.提高工作效率' })
  @IsString()
  @MaxLength(LONG)
  goals!: string;
  @ApiProperty({ type: [IndicatorDto] })
  @IsArray()
  @ArrayMaxSize(300)
  @ValidateNested({ each: true })
  @Type(() => IndicatorDto)
  indicators!: IndicatorDto[];
}

/** POST /targets: a whole target table. */
export class CreateTargetDto extends TargetContentDto {
  @ApiProperty({ example: 2022, minimum: MIN_FISCAL_YEAR, maximum: MAX_FISCAL_YEAR })
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear!: number;

  @ApiProperty({ example: '314001', description: '预算单位 code, six digits' })
  @IsString()
  @Matches(/^\d{6}$/, { message: '应为六位数字' })
  unitCode!: string;

  @ApiProperty({ example: '13030322P00391410001H' })
  @IsString()
  @Matches(/^[0-9A-Za-z]{1,40}$/, { message: '应为 1 至 40 位字母或数字' })
  projectCode!: string;
}

/** PATCH /targets/:id: the fields that change; absent ones stay as they are. */
export class PatchTargetDto extends PartialType(TargetContentDto) {}

export class ReviewDto {
  @ApiProperty({
    enum: REVIEW_GRADES,
    description: '优/良 pass the stage, 中 returns for revision, 差 rejects',
  })
  @IsIn(REVIEW_GRADES as ReviewGrade[])
  grade!: ReviewGrade;

  @ApiPropertyOptional({ description: '审核意见; required for 中 and 差', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  opinion?: string;
}

/** POST /targets/:id/withdraw and POST /imports/:importId/withdraw (作废). */
export class WithdrawDto {
  @ApiProperty({ description: '作废原因 (required)', maxLength: 2000, example: '导入年度有误' })
  @IsOptional() // a missing reason is the domain's 400 REASON_REQUIRED, in Chinese
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

const STATUSES: TargetStatus[] = [
  'draft',
  'submitted',
  'department_approved',
  'approved',
  'returned',
  'rejected',
  'withdrawn',
];

export class ListTargetsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear?: number;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: '应为六位数字' })
  unit?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: TargetStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class GetTargetQueryDto {
  @ApiPropertyOptional({
    description:
      'ISO date (end of that day, Asia/Shanghai) or date-time: the target as it was then',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asOf?: string;
}
