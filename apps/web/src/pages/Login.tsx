import { useState } from 'react';
import type { FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { homeOf, useAuth } from '../auth';
import { ErrorText, Field, useTitle } from '../components';

export function LoginPage() {
  useTitle('登录');
  const { user, login, notice } = useAuth();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (user) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : homeOf(user)} replace />;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError('请输入用户名和密码');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className="login-brand">
          <span className="logo" aria-hidden="true" />
          <div>
            <h1 id="login-title">预算绩效目标管理</h1>
            <p className="muted">目标审核 · 执行监控 · 预警 · 审计</p>
          </div>
        </div>
        {notice && (
          <p className="banner banner-warn" role="status">
            {notice}
          </p>
        )}
        <Field id="login-username" label="用户名">
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field id="login-password" label="密码">
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <ErrorText error={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          登录
        </button>
      </form>
    </div>
  );
}
