import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, download } from '../api';
import { useAuth } from '../auth';
import {
  AcceptOrReturn,
  ErrorText,
  Field,
  Loading,
  Notice,
  PageError,
  useLoad,
  useTitle,
} from '../components';
import { fieldOf } from '../errors';
import { pct, pp, yuan } from '../format';
import type { Execution } from '../types';
import '../evaluation.css';
import { ReportStatus } from './Monitoring';
import type { Round } from './Monitoring';

/** 执行监控表: a target's report in a round, beside its spending by the round's as-of date. */

type Value = number | boolean | string | null;
type Kind = 'quantitative' | 'boolean' | 'qualitative';

interface TableLine {
  readonly index: number;
  readonly level1: string;
  readonly level2: string;
  readonly name: string;
  readonly target: string;
  readonly targetKind: Kind;
  readonly completed: Value;
  readonly expected: Value;
  readonly likelihood: string | null;
  readonly causes: string[];
  readonly causeText: string | null;
  readonly correction: string | null;
}

interface MonitoringTable {
  readonly targetId: string;
  readonly projectName: string;
  readonly round: { roundId: string; name: string; asOf: string };
  readonly budget: string;
  readonly disbursed: string;
  readonly executionRatePct: number;
  readonly expectedFullYear: string;
  readonly report: {
    status: 'filed' | 'accepted' | 'returned';
    filedBy: { id: string; name: string };
    opinion: string;
  } | null;
  readonly indicatorProgressPct: number | null;
  readonly divergencePp: number | null;
  readonly indicators: TableLine[];
  readonly divergenceAlert?: boolean;
}

const LIKELIHOODS = ['确定能', '有可能', '完全不可能'];
const CAUSES = ['经费保障', '制度保障', '人员保障', '硬件条件保障', '其他'];
const CORRECTIONS = ['继续执行', '调整预算和目标', '暂缓拨款', '停止拨款', '取消项目'];

const shown = (v: Value) => (v === null ? '—' : v === true ? '是' : v === false ? '否' : String(v));

interface Draft {
  completed: string;
  expected: string;
  likelihood: string;
  causes: string[];
  causeText: string;
  correction: string;
}

const textOf = (v: Value) => (v === null ? '' : v === true ? '是' : v === false ? '否' : String(v));
const draftOf = (l: TableLine): Draft => ({
  completed: textOf(l.completed),
  expected: textOf(l.expected),
  likelihood: l.likelihood ?? '确定能',
  causes: l.causes,
  causeText: l.causeText ?? '',
  correction: l.correction ?? '',
});

/** The typed text as the value the indicator takes; a string explains what is wrong. */
function valueOf(kind: Kind, text: string): { value: Value } | { error: string } {
  const t = text.trim();
  if (!t) return { error: '请填写' };
  if (kind === 'boolean') return { value: t === '是' };
  if (kind === 'quantitative') {
    const n = Number(t.replace(/[%％,，]/g, ''));
    return Number.isFinite(n) ? { value: n } : { error: '应为数值' };
  }
  return { value: t };
}

