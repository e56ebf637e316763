import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, ApiError, onUnauthorized, session } from './api';
import type { LoginAnswer, Role, User } from './types';

interface AuthState {
  readonly user: User | null;
  /** Why the last session ended, shown on the sign-in page. */
  readonly notice: string | null;
  login(username: string, password: string): Promise<void>;
  logout(notice?: string): void;
  has(...roles: Role[]): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(() => (session.token() ? session.user() : null));
  const [notice, setNotice] = useState<string | null>(null);

  const logout = useCallback((why?: string) => {
    session.clear();
    setUser(null);
    setNotice(why ?? null);
  }, []);

  useEffect(() => {
    onUnauthorized(() => logout('登录已失效，请重新登录'));
  }, [logout]);

  // A kept session is checked once: the user's roles may have changed since.
  useEffect(() => {
    if (!session.token()) return;
    api<User>('/auth/me')
      .then((me) => {
        session.saveUser(me);
        setUser(me);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) logout('登录已失效，请重新登录');
      });
  }, [logout]);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api<LoginAnswer>('/auth/login', {
      method: 'POST',
      body: { username, password },
      anonymous: true,
    });
    session.save(answer.token, answer.user);
    setNotice(null);
    setUser(answer.user);
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      user,
      notice,
      login,
      logout,
      has: (...roles) => !!user && user.roles.some((r) => roles.includes(r)),
    }),
    [user, notice, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Where a user lands after signing in. */
export function homeOf(user: User): string {
  if (user.roles.includes('department_reviewer') || user.roles.includes('finance_reviewer'))
    return '/reviews';
  if (user.roles.includes('auditor') && !user.roles.includes('admin')) return '/audit';
  // a preparer's day starts with the unit's own targets: drafts, returns, adjustments
  if (user.roles.includes('preparer') && !user.roles.includes('admin')) return '/unit-targets';
  return '/dashboard';
}
