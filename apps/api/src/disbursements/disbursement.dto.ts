import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { TargetContentDto, YUAN, YUAN_MESSAGE } from '../targets/target.dto';

const PERIODS = ['P1', 'P2', 'P3', 'P4'] as const;

export class DisbursementDto {
  @ApiProperty({ example: '1000.00', description: '元, more than 0' })
  @IsString()
  @Matches(YUAN, { message: YUAN_MESSAGE })
  amount!: string;

  @ApiPropertyOptional({
    example: '2022-05-10',
    description: 'payment date within the fiscal year; or give period',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '应为日期，格式 YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({
    enum: PERIODS,
    description:
      'a quarterly disbursement: the amount paid in P1 Jan–Mar, P2 Apr–Jun, P3 Jul–Oct or P4 Nov–Dec',
  })
  @IsOptional()
  @IsIn(PERIODS)
  period?: (typeof PERIODS)[number];

  @ApiProperty({ example: '记-2022-05-017', description: '凭证号, unique per target' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  voucherNo!: string;

  @ApiPropertyOptional({
    enum: ['fiscal', 'other'],
    default: 'fiscal',
    description: '财政资金 or 其他资金',
  })
  @IsOptional()
  @IsIn(['fiscal', 'other'])
  source?: 'fiscal' | 'other';

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class ReversalDto {
  @ApiProperty({ example: '200.00' })
  @IsString()
  @Matches(YUAN, { message: YUAN_MESSAGE })
  amount!: string;

  @ApiProperty({ example: '凭证录入金额有误' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class AdjustmentDto extends PartialType(
  PickType(TargetContentDto, ['budget', 'plan', 'indicators'] as const),
) {
  @ApiProperty({ example: '年中预算调整', description: '调整原因' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}
