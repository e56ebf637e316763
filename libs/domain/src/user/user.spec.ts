import { CommandMetadata } from '../shared/decider';
import { deciderSpec } from '../shared/decider.testing';
import { ChangeUser, CreateUser, userDecider, UserEvent } from './user';

const admin: CommandMetadata = {
  actor: { id: 'boss', name: '管理员', role: 'admin' },
  at: '2022-01-05T01:00:00.000Z',
  requestId: 'r1',
};
const meta = { ...admin, command: 'CreateUser' };
const spec = deciderSpec(userDecider);

const create = (data: Partial<CreateUser['data']> = {}): CreateUser => ({
  type: 'CreateUser',
  data: {
    id: 'zhang.kj',
    password: 'secret-pass-1',
    name: '张会计',
    roles: ['preparer'],
    unit: '314001',
    department: null,
    ...data,
  },
  metadata: admin,
});
const change = (data: Partial<ChangeUser['data']>, by = admin): ChangeUser => ({
  type: 'ChangeUser',
  data: { id: 'zhang.kj', changes: {}, ...data },
  metadata: by,
});
const created: UserEvent = {
  type: 'UserCreated',
  data: { id: 'zhang.kj', name: '张会计', roles: ['preparer'], unit: '314001', department: null },
  metadata: meta,
};
const changeMeta = { ...admin, command: 'ChangeUser' };

describe('user decider', () => {
  it('creates a user and records that a password was set, never the password', () => {
    spec
      .given([])
      .when(create())
      .then([created, { type: 'UserPasswordSet', data: { id: 'zhang.kj' }, metadata: meta }]);
  });

  it('refuses a second user of the same id', () => {
    spec.given([created]).when(create()).thenThrows('USER_EXISTS', 'illegal_state');
  });

  it.each([
    [{ id: 'A' }, 'INVALID_USER_ID', 'id'],
    [{ id: '-abc' }, 'INVALID_USER_ID', 'id'],
    [{ id: 'a'.repeat(33) }, 'INVALID_USER_ID', 'id'],
    [{ name: '  ' }, 'INVALID_NAME', 'name'],
    [{ name: '名'.repeat(51) }, 'INVALID_NAME', 'name'],
    [{ password: 'short' }, 'INVALID_PASSWORD', 'password'],
    [{ password: 'x'.repeat(129) }, 'INVALID_PASSWORD', 'password'],
    [{ roles: [] }, 'INVALID_ROLES', 'roles'],
    [{ roles: ['preparer', 'preparer'] }, 'INVALID_ROLES', 'roles'],
    [{ roles: ['root'] }, 'INVALID_ROLES', 'roles'],
    [{ unit: null }, 'UNIT_REQUIRED', 'unit'],
    [{ unit: '31400' }, 'INVALID_UNIT_CODE', 'unit'],
    [{ roles: ['department_reviewer'], unit: null }, 'DEPARTMENT_REQUIRED', 'department'],
    [
      { roles: ['auditor'], unit: null, department: '3140' },
      'INVALID_DEPARTMENT_CODE',
      'department',
    ],
  ] as [Partial<CreateUser['data']>, string, string][])(
    'refuses %j with %s naming the field',
    (data, code, field) => {
      const e = spec.given([]).when(create(data)).thenThrows(code, 'invalid');
      expect(e.details.field).toBe(field);
    },
  );

  it('accepts a 128-character password of Chinese characters (counted as characters)', () => {
    expect(
      userDecider.decide(create({ password: '密'.repeat(128) }), userDecider.initialState()),
    ).toHaveLength(2);
  });

  it('records only the fields that change; the same values again change nothing', () => {
    spec
      .given([created])
      .when(change({ changes: { name: '张会计', roles: ['preparer', 'unit_head'] } }))
      .then([
        {
          type: 'UserChanged',
          data: { id: 'zhang.kj', changes: { roles: ['preparer', 'unit_head'] } },
          metadata: changeMeta,
        },
      ]);
    spec
      .given([created])
      .when(change({ changes: { name: '张会计', unit: '314001' } }))
      .thenNothing();
  });

  it('sets a password, disables and enables, each as its own event', () => {
    spec
      .given([created])
      .when(change({ password: 'another-pass', disabled: true }))
      .then([
        { type: 'UserPasswordSet', data: { id: 'zhang.kj' }, metadata: changeMeta },
        { type: 'UserDisabled', data: { id: 'zhang.kj' }, metadata: changeMeta },
      ]);
    const disabled: UserEvent = {
      type: 'UserDisabled',
      data: { id: 'zhang.kj' },
      metadata: changeMeta,
    };
    spec
      .given([created, disabled])
      .when(change({ disabled: true }))
      .thenNothing();
    spec
      .given([created, disabled])
      .when(change({ disabled: false }))
      .then([{ type: 'UserEnabled', data: { id: 'zhang.kj' }, metadata: changeMeta }]);
  });

  it('checks the scope a changed role needs against the merged profile', () => {
    spec
      .given([created])
      .when(change({ changes: { roles: ['department_reviewer'] } }))
      .thenThrows('DEPARTMENT_REQUIRED', 'invalid');
    spec
      .given([created])
      .when(change({ changes: { unit: null } }))
      .thenThrows('UNIT_REQUIRED');
    spec
      .given([created])
      .when(change({ changes: { roles: ['auditor'], unit: null } }))
      .then([
        {
          type: 'UserChanged',
          data: { id: 'zhang.kj', changes: { roles: ['auditor'], unit: null } },
          metadata: changeMeta,
        },
      ]);
  });

  it('refuses an unknown user and an admin disabling themself', () => {
    spec
      .given([])
      .when(change({ disabled: true }))
      .thenThrows('USER_NOT_FOUND', 'not_found');
    const self: CommandMetadata = { ...admin, actor: { ...admin.actor, id: 'zhang.kj' } };
    spec
      .given([created])
      .when(change({ disabled: true }, self))
      .thenThrows('CANNOT_DISABLE_SELF', 'refused');
  });

  it('refuses an admin dropping their own admin role, and lets another admin do it', () => {
    const self: CommandMetadata = { ...admin, actor: { ...admin.actor, id: 'zhang.kj' } };
    const anAdmin: UserEvent = {
      ...created,
      data: { ...created.data, roles: ['admin'], unit: null },
    } as UserEvent;
    spec
      .given([anAdmin])
      .when(change({ changes: { roles: ['auditor'] } }, self))
      .thenThrows('CANNOT_DEMOTE_SELF', 'refused');
    spec
      .given([anAdmin])
      .when(change({ changes: { roles: ['admin', 'auditor'] } }, self))
      .then([
        {
          type: 'UserChanged',
          data: { id: 'zhang.kj', changes: { roles: ['admin', 'auditor'] } },
          metadata: { ...self, command: 'ChangeUser' },
        },
      ]);
  });

  it('folds the profile and the dates', () => {
    const later = { ...changeMeta, at: '2022-02-01T00:00:00.000Z' };
    const events: UserEvent[] = [
      created,
      { type: 'UserChanged', data: { id: 'zhang.kj', changes: { name: '张三' } }, metadata: later },
      { type: 'UserDisabled', data: { id: 'zhang.kj' }, metadata: later },
    ];
    const s = events.reduce(userDecider.evolve, userDecider.initialState());
    expect(s).toMatchObject({
      id: 'zhang.kj',
      name: '张三',
      disabled: true,
      createdAt: admin.at,
      updatedAt: later.at,
      version: 3,
    });
  });
});
