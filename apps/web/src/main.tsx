import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import type { ReactNode } from 'react';
import { AuthProvider, homeOf as home, useAuth } from './auth';
import { roleName } from './format';
import { useCalendar } from './calendar';
import type { Role, User } from './types';
import { LoginPage } from './pages/Login';
import { ReviewsPage } from './pages/Reviews';
import { TargetPage } from './pages/Target';
import { DashboardPage } from './pages/Dashboard';
import { AlertsPage } from './pages/Alerts';
import { AuditPage } from './pages/Audit';
import { ImportPage } from './pages/Import';
import { UsersPage } from './pages/Users';
import { UnitsPage } from './pages/Units';
import { SettingsPage } from './pages/Settings';
import { OperationsPage } from './pages/Operations';
import { DepartmentGoalsPage } from './pages/DepartmentGoals';
import { MonitoringPage, MonitoringRoundPage } from './pages/Monitoring';
import { MonitoringReportPage } from './pages/MonitoringReport';
import { SelfEvaluationPage, SelfEvaluationsPage } from './pages/SelfEvaluation';
import { UnitTargetsPage } from './pages/UnitTargets';
import { TargetFormPage } from './pages/TargetForm';
import './styles.css';

// the chart page carries ECharts: loaded on first use, so sign-in and lists stay light
const ExecutionPage = lazy(() =>
  import('./pages/Execution').then((m) => ({ default: m.ExecutionPage })),
);

interface NavItem {
  readonly to: string;
  readonly label: string;
  readonly roles: Role[];
}

const ALL: Role[] = [
  'preparer',
  'unit_head',
  'department_reviewer',
  'finance_reviewer',
  'auditor',
  'admin',
];

const NAV: NavItem[] = [
  {
    to: '/reviews',
    label: '审核待办',
    roles: ['department_reviewer', 'finance_reviewer', 'auditor', 'admin'],
  },
  { to: '/unit-targets', label: '本单位目标', roles: ['preparer', 'unit_head'] },
  { to: '/dashboard', label: '单位看板', roles: ALL },
  { to: '/alerts', label: '预警', roles: ALL },
  {
    to: '/monitoring',
    label: '双监控',
    roles: ['preparer', 'unit_head', 'department_reviewer', 'finance_reviewer', 'admin'],
  },
  {
    to: '/self-evaluations',
    label: '绩效自评',
    roles: ['preparer', 'unit_head', 'department_reviewer', 'finance_reviewer', 'admin'],
  },
  { to: '/audit', label: '审计', roles: ['auditor', 'admin', 'unit_head'] },
  { to: '/import', label: '导入', roles: ['admin'] },
  { to: '/users', label: '用户', roles: ['admin'] },
  { to: '/units', label: '单位负责人', roles: ['admin'] },
  { to: '/settings', label: '监控参数', roles: ['admin'] },
  { to: '/operations', label: '运行任务', roles: ['admin'] },
  {
    to: '/goals',
    label: '部门目标',
    roles: ['admin', 'department_reviewer', 'finance_reviewer', 'auditor'],
  },
];

const allowed = (user: User, roles: Role[]) => user.roles.some((r) => roles.includes(r));

function Shell({ children }: { children: ReactNode }) {
  const { user, logout } = useAuth();
  // every page's default year and date come from the server's calendar: wait for it once
  const calendar = useCalendar();
  if (!user) return null;
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          预算绩效目标管理
        </div>
        <nav aria-label="主导航">
          {NAV.filter((n) => allowed(user, n.roles)).map((n) => (
            <NavLink key={n.to} to={n.to}>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span className="who-name">{user.name}</span>
          <span className="who-roles">{user.roles.map(roleName).join('、')}</span>
          <button type="button" className="btn btn-quiet" onClick={() => logout()}>
            退出
          </button>
        </div>
      </header>
      <main className="page">{calendar ? children : <p className="muted loading">加载中…</p>}</main>
    </div>
  );
}

/** Pages need a session; a page the role may not open goes home instead. */
function Guard({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (roles && !allowed(user, roles)) return <Navigate to={home(user)} replace />;
  return <Shell>{children}</Shell>;
}

function Home() {
  const { user } = useAuth();
  return <Navigate to={user ? home(user) : '/login'} replace />;
}

const roles = (to: string) => NAV.find((n) => n.to === to)!.roles;

function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/reviews"
        element={
          <Guard roles={roles('/reviews')}>
            <ReviewsPage />
          </Guard>
        }
      />
      <Route
        path="/dashboard"
        element={
          <Guard>
            <DashboardPage />
          </Guard>
        }
      />
      <Route
        path="/unit-targets"
        element={
          <Guard roles={roles('/unit-targets')}>
            <UnitTargetsPage />
          </Guard>
        }
      />
      <Route
        path="/targets/new"
        element={
          <Guard roles={roles('/unit-targets')}>
            <TargetFormPage />
          </Guard>
        }
      />
      <Route
        path="/targets/:id/edit"
        element={
          <Guard roles={[...roles('/unit-targets'), 'admin']}>
            <TargetFormPage />
          </Guard>
        }
      />
      <Route
        path="/targets/:id"
        element={
          <Guard>
            <TargetPage />
          </Guard>
        }
      />
      <Route
        path="/targets/:id/execution"
        element={
          <Guard>
            <Suspense fallback={<p className="muted loading">加载图表…</p>}>
              <ExecutionPage />
            </Suspense>
          </Guard>
        }
      />
      <Route
        path="/monitoring"
        element={
          <Guard roles={roles('/monitoring')}>
            <MonitoringPage />
          </Guard>
        }
      />
      <Route
        path="/monitoring/rounds/:roundId"
        element={
          <Guard roles={roles('/monitoring')}>
            <MonitoringRoundPage />
          </Guard>
        }
      />
      <Route
        path="/targets/:id/monitoring/:roundId"
        element={
          <Guard>
            <MonitoringReportPage />
          </Guard>
        }
      />
      <Route
        path="/self-evaluations"
        element={
          <Guard roles={roles('/self-evaluations')}>
            <SelfEvaluationsPage />
          </Guard>
        }
      />
      <Route
        path="/targets/:id/self-evaluation"
        element={
          <Guard>
            <SelfEvaluationPage />
          </Guard>
        }
      />
      <Route
        path="/alerts"
        element={
          <Guard>
            <AlertsPage />
          </Guard>
        }
      />
      <Route
        path="/audit"
        element={
          <Guard roles={roles('/audit')}>
            <AuditPage />
          </Guard>
        }
      />
      <Route
        path="/import"
        element={
          <Guard roles={roles('/import')}>
            <ImportPage />
          </Guard>
        }
      />
      <Route
        path="/users"
        element={
          <Guard roles={roles('/users')}>
            <UsersPage />
          </Guard>
        }
      />
      {(
        [
          ['/units', <UnitsPage key="units" />],
          ['/settings', <SettingsPage key="settings" />],
          ['/operations', <OperationsPage key="operations" />],
          ['/goals', <DepartmentGoalsPage key="goals" />],
        ] as const
      ).map(([path, page]) => (
        <Route key={path} path={path} element={<Guard roles={roles(path)}>{page}</Guard>} />
      ))}
      <Route path="*" element={<Home />} />
    </Routes>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HashRouter>
      <AuthProvider>
        <App />
      </AuthProvider>
    </HashRouter>
  </StrictMode>,
);
