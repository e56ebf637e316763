import { useEffect, useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { useCalendar } from '../calendar';
import { Field, Loading, PageError, useLoad, useTitle } from '../components';

interface GoalArea {
  readonly title: string;
  readonly duties: string;
  readonly goals: string;
  readonly indicators: readonly string[];
}

interface DepartmentGoals {
  readonly departmentCode: string;
  readonly fiscalYear: number;
  readonly overall: string;
  readonly areas: readonly GoalArea[];
}

/** 部门整体绩效目标 of a year: the part-1 goals of the imported document, area by area. */
export function DepartmentGoalsPage() {
  useTitle('部门整体目标');
  const { user } = useAuth();
  const calendar = useCalendar();
  // the year as typed; it is asked for once it is four digits (not at each keystroke)
  const [yearText, setYearText] = useState('');
  const [code, setCode] = useState(user?.department ?? user?.unit?.slice(0, 3) ?? '');
  useEffect(() => {
    if (calendar && yearText === '') setYearText(String(calendar.fiscalYear));
  }, [calendar]);
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
  // an admin has no department of their own: the first one that has units
  useEffect(() => {
    if (code || !user?.roles.includes('admin')) return;
    void api<{ items: { departmentCode: string }[] }>('/units')
      .then((u) => setCode(u.items[0]?.departmentCode ?? ''))
      .catch(() => undefined);
  }, [code, user]);
  const ready = year !== null && /^\d{3}$/.test(code);
  const goals = useLoad(
    () =>
      ready
        ? api<DepartmentGoals>(`/departments/${code}/goals`, { query: { fiscalYear: year } })
        : Promise.resolve(undefined),
    [ready, code, year],
  );
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>部门整体绩效目标</h1>
          <p className="muted small">
            导入的绩效目标文档第一部分：各职能的主要职责、绩效目标和绩效指标。
          </p>
        </div>
        <div className="toolbar">
          <Field id="goals-dept" label="部门编码" className="inline">
            <input
              id="goals-dept"
              className="w-year"
              inputMode="numeric"
              value={code}
              onChange={(e) => setCode(e.target.value.trim())}
            />
          </Field>
          <Field id="goals-year" label="预算年度" className="inline">
            <input
              id="goals-year"
              type="number"
              className="w-year"
              value={yearText}
              onChange={(e) => setYearText(e.target.value)}
            />
          </Field>
        </div>
      </div>
      {!ready && <p className="muted">请填写三位数字的部门编码和预算年度。</p>}
      <PageError error={goals.error} />
      {ready && goals.loading && <Loading />}
      {goals.data && <GoalsView goals={goals.data} />}
    </section>
  );
}

function GoalsView({ goals }: { goals: DepartmentGoals }) {
  return (
    <>
      {goals.overall && (
        <div className="card">
          <h2>
            {goals.fiscalYear} 年度 · 部门 {goals.departmentCode}
          </h2>
          <p className="pre">{goals.overall}</p>
        </div>
      )}
      {goals.areas.map((a) => (
        <article key={a.title} className="card" aria-label={a.title}>
          <h2>{a.title}</h2>
          <h3>主要职责</h3>
          <p className="pre">{a.duties || '—'}</p>
          <h3>绩效目标</h3>
          <p className="pre">{a.goals || '—'}</p>
          <h3>绩效指标</h3>
          {a.indicators.length ? (
            <ol className="small">
              {a.indicators.map((i, n) => (
                <li key={n}>{i}</li>
              ))}
            </ol>
          ) : (
            <p className="muted">—</p>
          )}
        </article>
      ))}
      {goals.areas.length === 0 && <p className="empty">该年度的文档没有部门整体绩效目标。</p>}
    </>
  );
}
