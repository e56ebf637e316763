import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN, Role, ROLES, USER_ID, USER_NAME_MAX } from '@bp/domain';

const UNIT = /^\d{6}$/;
const DEPARTMENT = /^\d{3}$/;
/** Present and not null: null clears the field in a PATCH. */
const given = (_: unknown, v: unknown) => v !== null && v !== undefined;

export class LoginDto {
  @ApiProperty({ example: 'demo-admin' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: 'demo-admin-2022' })
  @IsString()
  @Length(1, 256)
  password!: string;
}

export class MeDto {
  @ApiProperty({ example: 'demo-head-314001' }) id!: string;
  @ApiProperty({ example: '王局长（民政局本级）' }) name!: string;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['unit_head'] }) roles!: Role[];
  @ApiProperty({ nullable: true, type: String, example: '314001' }) unit!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) department!: string | null;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'HS256 JWT, for Authorization: Bearer <token>' }) token!: string;
  @ApiProperty({ example: '2022-06-30T10:00:00.000Z', description: 'ISO time; 8 h after sign-in' })
  expiresAt!: string;
  @ApiProperty({ type: MeDto }) user!: MeDto;
}

export class UserDto extends MeDto {
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ description: 'an account for scripts (cli token); it never signs in' })
  service!: boolean;
  @ApiProperty({ nullable: true, type: String }) lastLoginAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class UserListDto {
  @ApiProperty({ type: UserDto, isArray: true }) items!: UserDto[];
}

export class CreateUserDto {
  @ApiProperty({ example: 'zhang.kj', description: 'sign-in name: ^[a-z0-9][a-z0-9_.-]{1,31}$' })
  @IsString()
  @Matches(USER_ID, { message: '应为 2 至 32 位小写字母、数字或 _ . -，并以字母或数字开头' })
  id!: string;

  @ApiProperty({ example: '张会计' })
  @IsString()
  @Length(1, USER_NAME_MAX)
  name!: string;

  @ApiProperty({ example: 'correct-horse-1', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['preparer'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];

  @ApiPropertyOptional({ example: '314001', description: 'required for preparer and unit_head' })
  @IsOptional()
  @IsString()
  @Matches(UNIT, { message: '应为六位数字的单位编码' })
  unit?: string;

  @ApiPropertyOptional({ example: '314', description: 'required for department_reviewer' })
  @IsOptional()
  @IsString()
  @Matches(DEPARTMENT, { message: '应为三位数字的部门编码' })
  department?: string;
}

export class PatchUserDto {
  @ApiPropertyOptional({ example: '张会计' })
  @IsOptional()
  @IsString()
  @Length(1, USER_NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @ValidateIf(given)
  @IsString()
  @Matches(UNIT, { message: '应为六位数字的单位编码' })
  unit?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @ValidateIf(given)
  @IsString()
  @Matches(DEPARTMENT, { message: '应为三位数字的部门编码' })
  department?: string | null;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({ description: 'true disables the user (not yourself), false enables' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