export function MonitoringReportPage() {
  const { id = '', roundId = '' } = useParams();
  const path = `/targets/${encodeURIComponent(id)}`;
  const table = useLoad(
    () => api<MonitoringTable>(`${path}/monitoring-table`, { query: { roundId } }),
    [id, roundId],
  );
  const round = useLoad(
    () => api<Round>(`/monitoring/rounds/${encodeURIComponent(roundId)}`),
    [roundId],
  );
  const asOf = round.data?.asOf;
  const execution = useLoad(
    () => (asOf ? api<Execution>(`${path}/execution`, { query: { asOf } }) : Promise.resolve(null)),
    [id, asOf],
  );
  const { user, has } = useAuth();
  const [notice, setNotice] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const t = table.data;
  useTitle(t ? `执行监控表 · ${t.projectName}` : '执行监控表');
  if (!t) {
    return (
      <section>
        <p className="crumbs">
          <Link to="/monitoring">双监控</Link> / 执行监控表
        </p>
        <PageError error={table.error} />
        {table.loading && <Loading />}
      </section>
    );
  }
  const ownUnit = !!user && (has('admin') || id.split('-')[1] === user.unit);
  const mayFile =
    ownUnit &&
    has('preparer', 'unit_head', 'admin') &&
    (!t.report || t.report.status === 'returned');
  const mayReview = has('department_reviewer') && t.report?.status === 'filed';
  const planned = execution.data?.series.filter((s) => s.date <= t.round.asOf).at(-1)?.plannedPct;

  async function xlsx() {
    setDownloadError(null);
    try {
      await download(`${path}/monitoring-table/xlsx`, `${t!.projectName}-执行监控表.xlsx`, {
        query: { roundId },
      });
    } catch (e) {
      setDownloadError(e);
    }
  }

  return (
    <section>
      <p className="crumbs">
        <Link to="/monitoring">双监控</Link> /{' '}
        <Link to={`/monitoring/rounds/${encodeURIComponent(roundId)}`}>{t.round.name}</Link> /{' '}
        <Link to={path}>{t.projectName}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>执行监控表</h1>
          <p className="muted">
            {t.projectName} · {t.round.name} · 截至 {t.round.asOf}
            {round.data && ` · 填报截止 ${round.data.deadline}`} ·{' '}
            {t.report ? <ReportStatus status={t.report.status} /> : <ReportStatus status="none" />}
          </p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={xlsx}>
            下载执行监控表（.xlsx）
          </button>
        </div>
      </div>
      <ErrorText error={downloadError} />
      {notice && <Notice>{notice}</Notice>}
      {t.report?.status === 'returned' && t.report.opinion && (
        <div className="banner banner-warn" role="note">
          部门退回了本报告：{t.report.opinion}。请修改后重新提交。
        </div>
      )}
      <div className="kpis" aria-label={`截至 ${t.round.asOf} 的支出`}>
        {(
          [
            ['批复预算（元）', yuan(t.budget), ''],
            [`截至 ${t.round.asOf} 已支出（元）`, yuan(t.disbursed), ''],
            ['预算执行率', pct(t.executionRatePct), ''],
            ['计划执行进度', planned === undefined ? '—' : pct(planned), ''],
            ['全年预计支出（元）', yuan(t.expectedFullYear), ''],
            [
              '指标完成进度',
              pct(t.indicatorProgressPct),
              t.divergencePp === null ? '' : `与执行率相差 ${pp(t.divergencePp)} 个百分点`,
            ],
          ] as const
        ).map(([label, v, sub]) => (
          <div className="kpi" key={label}>
            <div className="kpi-label">{label}</div>
            <div className="kpi-value small">{v}</div>
            {sub && <div className="kpi-sub">{sub}</div>}
          </div>
        ))}
      </div>
      {mayFile ? (
        <ReportForm
          t={t}
          path={path}
          roundId={roundId}
          onFiled={(next) => {
            table.set(next);
            setNotice(
              `已提交监控报告，等待部门审核。${next.divergenceAlert ? '指标完成进度与支出进度偏离超过阈值，已生成偏离预警。' : ''}`,
            );
          }}
        />
      ) : (
        <LinesTable t={t} />
      )}
      {mayReview && (
        <ReviewForm
          path={path}
          roundId={roundId}
          onReviewed={(next, outcome) => {
            table.set(next);
            setNotice(
              outcome === 'accepted'
                ? '已通过该监控报告。'
                : '已退回该监控报告，单位可修改后重新提交。',
            );
          }}
        />
      )}
    </section>
  );
}

