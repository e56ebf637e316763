import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  ForbiddenException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { Principal, Role, roleNameZh, ROLES, scopeOf } from '@bp/domain';
import { Caller, UserSessions } from '@bp/infra';
import { Request } from 'express';
import { MAX_AUTHORIZATION_LENGTH } from './client-errors';

const PUBLIC = 'bp:public';
const ROLES_KEY = 'bp:roles';

/** The route needs no token (health, docs). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The route is for callers holding one of these roles; others get a 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export interface AuthedRequest extends Request {
  principal?: Principal;
  requestId?: string;
}

const NO_TOKEN = '请先登录：请求头应带 Authorization: Bearer <登录令牌>';

/** Why jsonwebtoken refused the token, in Chinese; its own text stays in the server's log. */
function tokenProblem(e: unknown): string {
  const name = (e as Error)?.name;
  if (name === 'TokenExpiredError') return '登录令牌已过期，请重新登录';
  if (name === 'NotBeforeError') return '登录令牌尚未生效';
  return '登录令牌无效：签名、算法或格式不正确';
}

const unauthorized = (code: string, message: string) =>
  new UnauthorizedException({ error: { code, message, details: {} } });

/** Checks the claims API.md names; a token without them is not a token of ours. */
export function principalOf(claims: Record<string, unknown>): Principal {
  const { sub, name, roles, unit, department } = claims;
  if (typeof sub !== 'string' || !sub || typeof name !== 'string' || !name) {
    throw unauthorized('INVALID_TOKEN', '登录令牌缺少 `sub` 或 `name`');
  }
  if (
    !Array.isArray(roles) ||
    roles.length === 0 ||
    !roles.every((r) => ROLES.includes(r as Role))
  ) {
    throw unauthorized(
      'INVALID_TOKEN',
      `登录令牌的角色应为以下一项或多项：${ROLES.map(roleNameZh).join('、')}`,
    );
  }
  if (
    (unit !== undefined && typeof unit !== 'string') ||
    (department !== undefined && typeof department !== 'string')
  ) {
    throw unauthorized('INVALID_TOKEN', '登录令牌的 `unit` 和 `department` 应为文本');
  }
  return {
    id: sub,
    name,
    roles: roles as Role[],
    unit: unit as string | undefined,
    department: department as string | undefined,
  };
}

/** Every route needs a valid HS256 bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    private readonly sessions: UserSessions,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    if (header.length > MAX_AUTHORIZATION_LENGTH)
      throw unauthorized('TOKEN_TOO_LARGE', '登录令牌过长，不是本系统签发的令牌');
    const [scheme, token] = header.split(' ');
    if (scheme !== 'Bearer' || !token) throw unauthorized('MISSING_TOKEN', NO_TOKEN);
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify(token, { algorithms: ['HS256'] });
    } catch (e) {
      throw unauthorized('INVALID_TOKEN', tokenProblem(e));
    }
    req.principal = principalOf(claims);
    // the token's user, if it is one, as it is now: disabled or changed revokes the token
    await this.sessions.check(req.principal, typeof claims.sv === 'number' ? claims.sv : undefined);
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (allowed && !req.principal.roles.some((r) => allowed.includes(r))) {
      throw new ForbiddenException({
        error: {
          code: 'ROLE_FORBIDDEN',
          message: `您的角色无权执行此操作：需要${allowed.map(roleNameZh).join('、')}之一`,
          details: { allowed },
        },
      });
    }
    return true;
  }
}

/** The verified caller of this request, with its scope and request id. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.principal) throw unauthorized('MISSING_TOKEN', NO_TOKEN);
  return {
    principal: req.principal,
    scope: scopeOf(req.principal),
    requestId: req.requestId ?? '',
    ip: req.ip,
  };
});
