import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ErrorText, Field, Loading, Notice, PageError, useLoad, useTitle } from '../components';
import { fieldOf } from '../errors';
import { ALL_ROLES, dateTime, ROLE_NAMES, roleName } from '../format';
import type { ManagedUser, Role } from '../types';

export function UsersPage() {
  useTitle('用户');
  const users = useLoad(() => api<{ items: ManagedUser[] }>('/users'), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, unknown>>({});

  async function patch(u: ManagedUser, body: Record<string, unknown>, done: string) {
    setRowErrors((e) => ({ ...e, [u.id]: null }));
    try {
      await api(`/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body });
      setNotice(done);
      users.reload();
      return true;
    } catch (e) {
      setRowErrors((r) => ({ ...r, [u.id]: e }));
      return false;
    }
  }

  return (
    <section>
      <div className="page-head">
        <h1>用户</h1>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <PageError error={users.error} />
      {users.loading && !users.data ? (
        <Loading />
      ) : (
        users.data && (
          <div className="scroll-x">
            <table className="grid">
              <thead>
                <tr>
                  <th>账号</th>
                  <th>姓名</th>
                  <th>角色</th>
                  <th>单位</th>
                  <th>部门</th>
                  <th>状态</th>
                  <th>最近登录</th>
                  <th>操作</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((u) => (
                  <UserRow
                    key={u.id}
                    u={u}
                    resetting={resetting === u.id}
                    onReset={() => setResetting(resetting === u.id ? null : u.id)}
                    patch={async (body, done) => {
                      const ok = await patch(u, body, done);
                      if (ok) setResetting(null);
                    }}
                    error={rowErrors[u.id]}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
      <AddUser
        onAdded={(id) => {
          setNotice(`已新增用户 ${id}`);
          users.reload();
        }}
      />
    </section>
  );
}

function UserRow(props: {
  u: ManagedUser;
  resetting: boolean;
  onReset: () => void;
  patch: (body: Record<string, unknown>, done: string) => Promise<void>;
  error: unknown;
}) {
  const { u } = props;
  const [password, setPassword] = useState('');
  const [pwError, setPwError] = useState<string | null>(null);
  // editing and disabling open below the row; disabling asks once more before it is sent
  const [open, setOpen] = useState<'edit' | 'disable' | null>(null);
  return (
    <>
      <tr className={u.disabled ? 'done' : ''}>
        <td className="mono">{u.id}</td>
        <td className="nowrap">{u.name}</td>
        <td className="nowrap">{u.roles.map(roleName).join('、')}</td>
        <td className="mono">{u.unit ?? ''}</td>
        <td className="mono">{u.department ?? ''}</td>
        <td>{u.disabled ? <span className="status status-rejected">已停用</span> : '正常'}</td>
        <td className="nowrap">{dateTime(u.lastLoginAt) || '—'}</td>
        <td className="nowrap">
          <div className="row-actions">
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={open === 'edit'}
              onClick={() => setOpen(open === 'edit' ? null : 'edit')}
            >
              编辑
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={props.resetting}
              onClick={props.onReset}
            >
              重置密码
            </button>
            {u.disabled ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void props.patch({ disabled: false }, `已启用 ${u.id}`)}
              >
                启用
              </button>
            ) : (
              <button
                type="button"
                className="btn btn-small btn-danger-quiet"
                aria-expanded={open === 'disable'}
                onClick={() => setOpen(open === 'disable' ? null : 'disable')}
              >
                停用
              </button>
            )}
          </div>
          <ErrorText error={props.error} />
        </td>
      </tr>
      {open === 'disable' && (
        <tr className="inline-form-row">
          <td colSpan={8}>
            <div className="banner banner-error" role="alert">
              确定停用 {u.name}（{u.id}
              ）？停用后该用户立即无法登录，已签发的登录凭证同时失效；之后可再启用。
              <div className="actions">
                <button
                  type="button"
                  className="btn btn-danger btn-small"
                  onClick={() =>
                    void props.patch({ disabled: true }, `已停用 ${u.id}`).then(() => setOpen(null))
                  }
                >
                  确认停用
                </button>
                <button type="button" className="btn btn-small" onClick={() => setOpen(null)}>
                  取消
                </button>
              </div>
            </div>
          </td>
        </tr>
      )}
      {open === 'edit' && (
        <tr className="inline-form-row">
          <td colSpan={8}>
            <EditUser
              u={u}
              onCancel={() => setOpen(null)}
              save={(body) =>
                props.patch(body, `已保存 ${u.id} 的姓名、角色和单位`).then(() => setOpen(null))
              }
            />
          </td>
        </tr>
      )}
      {props.resetting && (
        <tr className="inline-form-row">
          <td colSpan={8}>
            <form
              className="inline"
              noValidate
              aria-label={`重置 ${u.id} 的密码`}
              onSubmit={(e) => {
                e.preventDefault();
                if (!password) {
                  setPwError('请输入新密码');
                  return;
                }
                setPwError(null);
                void props.patch({ password }, `已重置 ${u.id} 的密码`);
              }}
            >
              <Field id={`pw-${u.id}`} label="新密码" className="inline">
                <input
                  id={`pw-${u.id}`}
                  type="password"
                  autoComplete="new-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </Field>
              <button type="submit" className="btn btn-primary btn-small">
                确认重置
              </button>
              <button type="button" className="btn btn-quiet btn-small" onClick={props.onReset}>
                取消
              </button>
              <ErrorText error={pwError} />
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

/** The name, roles, unit and department of a user; only what changed is sent. */
function EditUser(props: {
  u: ManagedUser;
  save: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}) {
  const { u } = props;
  const [name, setName] = useState(u.name);
  const [roles, setRoles] = useState<Role[]>([...u.roles]);
  const [unit, setUnit] = useState(u.unit ?? '');
  const [department, setDepartment] = useState(u.department ?? '');
  const [error, setError] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setError('请填写姓名');
    if (roles.length === 0) return setError('请至少选择一个角色');
    if (unit.trim() && !/^\d{6}$/.test(unit.trim())) return setError('单位编码为六位数字');
    if (department.trim() && !/^\d{3}$/.test(department.trim()))
      return setError('部门编码为三位数字');
    setError(null);
    const body: Record<string, unknown> = {};
    if (name.trim() !== u.name) body.name = name.trim();
    if ([...roles].sort().join() !== [...u.roles].sort().join()) body.roles = roles;
    if (unit.trim() !== (u.unit ?? '')) body.unit = unit.trim() || null;
    if (department.trim() !== (u.department ?? '')) body.department = department.trim() || null;
    if (Object.keys(body).length === 0) return setError('没有改动');
    void props.save(body);
  }

  return (
    <form className="subform" noValidate onSubmit={submit} aria-label={`编辑 ${u.id}`}>
      <div className="form-grid">
        <Field id={`edit-name-${u.id}`} label="姓名">
          <input id={`edit-name-${u.id}`} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id={`edit-unit-${u.id}`} label="单位编码">
          <input id={`edit-unit-${u.id}`} value={unit} onChange={(e) => setUnit(e.target.value)} />
        </Field>
        <Field id={`edit-dept-${u.id}`} label="部门编码">
          <input
            id={`edit-dept-${u.id}`}
            value={department}
            onChange={(e) => setDepartment(e.target.value)}
          />
        </Field>
      </div>
      <fieldset className="checks">
        <legend>角色</legend>
        {ALL_ROLES.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) =>
                setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))
              }
            />
            {ROLE_NAMES[r]}
          </label>
        ))}
      </fieldset>
      <ErrorText error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary btn-small">
          保存
        </button>
        <button type="button" className="btn btn-quiet btn-small" onClick={props.onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}

interface NewUser {
  id: string;
  name: string;
  password: string;
  roles: Role[];
  unit: string;
  department: string;
}
const BLANK: NewUser = { id: '', name: '', password: '', roles: [], unit: '', department: '' };

function AddUser({ onAdded }: { onAdded: (id: string) => void }) {
  const [u, setU] = useState<NewUser>(BLANK);
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const needsUnit = u.roles.includes('preparer') || u.roles.includes('unit_head');
  const needsDept = u.roles.includes('department_reviewer');

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fe: Record<string, unknown> = {};
    if (!u.id.trim()) fe.id = '请填写账号';
    if (!u.name.trim()) fe.name = '请填写姓名';
    if (!u.password) fe.password = '请填写初始密码';
    if (u.roles.length === 0) fe.roles = '请至少选择一个角色';
    if (needsUnit && !u.unit.trim()) fe.unit = '填报人和单位负责人须填写单位编码';
    else if (u.unit.trim() && !/^\d{6}$/.test(u.unit.trim())) fe.unit = '单位编码为六位数字';
    if (needsDept && !u.department.trim()) fe.department = '部门审核人须填写部门编码';
    setErrors(fe);
    if (Object.keys(fe).length) return;
    setBusy(true);
    try {
      await api('/users', {
        method: 'POST',
        body: {
          id: u.id.trim(),
          name: u.name.trim(),
          password: u.password,
          roles: u.roles,
          ...(u.unit.trim() ? { unit: u.unit.trim() } : {}),
          ...(u.department.trim() ? { department: u.department.trim() } : {}),
        },
      });
      setU(BLANK);
      onAdded(u.id.trim());
    } catch (err) {
      const f = fieldOf(err);
      if (f && ['id', 'name', 'password', 'roles', 'unit', 'department'].includes(f))
        setErrors({ [f]: err });
      else setErrors({ form: err });
    } finally {
      setBusy(false);
    }
  }

  const text = (
    key: 'id' | 'name' | 'password' | 'unit' | 'department',
    label: string,
    type = 'text',
  ) => (
    <Field id={`new-${key}`} label={label} error={errors[key]}>
      <input
        id={`new-${key}`}
        type={type}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        value={u[key]}
        onChange={(e) => setU({ ...u, [key]: e.target.value })}
        aria-invalid={!!errors[key]}
      />
    </Field>
  );

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="add-user-title">
      <h2 id="add-user-title">新增用户</h2>
      <div className="form-grid">
        {text('id', '账号')}
        {text('name', '姓名')}
        {text('password', '初始密码', 'password')}
        {text('unit', '单位编码')}
        {text('department', '部门编码')}
      </div>
      <fieldset className="checks">
        <legend>角色</legend>
        {ALL_ROLES.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={u.roles.includes(r)}
              onChange={(e) =>
                setU({
                  ...u,
                  roles: e.target.checked ? [...u.roles, r] : u.roles.filter((x) => x !== r),
                })
              }
            />
            {ROLE_NAMES[r]}
          </label>
        ))}
        <ErrorText error={errors.roles} />
      </fieldset>
      <ErrorText error={errors.form} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        新增用户
      </button>
    </form>
  );
}