function LinesTable({ t }: { t: MonitoringTable }) {
  return (
    <div className="card">
      <h2>绩效指标完成情况</h2>
      {!t.report && <p className="empty">单位尚未填报本轮监控报告。</p>}
      <div className="scroll-x">
        <table className="grid" aria-label="执行监控表">
          <thead>
            <tr>
              <th className="hide-narrow">一级指标</th>
              <th className="hide-narrow">二级指标</th>
              <th>三级指标</th>
              <th>指标值</th>
              <th>完成值</th>
              <th>全年预计完成情况</th>
              <th>完成目标可能性</th>
              <th>偏差原因</th>
              <th>纠偏措施</th>
            </tr>
          </thead>
          <tbody>
            {t.indicators.map((l) => (
              <tr key={l.index}>
                <td className="hide-narrow">{l.level1}</td>
                <td className="hide-narrow">{l.level2}</td>
                <td>{l.name}</td>
                <td className="nowrap">{l.target}</td>
                <td>{shown(l.completed)}</td>
                <td>{shown(l.expected)}</td>
                <td>{l.likelihood ?? '—'}</td>
                <td>{[l.causes.join('、'), l.causeText].filter(Boolean).join('：') || '—'}</td>
                <td>{l.correction ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {t.report && <p className="muted small">填报人：{t.report.filedBy.name}</p>}
    </div>
  );
}

function ReportForm({
  t,
  path,
  roundId,
  onFiled,
}: {
  t: MonitoringTable;
  path: string;
  roundId: string;
  onFiled: (next: MonitoringTable) => void;
}) {
  const [drafts, setDrafts] = useState<Draft[]>(() => t.indicators.map(draftOf));
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const change = (k: number, patch: Partial<Draft>) => {
    setDrafts((ds) => ds.map((d, i) => (i === k ? { ...d, ...patch } : d)));
    // what was said about a field goes once it is changed
    setErrors((es) =>
      Object.fromEntries(Object.entries(es).filter(([f]) => !f.startsWith(`lines.${k}.`))),
    );
  };

  /** The lines to send, or the errors of the fields that cannot be sent as typed. */
  function linesOf() {
    const found: Record<string, string> = {};
    const lines = t.indicators.map((ind, k) => {
      const d = drafts[k];
      const completed = valueOf(ind.targetKind, d.completed);
      const expected = valueOf(ind.targetKind, d.expected);
      if ('error' in completed) found[`lines.${k}.completed`] = completed.error;
      if ('error' in expected) found[`lines.${k}.expected`] = expected.error;
      const behind = d.likelihood !== '确定能';
      if (behind && d.causes.length === 0) found[`lines.${k}.causes`] = '请选择偏差原因';
      if (behind && !d.correction) found[`lines.${k}.correction`] = '请选择纠偏措施';
      return {
        index: ind.index,
        completed: 'value' in completed ? completed.value : null,
        expected: 'value' in expected ? expected.value : null,
        likelihood: d.likelihood,
        ...(d.causes.length ? { causes: d.causes } : {}),
        ...(d.causeText.trim() ? { causeText: d.causeText.trim() } : {}),
        ...(d.correction ? { correction: d.correction } : {}),
      };
    });
    return { lines, found };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { lines, found } = linesOf();
    if (Object.keys(found).length > 0) {
      setErrors({ ...found, form: '请按提示补全各项指标后再提交' });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      onFiled(
        await api<MonitoringTable>(`${path}/monitoring-reports/${encodeURIComponent(roundId)}`, {
          method: 'PUT',
          body: { lines },
        }),
      );
    } catch (err) {
      const f = fieldOf(err);
      setErrors(f?.startsWith('lines.') ? { [f]: err, form: err } : { form: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="填报监控报告">
      <h2>填报绩效指标完成情况</h2>
      <p className="muted small">
        逐项填写截至 {t.round.asOf}{' '}
        的完成值和全年预计完成情况；“有可能”或“完全不可能”完成的指标须选择偏差原因和纠偏措施。
      </p>
      {t.indicators.map((ind, k) => {
        const d = drafts[k];
        const id = `line-${k}`;
        const err = (f: string) => errors[`lines.${k}.${f}`];
        const valueInput = (f: 'completed' | 'expected', label: string) => (
          <Field id={`${id}-${f}`} label={label} error={err(f)}>
            {ind.targetKind === 'boolean' ? (
              <select
                id={`${id}-${f}`}
                value={d[f]}
                onChange={(e) => change(k, { [f]: e.target.value })}
              >
                <option value="">请选择</option>
                <option value="是">是</option>
                <option value="否">否</option>
              </select>
            ) : (
              <input
                id={`${id}-${f}`}
                value={d[f]}
                inputMode={ind.targetKind === 'quantitative' ? 'decimal' : undefined}
                placeholder={ind.targetKind === 'quantitative' ? '数值' : '文字说明'}
                onChange={(e) => change(k, { [f]: e.target.value })}
                aria-invalid={!!err(f)}
              />
            )}
          </Field>
        );
        return (
          <fieldset className="subform" key={ind.index} aria-label={ind.name}>
            <legend>
              <strong>
                {k + 1}. {ind.name}
              </strong>{' '}
              <span className="muted small">
                {ind.level1} / {ind.level2} · 指标值 {ind.target}
              </span>
            </legend>
            <div className="form-grid">
              {valueInput('completed', '完成值')}
              {valueInput('expected', '全年预计完成情况')}
              <Field id={`${id}-likelihood`} label="完成目标可能性">
                <select
                  id={`${id}-likelihood`}
                  value={d.likelihood}
                  onChange={(e) => change(k, { likelihood: e.target.value })}
                >
                  {LIKELIHOODS.map((x) => (
                    <option key={x}>{x}</option>
                  ))}
                </select>
              </Field>
              {d.likelihood !== '确定能' && (
                <Field id={`${id}-correction`} label="纠偏措施" error={err('correction')}>
                  <select
                    id={`${id}-correction`}
                    value={d.correction}
                    onChange={(e) => change(k, { correction: e.target.value })}
                  >
                    <option value="">请选择</option>
                    {CORRECTIONS.map((x) => (
                      <option key={x}>{x}</option>
                    ))}
                  </select>
                </Field>
              )}
            </div>
            {d.likelihood !== '确定能' && (
              <div className="form-grid">
                <div className="field field-wide" role="group" aria-label={`${ind.name}的偏差原因`}>
                  <span className="label">偏差原因</span>
                  <div className="radios">
                    {CAUSES.map((c) => (
                      <label className="check" key={c}>
                        <input
                          type="checkbox"
                          checked={d.causes.includes(c)}
                          onChange={(e) =>
                            change(k, {
                              causes: e.target.checked
                                ? [...d.causes, c]
                                : d.causes.filter((x) => x !== c),
                            })
                          }
                        />
                        {c}
                      </label>
                    ))}
                  </div>
                  <ErrorText error={err('causes')} />
                </div>
                <Field id={`${id}-cause-text`} label="偏差原因说明" className="field-wide">
                  <input
                    id={`${id}-cause-text`}
                    value={d.causeText}
                    onChange={(e) => change(k, { causeText: e.target.value })}
                  />
                </Field>
              </div>
            )}
          </fieldset>
        );
      })}
      <ErrorText error={errors.form} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t.report?.status === 'returned' ? '重新提交监控报告' : '提交监控报告'}
      </button>
    </form>
  );
}

function ReviewForm({
  path,
  roundId,
  onReviewed,
}: {
  path: string;
  roundId: string;
  onReviewed: (next: MonitoringTable, outcome: 'accepted' | 'returned') => void;
}) {
  const [opinion, setOpinion] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function review(outcome: 'accepted' | 'returned') {
    if (outcome === 'returned' && !opinion.trim()) {
      setError('退回时请填写审核意见，说明需要修改什么');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await api<MonitoringTable>(
        `${path}/monitoring-reports/${encodeURIComponent(roundId)}/reviews`,
        { body: { outcome, opinion: opinion.trim() } },
      );
      onReviewed(next, outcome);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={(e) => e.preventDefault()} aria-label="审核监控报告">
      <h2>部门审核</h2>
      <AcceptOrReturn
        id="report-opinion"
        opinion={opinion}
        onOpinion={setOpinion}
        error={error}
        busy={busy}
        acceptLabel="通过"
        onReview={review}
      />
    </form>
  );
}
