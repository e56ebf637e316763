import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { ErrorText, Field, Loading, Notice, PageError, useLoad, useTitle } from '../components';
import { fieldOf } from '../errors';
import { currentFiscalYear, knownCalendar } from '../calendar';
import { date, dateTime, today } from '../format';

/** Today by the server's clock (the shell has asked for it), else the browser's. */
const serverToday = () => knownCalendar()?.today ?? today();

/** 双监控: the indicator monitoring rounds of a year, and a round's report status per target. */

export interface Round {
  readonly roundId: string;
  readonly fiscalYear: number;
  readonly name: string;
  readonly asOf: string;
  readonly deadline: string;
  readonly departmentCode?: string | null;
}

interface RoundTarget {
  readonly targetId: string;
  readonly unitCode: string;
  readonly unitName: string;
  readonly projectName: string;
  readonly status: 'none' | 'filed' | 'accepted' | 'returned';
  readonly at: string | null;
  readonly by: string | null;
  readonly opinion: string | null;
  readonly late: boolean;
}

export const REPORT_STATUS: Record<string, string> = {
  none: '未填报',
  filed: '已填报，待审核',
  accepted: '已通过',
  returned: '已退回',
};
const STATUS_CLASS: Record<string, string> = {
  none: 'status',
  filed: 'status status-submitted',
  accepted: 'status status-approved',
  returned: 'status status-returned',
};

export function ReportStatus({ status }: { status: string }) {
  return (
    <span className={STATUS_CLASS[status] ?? 'status'}>{REPORT_STATUS[status] ?? status}</span>
  );
}

const reportPath = (targetId: string, roundId: string) =>
  `/targets/${encodeURIComponent(targetId)}/monitoring/${encodeURIComponent(roundId)}`;

