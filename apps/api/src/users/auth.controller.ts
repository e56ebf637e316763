import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { JwtService } from '@nestjs/jwt';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Principal, Throttled } from '@bp/domain';
import { Caller, CLOCK, Clock, LoginCommand } from '@bp/infra';
import { Request, Response } from 'express';
import { CurrentCaller, Public } from '../http/auth';
import { LoginDto, LoginResponseDto, MeDto } from './users.dto';

/** How long a sign-in token is valid: one working day. */
export const TOKEN_TTL_SECONDS = 8 * 3600;

const meOf = (p: Principal): MeDto => ({
  id: p.id,
  name: p.name,
  roles: [...p.roles],
  unit: p.unit ?? null,
  department: p.department ?? null,
});

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    private readonly jwt: JwtService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto, description: 'a token valid 8 h and who it is for' })
  @ApiUnauthorizedResponse({
    description: 'INVALID_CREDENTIALS (用户名或密码错误): unknown user, wrong password or disabled',
  })
  @ApiTooManyRequestsResponse({
    description:
      'TOO_MANY_ATTEMPTS: 5 failed sign-ins for this username from this address, or 30 from this address, within 15 minutes; header Retry-After',
  })
  async login(
    @Body() dto: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponseDto> {
    let user: Principal;
    let sessionVersion: number;
    try {
      ({ user, sessionVersion } = await this.commands.execute(
        new LoginCommand(dto.username, dto.password, req.ip ?? 'unknown'),
      ));
    } catch (e) {
      if (e instanceof Throttled) res.setHeader('Retry-After', String(e.details.retryAfterSeconds));
      throw e;
    }
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const exp = iat + TOKEN_TTL_SECONDS;
    const token = this.jwt.sign({
      sub: user.id,
      name: user.name,
      roles: user.roles,
      ...(user.unit ? { unit: user.unit } : {}),
      ...(user.department ? { department: user.department } : {}),
      // the user's version: any change by the admin (or disabling) revokes the token
      sv: sessionVersion,
      iat,
      exp,
    });
    return { token, expiresAt: new Date(exp * 1000).toISOString(), user: meOf(user) };
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: MeDto, description: 'who the verified token says the caller is' })
  me(@CurrentCaller() caller: Caller): MeDto {
    return meOf(caller.principal);
  }
}
