import {
  assertNever,
  Command,
  Decider,
  DomainEvent,
  eventMetadata,
  ROLES,
  Role,
} from '../shared/decider';
import { IllegalState, InvalidInput, NotFound, Refused } from '../shared/errors';
import { roleNameZh } from '../shared/names.zh';

/**
 * A person who signs in to the console. The password never enters an event: commands carry
 * it only so its length can be checked here; the infrastructure stores a hash beside the
 * events (the `users` table) and the events only say that it was set, by whom and when.
 */
export interface UserProfile {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly unit: string | null;
  readonly department: string | null;
}

/** `service`: an account for scripts (`cli token`), which never signs in; absent in older events. */
export type UserCreated = DomainEvent<
  'UserCreated',
  { readonly id: string; readonly service?: boolean } & UserProfile
>;
export type UserChanged = DomainEvent<
  'UserChanged',
  { readonly id: string; readonly changes: Partial<UserProfile> }
>;
/** A new password was set: no password and no hash here, on purpose. */
export type UserPasswordSet = DomainEvent<'UserPasswordSet', { readonly id: string }>;
export type UserDisabled = DomainEvent<'UserDisabled', { readonly id: string }>;
export type UserEnabled = DomainEvent<'UserEnabled', { readonly id: string }>;
export type UserEvent = UserCreated | UserChanged | UserPasswordSet | UserDisabled | UserEnabled;

export type CreateUser = Command<
  'CreateUser',
  { readonly id: string; readonly password: string; readonly service?: boolean } & UserProfile
>;
/** Absent fields stay as they are; `unit: null` / `department: null` clear them. */
export type ChangeUser = Command<
  'ChangeUser',
  {
    readonly id: string;
    readonly changes: Partial<UserProfile>;
    readonly password?: string;
    readonly disabled?: boolean;
  }
>;
export type UserCommand = CreateUser | ChangeUser;

export interface UserState extends UserProfile {
  readonly id: string | null;
  readonly disabled: boolean;
  readonly service: boolean;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly version: number;
}

export const USER_ID = /^[a-z0-9][a-z0-9_.-]{1,31}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const USER_NAME_MAX = 50;
const UNIT_ROLES: readonly Role[] = ['preparer', 'unit_head'];

export const userStreamId = (id: string) => `user-${id}`;

export function initialUserState(): UserState {
  return {
    id: null,
    name: '',
    roles: [],
    unit: null,
    department: null,
    disabled: false,
    service: false,
    createdAt: null,
    updatedAt: null,
    version: 0,
  };
}

export function evolveUser(state: UserState, event: UserEvent): UserState {
  const at = event.metadata.at;
  const next = { ...state, updatedAt: at, version: state.version + 1 };
  switch (event.type) {
    case 'UserCreated': {
      const { id, name, roles, unit, department, service } = event.data;
      return {
        ...next,
        id,
        name,
        roles,
        unit,
        department,
        service: service === true,
        createdAt: at,
      };
    }
    case 'UserChanged':
      return { ...next, ...event.data.changes };
    case 'UserPasswordSet':
      return next;
    case 'UserDisabled':
      return { ...next, disabled: true };
    case 'UserEnabled':
      return { ...next, disabled: false };
    default:
      return assertNever(event);
  }
}

function checkPassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    throw new InvalidInput(
      'INVALID_PASSWORD',
      `密码长度应为 ${PASSWORD_MIN} 至 ${PASSWORD_MAX} 个字符`,
      'password',
    );
  }
}

