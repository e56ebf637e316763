import { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { JwtService } from '@nestjs/jwt';
import { Role, ROLES } from '@bp/domain';
import {
  AppConfig,
  ChangeUserCommand,
  CreateUserCommand,
  Database,
  generatePassword,
  tokenSecret,
} from '@bp/infra';
import { parseArgs } from 'util';
import { cliCaller, withContext } from '../cli-context';
import { UsageError } from '../usage';

/** What `token` was asked for: absent fields of an existing account stay as they are. */
export interface TokenRequest {
  readonly sub: string;
  readonly name?: string;
  readonly roles: readonly Role[];
  readonly unit?: string;
  readonly department?: string;
  readonly ttl: string;
}

interface Account {
  id: string;
  name: string;
  roles: Role[];
  unit_code: string | null;
  department_code: string | null;
  disabled: boolean;
  service: boolean;
}

function parseTokenArgs(argv: string[]): TokenRequest {
  const { values } = parseArgs({
    args: argv,
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      unit: { type: 'string' },
      department: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
    },
  });
  const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()) as Role[];
  if (!values.sub)
    throw new UsageError('token needs --sub (and --name and --role for a new account)');
  const unknown = roles.filter((r) => !ROLES.includes(r));
  if (unknown.length > 0)
    throw new UsageError(`unknown role ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  if (values.unit !== undefined && !/^\d{6}$/.test(values.unit))
    throw new UsageError('--unit is a six-digit unit code');
  return { ...values, sub: values.sub, roles, ttl: values.ttl ?? '8h' };
}

/** The profile fields of the request that differ from the account (none given: none differ). */
function differences(a: Account, r: TokenRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.name !== undefined && r.name !== a.name) out.name = r.name;
  if (r.roles.length > 0 && [...r.roles].sort().join() !== [...a.roles].sort().join()) {
    out.roles = r.roles;
    // a new set of roles brings its own scope: what was not given is cleared
    if ((r.unit ?? null) !== a.unit_code) out.unit = r.unit ?? null;
    if ((r.department ?? null) !== a.department_code) out.department = r.department ?? null;
  }
  if (r.unit !== undefined && r.unit !== a.unit_code) out.unit = r.unit;
  if (r.department !== undefined && r.department !== a.department_code)
    out.department = r.department;
  return out;
}

/**
 * The account a token is for, as it is after this command: a new service account, an existing
 * service account with the roles asked for, or an existing user unchanged. A token never says
 * more than its account, so disabling or changing the account revokes it (issue 14.2).
 */
async function settleAccount(app: INestApplicationContext, r: TokenRequest): Promise<Account> {
  const read = async () =>
    (
      await app
        .get(Database)
        .query<Account>(
          `SELECT id, name, roles, unit_code, department_code, disabled, service FROM users WHERE id = $1`,
          [r.sub],
        )
    ).rows[0];
  const bus = app.get(CommandBus);
  const account = await read();
  if (!account) {
    if (!r.name || r.roles.length === 0)
      throw new UsageError(`no user ${r.sub}: a new service account needs --name and --role`);
    const input = {
      id: r.sub,
      name: r.name,
      // nobody knows it: a service account never signs in, it only has tokens
      password: generatePassword() + generatePassword(),
      roles: r.roles,
      unit: r.unit ?? null,
      department: r.department ?? null,
      service: true,
    };
    await bus.execute(new CreateUserCommand(cliCaller(), input));
    return (await read())!;
  }
  if (account.disabled) throw new UsageError(`user ${r.sub} is disabled: no token for it`);
  const changes = differences(account, r);
  if (Object.keys(changes).length === 0) return account;
  if (!account.service)
    throw new UsageError(
      `user ${r.sub} is a person who signs in: change them with PATCH /users/${r.sub} (or in the console), not with token`,
    );
  await bus.execute(new ChangeUserCommand(cliCaller(), r.sub, { changes }));
  return (await read())!;
}

/** Signs a token for the settled account with the service's secret. */
export async function issueToken(
  app: INestApplicationContext,
  config: AppConfig,
  r: TokenRequest,
): Promise<string> {
  const a = await settleAccount(app, r);
  const jwt = new JwtService({ secret: await tokenSecret(config) });
  const claims = {
    sub: a.id,
    name: a.name,
    roles: a.roles,
    ...(a.unit_code ? { unit: a.unit_code } : {}),
    ...(a.department_code ? { department: a.department_code } : {}),
  };
  return jwt.sign(claims, { algorithm: 'HS256', expiresIn: r.ttl as never });
}

/** `token --sub <id> [--name --role --unit --department] [--ttl]`: prints the token only. */
export async function runToken(argv: string[]): Promise<void> {
  const request = parseTokenArgs(argv);
  await withContext(async (app, config) => console.log(await issueToken(app, config, request)));
}
