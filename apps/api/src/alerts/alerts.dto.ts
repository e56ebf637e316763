import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsPercent } from '../http/percent.validator';
import {
  ALERT_KINDS,
  AlertKind,
  MAX_FISCAL_YEAR,
  MIN_FISCAL_YEAR,
  TIME_PROGRESS_METHODS,
  TimeProgressMethod,
} from '@bp/domain';

export class RecipientDto {
  @ApiProperty({ example: 'wang.ju' }) @IsString() @MinLength(1) @MaxLength(100) userId!: string;
  @ApiProperty({ example: '王局长' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;

  @ApiPropertyOptional({ example: 'wang@example.gov.cn' })
  @IsOptional()
  @IsEmail({}, { message: '应为有效的电子邮箱地址' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({
    example: 'https://oapi.dingtalk.com/robot/send?access_token=…',
    description: 'a DingTalk or WeCom group robot',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: '应为 http 或 https 网址' },
  )
  @MaxLength(2000)
  webhookUrl?: string;
}

export class UnitDto {
  @ApiProperty({ example: '民政部门秦皇岛市山海关区民政局本级' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    type: [RecipientDto],
    description: "单位负责人: the recipients of the unit's alerts",
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RecipientDto)
  heads!: RecipientDto[];
}

export class ReviewersDto {
  @ApiProperty({
    type: [RecipientDto],
    description: 'department reviewers: the recipients of red alerts and escalations',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RecipientDto)
  reviewers!: RecipientDto[];
}

export class MonitoringConfigDto {
  @ApiProperty({ example: 10 }) @IsPercent() yellowPp!: number;
  @ApiProperty({ example: 20 }) @IsPercent() redPp!: number;
  @ApiProperty({ example: 0 }) @IsPercent() tolerancePp!: number;
  @ApiProperty({
    example: 3,
    description: 'days before an unacknowledged red alert goes to the department',
  })
  @IsInt()
  @Min(1)
  @Max(60)
  escalationDays!: number;

  @ApiPropertyOptional({
    description:
      'self-evaluation points: {execution, groups: {产出指标, 效益指标, 满意度指标}} adding up to 100; default 10/50/30/10',
    example: { execution: 10, groups: { 产出指标: 50, 效益指标: 30, 满意度指标: 10 } },
  })
  @IsOptional()
  @IsObject()
  scoreWeights?: { execution: number; groups: Record<string, number> };

  @ApiPropertyOptional({
    enum: TIME_PROGRESS_METHODS,
    default: 'days',
    description:
      '序时进度: `days` = days elapsed ÷ days in year; `months` = whole months elapsed ÷ 12 (a month counts once its last day is over)',
  })
  @IsOptional()
  @IsIn(TIME_PROGRESS_METHODS as TimeProgressMethod[], {
    message: '应为 `days`（按天）或 `months`（按月）',
  })
  timeProgressMethod?: TimeProgressMethod;
}

export class SweepDto {
  @ApiProperty({ example: '2022-06-30' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '应为日期，格式 YYYY-MM-DD' })
  asOf!: string;

  @ApiProperty({ enum: ALERT_KINDS })
  @IsIn(ALERT_KINDS as AlertKind[])
  kind!: AlertKind;
}

export class AlertsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{6}$/, { message: '应为六位数字' })
  unit?: string;
  @ApiPropertyOptional({ enum: ['yellow', 'red'] }) @IsOptional() @IsIn(['yellow', 'red']) level?:
    'yellow' | 'red';
  @ApiPropertyOptional({ enum: ['checkpoint', 'early', 'divergence', 'reminder'] })
  @IsOptional()
  @IsIn(['checkpoint', 'early', 'divergence', 'reminder'])
  kind?: AlertKind;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  acknowledged?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FISCAL_YEAR)
  @Max(MAX_FISCAL_YEAR)
  fiscalYear?: number;
}

export class AckDto {
  @ApiPropertyOptional({
    example: '6月底前集中支付的车辆保险费延至7月初结算；已与保险公司约定7月10日前付款',
    description: '说明：滞后原因与整改措施（最多 1000 字）',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000, { message: '说明最多 1000 字' })
  note?: string;
}