/** Roles known, none twice, at least one; the scope each role needs is given. */
function checkProfile(p: UserProfile): void {
  const name = p.name.trim();
  if (!name || [...p.name].length > USER_NAME_MAX)
    throw new InvalidInput('INVALID_NAME', `姓名应为 1 至 ${USER_NAME_MAX} 个字符`, 'name');
  if (
    p.roles.length === 0 ||
    new Set(p.roles).size !== p.roles.length ||
    !p.roles.every((r) => ROLES.includes(r))
  ) {
    throw new InvalidInput(
      'INVALID_ROLES',
      `角色应为以下一项或多项，且不能重复：${ROLES.map(roleNameZh).join('、')}`,
      'roles',
    );
  }
  if (p.unit !== null && !/^\d{6}$/.test(p.unit))
    throw new InvalidInput('INVALID_UNIT_CODE', '单位编码应为六位数字，例如 314001', 'unit');
  if (p.department !== null && !/^\d{3}$/.test(p.department))
    throw new InvalidInput(
      'INVALID_DEPARTMENT_CODE',
      '部门编码应为三位数字，例如 314',
      'department',
    );
  if (p.roles.some((r) => UNIT_ROLES.includes(r)) && p.unit === null)
    throw new InvalidInput('UNIT_REQUIRED', '填报人和单位负责人须填写单位编码', 'unit');
  if (p.roles.includes('department_reviewer') && p.department === null)
    throw new InvalidInput('DEPARTMENT_REQUIRED', '部门审核人须填写部门编码', 'department');
}

function create(cmd: CreateUser, state: UserState): UserEvent[] {
  const { id, password, name, roles, unit, department, service } = cmd.data;
  if (!USER_ID.test(id))
    throw new InvalidInput(
      'INVALID_USER_ID',
      '用户账号应为 2 至 32 位小写字母、数字或 _ . -，并以字母或数字开头',
      'id',
    );
  const profile = { name, roles, unit, department };
  checkProfile(profile);
  checkPassword(password);
  if (state.id !== null)
    throw new IllegalState(
      'USER_EXISTS',
      `用户 ${id} 已存在`,
      state.disabled ? 'disabled' : 'active',
      { id },
    );
  const metadata = eventMetadata(cmd);
  return [
    {
      type: 'UserCreated',
      data: { id, ...profile, ...(service ? { service: true } : {}) },
      metadata,
    },
    { type: 'UserPasswordSet', data: { id }, metadata },
  ];
}

/** The fields of `changes` that differ from the state. */
function changedFields(state: UserState, changes: Partial<UserProfile>): Partial<UserProfile> {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'roles', 'unit', 'department'] as const) {
    const v = changes[key];
    if (v !== undefined && JSON.stringify(v) !== JSON.stringify(state[key])) out[key] = v;
  }
  return out as Partial<UserProfile>;
}

function change(cmd: ChangeUser, state: UserState): UserEvent[] {
  const { id, changes, password, disabled } = cmd.data;
  if (state.id === null) throw new NotFound('USER_NOT_FOUND', `用户 ${id} 不存在`, { id });
  checkProfile({
    name: changes.name ?? state.name,
    roles: changes.roles ?? state.roles,
    unit: changes.unit !== undefined ? changes.unit : state.unit,
    department: changes.department !== undefined ? changes.department : state.department,
  });
  if (password !== undefined) checkPassword(password);
  if (disabled === true && !state.disabled && cmd.metadata.actor.id === id)
    throw new Refused('CANNOT_DISABLE_SELF', '系统管理员不能停用自己的账号', { id });
  // an admin who drops their own admin role may be the last one: refused like disabling oneself
  if (
    cmd.metadata.actor.id === id &&
    state.roles.includes('admin') &&
    changes.roles &&
    !changes.roles.includes('admin')
  )
    throw new Refused('CANNOT_DEMOTE_SELF', '系统管理员不能取消自己的系统管理员角色', { id });
  const metadata = eventMetadata(cmd);
  const diff = changedFields(state, changes);
  const events: UserEvent[] = [];
  if (Object.keys(diff).length > 0)
    events.push({ type: 'UserChanged', data: { id, changes: diff }, metadata });
  if (password !== undefined) events.push({ type: 'UserPasswordSet', data: { id }, metadata });
  if (disabled === true && !state.disabled)
    events.push({ type: 'UserDisabled', data: { id }, metadata });
  if (disabled === false && state.disabled)
    events.push({ type: 'UserEnabled', data: { id }, metadata });
  return events;
}

/** CreateUser: a new user with a password. ChangeUser: profile, password, disabled or not. */
export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'CreateUser':
      return create(command, state);
    case 'ChangeUser':
      return change(command, state);
    default:
      return assertNever(command);
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
};
