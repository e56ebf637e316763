import {
  Command,
  CommandHandler,
  ICommandHandler,
  IQueryHandler,
  Query,
  QueryHandler,
} from '@nestjs/cqrs';
import {
  decideUser,
  Refused,
  initialUserState,
  Role,
  userDecider,
  UserEvent,
  UserProfile,
  UserState,
  userStreamId,
} from '@bp/domain';
import { UserSessions } from './user-sessions';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore } from '../event-store/event-store';
import { handle, Written } from '../event-store/handle';
import { Caller, TargetStore } from '../performance-target/target-store';
import { hashPassword } from './password';

/** A user as the API answers it: never a hash. */
export interface UserView {
  readonly id: string;
  readonly name: string;
  readonly roles: Role[];
  readonly unit: string | null;
  readonly department: string | null;
  readonly disabled: boolean;
  /** An account for scripts (`cli token`): it never signs in. */
  readonly service: boolean;
  readonly lastLoginAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface UserRow {
  id: string;
  name: string;
  roles: Role[];
  unit_code: string | null;
  department_code: string | null;
  disabled: boolean;
  service: boolean;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const VIEW_COLUMNS = `id, name, roles, unit_code, department_code, disabled, service, last_login_at, created_at, updated_at`;

function toView(r: UserRow): UserView {
  return {
    id: r.id,
    name: r.name,
    roles: r.roles,
    unit: r.unit_code,
    department: r.department_code,
    disabled: r.disabled,
    service: r.service,
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

async function userRow(sql: Sql, id: string): Promise<UserView> {
  const { rows } = await sql.query<UserRow>(`SELECT ${VIEW_COLUMNS} FROM users WHERE id = $1`, [
    id,
  ]);
  return toView(rows[0]);
}

/**
 * The `users` row as the events leave it, in their transaction. The hash is written only with a
 * UserPasswordSet event, and only here: it is the one fact the events do not hold.
 */
async function projectUser(
  sql: Sql,
  w: Written<UserState, UserEvent>,
  hash: string | null,
): Promise<void> {
  const s = w.next;
  const setsPassword = w.events.some((e) => e.type === 'UserPasswordSet');
  await sql.query(
    `INSERT INTO users AS u (id, name, roles, unit_code, department_code, password_hash, disabled, created_at, updated_at, service)
     VALUES ($1, $2, $3::text[], $4, $5, $6, $7, $8, $9, $11)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, roles = EXCLUDED.roles,
       unit_code = EXCLUDED.unit_code, department_code = EXCLUDED.department_code,
       password_hash = CASE WHEN $10::boolean THEN EXCLUDED.password_hash ELSE u.password_hash END,
       disabled = EXCLUDED.disabled, updated_at = EXCLUDED.updated_at`,
    [
      s.id,
      s.name,
      s.roles,
      s.unit,
      s.department,
      hash ?? '',
      s.disabled,
      s.createdAt,
      s.updatedAt,
      setsPassword && hash !== null,
      s.service,
    ],
  );
}

export interface NewUser extends UserProfile {
  readonly id: string;
  readonly password: string;
  /** A service account for scripts (see UserCreated). */
  readonly service?: boolean;
}

const isActiveAdmin = (s: UserState) => s.id !== null && !s.disabled && s.roles.includes('admin');

/**
 * Refuses a change that leaves no active admin (issue 14.10). The active admins' rows are
 * locked first, so two admins demoting each other at once cannot both pass: the second one
 * waits, then sees the first one's change.
 */
async function keepAnAdmin(sql: Sql, { prev, next }: Written<UserState, UserEvent>) {
  if (!isActiveAdmin(prev) || isActiveAdmin(next)) return;
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id FROM users WHERE 'admin' = ANY(roles) AND NOT disabled ORDER BY id FOR UPDATE`,
  );
  if (rows.every((r) => r.id === prev.id))
    throw new Refused(
      'LAST_ADMIN',
      '不能停用或降级最后一位系统管理员：请先为其他用户授予系统管理员角色',
      {
        id: prev.id,
      },
    );
}

export class CreateUserCommand extends Command<{ user: UserView; position: bigint }> {
  constructor(
    readonly caller: Caller,
    readonly input: NewUser,
  ) {
    super();
  }
}

/** POST /users: UserCreated and UserPasswordSet in `user-<id>`, and the `users` row with the hash. */
@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
  ) {}

  async execute({ caller, input }: CreateUserCommand) {
    const metadata = this.targets.metadata(caller, 'admin');
    // decided once before hashing, so a refused command costs no bcrypt round
    const { password, ...profile } = input;
    decideUser({ type: 'CreateUser', data: input, metadata }, initialUserState());
    const hash = await hashPassword(password);
    const ctx = { db: this.db, store: this.store };
    const command = { type: 'CreateUser' as const, data: { ...profile, password }, metadata };
    const r = await handle(ctx, userDecider, userStreamId(input.id), command, {
      alsoWrite: (sql, w) => projectUser(sql, w, hash),
    });
    return { user: await userRow(this.db, input.id), position: r.position };
  }
}

export interface UserChanges {
  readonly changes: Partial<UserProfile>;
  readonly password?: string;
  readonly disabled?: boolean;
}

export class ChangeUserCommand extends Command<{ user: UserView; position: bigint }> {
  constructor(
    readonly caller: Caller,
    readonly id: string,
    readonly input: UserChanges,
  ) {
    super();
  }
}

/** PATCH /users/:id: UserChanged, UserPasswordSet, UserDisabled or UserEnabled, as needed. */
@CommandHandler(ChangeUserCommand)
export class ChangeUserHandler implements ICommandHandler<ChangeUserCommand> {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
    private readonly sessions: UserSessions,
  ) {}

  async execute({ caller, id, input }: ChangeUserCommand) {
    const metadata = this.targets.metadata(caller, 'admin');
    const hash = input.password === undefined ? null : await hashPassword(input.password);
    const ctx = { db: this.db, store: this.store };
    const command = { type: 'ChangeUser' as const, data: { id, ...input }, metadata };
    const r = await handle(ctx, userDecider, userStreamId(id), command, {
      alsoWrite: async (sql, w) => {
        await keepAnAdmin(sql, w);
        await projectUser(sql, w, hash);
      },
    });
    this.sessions.forget(id); // this process revokes at once; others within 5 s
    return { user: await userRow(this.db, id), position: r.position };
  }
}

export class ListUsersQuery extends Query<{ items: UserView[] }> {}

/** GET /users: every user, by id. */
@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(private readonly db: Database) {}

  async execute() {
    const { rows } = await this.db.query<UserRow>(`SELECT ${VIEW_COLUMNS} FROM users ORDER BY id`);
    return { items: rows.map(toView) };
  }
}
