import { CommandBus } from '@nestjs/cqrs';
import { Role } from '@bp/domain';
import { ChangeUserCommand, CreateUserCommand, generatePassword } from '@bp/infra';
import { parseArgs } from 'util';
import { cliCaller, withContext } from '../cli-context';
import { UsageError } from '../usage';

/** The password to set: BP_PASSWORD if the operator gave one, else a new random one to print. */
function passwordOf(env: NodeJS.ProcessEnv): { password: string; generated: boolean } {
  const given = env.BP_PASSWORD;
  return given
    ? { password: given, generated: false }
    : { password: generatePassword(), generated: true };
}

function printPassword(id: string, p: { password: string; generated: boolean }): void {
  if (p.generated)
    console.log(`password of ${id} (shown once, hand it over safely): ${p.password}`);
  else console.log(`password of ${id}: set from BP_PASSWORD`);
}

async function addUser(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      unit: { type: 'string' },
      department: { type: 'string' },
    },
  });
  const roles = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()) as Role[];
  if (!values.id || !values.name || roles.length === 0)
    throw new UsageError('user add needs --id, --name and --role');
  const p = passwordOf(process.env);
  await withContext(async (app) => {
    const { user } = await app.get(CommandBus).execute(
      new CreateUserCommand(cliCaller(), {
        id: values.id!,
        name: values.name!,
        password: p.password,
        roles,
        unit: values.unit ?? null,
        department: values.department ?? null,
      }),
    );
    const scope = [
      user.unit && `unit ${user.unit}`,
      user.department && `department ${user.department}`,
    ]
      .filter(Boolean)
      .join(', ');
    console.log(
      `created user ${user.id} ${user.name} (${user.roles.join(', ')}${scope ? `; ${scope}` : ''})`,
    );
    printPassword(user.id, p);
  });
}

async function setPassword(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { id: { type: 'string' } } });
  if (!values.id) throw new UsageError('user passwd needs --id');
  const p = passwordOf(process.env);
  await withContext(async (app) => {
    await app
      .get(CommandBus)
      .execute(
        new ChangeUserCommand(cliCaller(), values.id!, { changes: {}, password: p.password }),
      );
    console.log(`new password set for ${values.id}`);
    printPassword(values.id!, p);
  });
}

/** `user add ...` and `user passwd --id <id>`, acting as an admin. */
export async function runUser(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'add') return addUser(rest);
  if (sub === 'passwd') return setPassword(rest);
  throw new UsageError(`user ${sub ?? ''}: use "user add" or "user passwd"`);
}