/** The rounds of a year; reviewers open new ones; from a target page, each links to its report. */
export function MonitoringPage() {
  useTitle('双监控');
  const { has } = useAuth();
  const [params, setParams] = useSearchParams();
  const fiscalYear = Number(params.get('fiscalYear')) || currentFiscalYear();
  const target = params.get('target');
  const [yearText, setYearText] = useState(String(fiscalYear));
  const rounds = useLoad(
    () => api<Round[]>('/monitoring/rounds', { query: { fiscalYear } }),
    [fiscalYear],
  );
  const [opened, setOpened] = useState<Round | null>(null);
  const mayOpen = has('department_reviewer', 'finance_reviewer', 'admin');

  function changeYear(text: string) {
    setYearText(text);
    if (/^\d{4}$/.test(text)) {
      const next = new URLSearchParams(params);
      next.set('fiscalYear', text);
      setParams(next, { replace: true });
    }
  }

  return (
    <section>
      <div className="page-head">
        <div>
          <h1>双监控 · 绩效运行监控</h1>
          <p className="muted">
            各监控轮次由部门或财政发起；单位逐项填报指标完成情况，部门审核。
            {target && (
              <>
                {' '}
                当前目标：<span className="mono">{target}</span>
              </>
            )}
          </p>
        </div>
        <div className="field inline">
          <label htmlFor="rounds-year">年度</label>
          <input
            id="rounds-year"
            className="w-year"
            inputMode="numeric"
            value={yearText}
            onChange={(e) => changeYear(e.target.value.trim())}
          />
        </div>
      </div>
      {opened && (
        <Notice>
          已发起监控轮次“{opened.name}”（截至 {opened.asOf}，{opened.deadline} 截止）。
          <Link to={`/monitoring/rounds/${opened.roundId}`}>查看填报情况</Link>
        </Notice>
      )}
      {mayOpen && (
        <OpenRoundForm
          fiscalYear={fiscalYear}
          onOpened={(r) => {
            setOpened(r);
            rounds.reload();
          }}
        />
      )}
      <div className="card">
        <h2>{fiscalYear} 年度监控轮次</h2>
        <PageError error={rounds.error} />
        {rounds.loading && !rounds.data && <Loading />}
        {rounds.data && rounds.data.length === 0 && <p className="empty">该年度尚无监控轮次。</p>}
        {rounds.data && rounds.data.length > 0 && (
          <div className="scroll-x">
            <table className="grid">
              <thead>
                <tr>
                  <th>轮次</th>
                  <th>截至日期</th>
                  <th>填报截止</th>
                  <th>范围</th>
                  <th>操作</th>
                </tr>
              </thead>
              <tbody>
                {rounds.data.map((r) => (
                  <tr key={r.roundId}>
                    <td>{r.name}</td>
                    <td className="nowrap">{r.asOf}</td>
                    <td className="nowrap">
                      {r.deadline}
                      {r.deadline < serverToday() && <span className="tag">已截止</span>}
                    </td>
                    <td>{r.departmentCode ? `部门 ${r.departmentCode}` : '全部单位'}</td>
                    <td className="row-actions">
                      {target ? (
                        <Link to={reportPath(target, r.roundId)}>填报 / 查看执行监控表</Link>
                      ) : (
                        <Link to={`/monitoring/rounds/${r.roundId}`}>填报情况</Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}

function OpenRoundForm({
  fiscalYear,
  onOpened,
}: {
  fiscalYear: number;
  onOpened: (r: Round) => void;
}) {
  const [name, setName] = useState('');
  const [asOf, setAsOf] = useState('');
  const [deadline, setDeadline] = useState('');
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const missing: Record<string, unknown> = {};
    if (!name.trim()) missing.name = '请填写轮次名称，例如“2022年1-7月”';
    if (!asOf) missing.asOf = '请选择截至日期';
    if (!deadline) missing.deadline = '请选择填报截止日期';
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    try {
      const r = await api<Round>('/monitoring/rounds', {
        body: { fiscalYear, name: name.trim(), asOf, deadline },
      });
      setName('');
      onOpened(r);
    } catch (err) {
      const f = fieldOf(err);
      setErrors(f && ['name', 'asOf', 'deadline'].includes(f) ? { [f]: err } : { form: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="发起监控轮次">
      <h2>发起监控轮次（{fiscalYear} 年度）</h2>
      <div className="form-grid">
        <Field id="round-name" label="轮次名称" error={errors.name}>
          <input
            id="round-name"
            value={name}
            placeholder={`例如 ${fiscalYear}年1-7月`}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={!!errors.name}
          />
        </Field>
        <Field id="round-as-of" label="截至日期（按此日的支出对照）" error={errors.asOf}>
          <input
            id="round-as-of"
            type="date"
            min={`${fiscalYear}-01-01`}
            max={`${fiscalYear}-12-31`}
            value={asOf}
            onChange={(e) => setAsOf(e.target.value)}
            aria-invalid={!!errors.asOf}
          />
        </Field>
        <Field id="round-deadline" label="填报截止日期" error={errors.deadline}>
          <input
            id="round-deadline"
            type="date"
            value={deadline}
            onChange={(e) => setDeadline(e.target.value)}
            aria-invalid={!!errors.deadline}
          />
        </Field>
      </div>
      <ErrorText error={errors.form} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        发起轮次
      </button>
    </form>
  );
}

/** One round: how many have reported, and each target's report with a link to it. */
export function MonitoringRoundPage() {
  const { roundId = '' } = useParams();
  const data = useLoad(
    () =>
      api<Round & { targets: RoundTarget[] }>(
        `/monitoring/rounds/${encodeURIComponent(roundId)}/targets`,
      ),
    [roundId],
  );
  const r = data.data;
  useTitle(r ? `${r.name} · 双监控` : '监控轮次');
  const { has } = useAuth();
  // what the link leads to for this person: the unit files, the department reviews
  const actionOf = (status: string) =>
    has('department_reviewer') && status === 'filed'
      ? '审核'
      : has('preparer', 'unit_head') && (status === 'none' || status === 'returned')
        ? '填报'
        : '查看';
  const count = (s: string) => r?.targets.filter((t) => t.status === s).length ?? 0;
  const late = r?.targets.filter((t) => t.late).length ?? 0;
  return (
    <section>
      <p className="crumbs">
        <Link to={`/monitoring${r ? `?fiscalYear=${r.fiscalYear}` : ''}`}>双监控</Link> / 监控轮次
      </p>
      <PageError error={data.error} />
      {data.loading && !r && <Loading />}
      {r && (
        <>
          <div className="page-head">
            <div>
              <h1>{r.name}</h1>
              <p className="muted">
                截至 {r.asOf} · 填报截止 {r.deadline} ·{' '}
                {r.departmentCode ? `部门 ${r.departmentCode} 的单位` : '全部单位'}
              </p>
            </div>
          </div>
          <div className="kpis" aria-label="填报情况">
            {(
              [
                ['应填报', r.targets.length],
                ['未填报', count('none')],
                ['待审核', count('filed')],
                ['已退回', count('returned')],
                ['已通过', count('accepted')],
                ['逾期', late],
              ] as const
            ).map(([label, n]) => (
              <div className="kpi" key={label}>
                <div className="kpi-label">{label}</div>
                <div className="kpi-value">{n}</div>
              </div>
            ))}
          </div>
          <div className="card">
            <h2>各项目填报情况</h2>
            {r.targets.length === 0 ? (
              <p className="empty">该轮次范围内没有已批复的目标。</p>
            ) : (
              <div className="scroll-x">
                <table className="grid" aria-label="各项目填报情况">
                  <thead>
                    <tr>
                      <th>项目 / 单位</th>
                      <th>状态</th>
                      <th>最近操作</th>
                      <th>操作</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.targets.map((t) => (
                      <tr key={t.targetId}>
                        <td>
                          {t.projectName}
                          <div className="muted small">{t.unitName}</div>
                        </td>
                        <td className="nowrap">
                          <ReportStatus status={t.status} />
                          {t.late && <span className="tag warn-text">逾期</span>}
                        </td>
                        <td className="small">
                          {t.by ? `${t.by}，${dateTime(t.at)}` : '—'}
                          {t.opinion && <div className="muted">意见：{t.opinion}</div>}
                        </td>
                        <td className="row-actions">
                          <Link to={reportPath(t.targetId, r.roundId)}>{actionOf(t.status)}</Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p className="muted small">
              截至日期 {date(r.asOf)} 的支出与各指标完成值对照，见各项目的执行监控表。
            </p>
          </div>
        </>
      )}
    </section>
  );
}
