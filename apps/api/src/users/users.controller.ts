import { Body, Controller, Get, Param, Patch, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { NotFound, USER_ID } from '@bp/domain';
import {
  Caller,
  ChangeUserCommand,
  CreateUserCommand,
  ListUsersQuery,
  UserChanges,
  UserView,
} from '@bp/infra';
import { Response } from 'express';
import { CurrentCaller, Roles } from '../http/auth';
import { CreateUserDto, PatchUserDto, UserDto, UserListDto } from './users.dto';

function changesOf(dto: PatchUserDto): UserChanges {
  const changes: Record<string, unknown> = {};
  for (const key of ['name', 'roles', 'unit', 'department'] as const)
    if (dto[key] !== undefined) changes[key] = dto[key];
  return { changes, password: dto.password, disabled: dto.disabled };
}

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserListDto, description: 'every user, by id; never a password hash' })
  list() {
    return this.queries.execute(new ListUsersQuery());
  }

  @Post()
  @ApiCreatedResponse({ type: UserDto, description: 'the new user' })
  @ApiBadRequestResponse({ description: 'invalid input; details.field names the field' })
  @ApiConflictResponse({ description: 'USER_EXISTS' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() dto: CreateUserDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    const r = await this.commands.execute(
      new CreateUserCommand(caller, {
        id: dto.id,
        name: dto.name,
        password: dto.password,
        roles: dto.roles,
        unit: dto.unit ?? null,
        department: dto.department ?? null,
      }),
    );
    res.setHeader('X-Event-Position', r.position.toString());
    return r.user;
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserDto, description: 'the changed user' })
  @ApiNotFoundResponse({ description: 'USER_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({
    description: 'CANNOT_DISABLE_SELF, CANNOT_DEMOTE_SELF, LAST_ADMIN (the last active admin)',
  })
  async change(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() dto: PatchUserDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserView> {
    if (!USER_ID.test(id)) throw new NotFound('USER_NOT_FOUND', `用户 ${id} 不存在`, { id });
    const r = await this.commands.execute(new ChangeUserCommand(caller, id, changesOf(dto)));
    res.setHeader('X-Event-Position', r.position.toString());
    return r.user;
  }
}
