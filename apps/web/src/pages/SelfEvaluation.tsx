import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
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
import { currentFiscalYear } from '../calendar';
import { dateTime, pct, yuan } from '../format';
import '../evaluation.css';

/** 自评: the unit files its year-end values and sees the server's score as it types; the department confirms. */

type Kind = 'quantitative' | 'boolean' | 'qualitative';
type Band = '达成' | '部分达成' | '未达成';
const BANDS: Record<Band, [number, number]> = {
  达成: [80, 100],
  部分达成: [60, 80],
  未达成: [0, 60],
};

type Actual =
  | { kind: 'met' }
  | { kind: 'number'; value: number }
  | { kind: 'yesNo'; value: boolean }
  | { kind: 'band'; band: Band; share: number }
  | { kind: 'notApplicable'; explanation: string };

interface FormIndicator {
  readonly index: number;
  readonly level1: string;
  readonly level2: string;
  readonly name: string;
  readonly target: string;
  readonly targetKind: Kind;
  readonly unit: string;
}

interface EvaluationView {
  readonly status: 'filed' | 'accepted' | 'returned';
  readonly budget: string;
  readonly disbursed: string;
  readonly executionRatePct: number;
  readonly executionScore: number;
  readonly executionPoints: number;
  readonly indicators: (FormIndicator & {
    actual: Actual;
    explanation: string | null;
    confirmedShare: number | null;
    points: number;
    score: number;
    applicable: boolean;
  })[];
  readonly total: number;
  readonly grade: string;
  readonly unconfirmed: string[];
  readonly achievement: string | null;
  readonly conclusion: string | null;
  readonly problems: string | null;
  readonly improvements: string | null;
  readonly filedBy: { id: string; name: string };
  readonly reviewedBy: { id: string; name: string } | null;
  readonly opinion: string | null;
}

interface SelfEvaluationForm {
  readonly targetId: string;
  readonly fiscalYear: number;
  readonly unitCode: string;
  readonly projectName: string;
  readonly status: string;
  readonly budget: string;
  readonly disbursed: string;
  readonly indicators: FormIndicator[];
  readonly evaluation: EvaluationView | null;
}

interface Score {
  readonly executionRatePct: number;
  readonly executionScore: number;
  readonly executionPoints: number;
  readonly indicators: { points: number; score: number; applicable: boolean; fullyMet: boolean }[];
  readonly total: number;
  readonly grade: string;
  readonly missingExplanations: string[];
  readonly unconfirmed: string[];
}

const TEXTS = [
  ['achievement', '年度总体目标实际完成情况'],
  ['conclusion', '评价结论'],
  ['problems', '存在问题'],
  ['improvements', '改进措施'],
] as const;
type TextKey = (typeof TEXTS)[number][0];

interface Draft {
  value: string;
  band: Band | '';
  share: string;
  notApplicable: boolean;
  explanation: string;
}

function draftOf(actual: Actual | undefined, explanation: string | null): Draft {
  const d: Draft = {
    value: '',
    band: '',
    share: '',
    notApplicable: false,
    explanation: explanation ?? '',
  };
  if (!actual) return d;
  if (actual.kind === 'number') d.value = String(actual.value);
  if (actual.kind === 'yesNo') d.value = actual.value ? '是' : '否';
  if (actual.kind === 'met') d.value = '是';
  if (actual.kind === 'band') Object.assign(d, { band: actual.band, share: String(actual.share) });
  if (actual.kind === 'notApplicable') d.notApplicable = true;
  return d;
}

/** The entry as the API takes it, or null while the indicator is not filled in enough to score. */
function entryOf(ind: FormIndicator, d: Draft) {
  const explanation = d.explanation.trim() || undefined;
  const entry = (actual: Actual) => ({ index: ind.index, actual, explanation });
  if (d.notApplicable) return entry({ kind: 'notApplicable', explanation: d.explanation.trim() });
  if (ind.targetKind === 'quantitative') {
    const n = Number(d.value.trim().replace(/[%％,，]/g, ''));
    return d.value.trim() && Number.isFinite(n) ? entry({ kind: 'number', value: n }) : null;
  }
  if (ind.targetKind === 'boolean')
    return d.value ? entry({ kind: 'yesNo', value: d.value === '是' }) : null;
  const share = Number(d.share);
  return d.band && d.share.trim() && Number.isFinite(share)
    ? entry({ kind: 'band', band: d.band, share })
    : null;
}

/** Asks the server to score what is on screen, a moment after the typing stops. */
function useServerScore(path: string, body: object | null) {
  const [score, setScore] = useState<Score | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [scoring, setScoring] = useState(false);
  const seq = useRef(0);
  const key = body ? JSON.stringify(body) : '';
  useEffect(() => {
    if (!body) return;
    const mine = ++seq.current;
    setScoring(true);
    const timer = setTimeout(() => {
      api<Score>(`${path}/self-evaluation/score`, { body })
        .then((s) => mine === seq.current && (setScore(s), setError(null)))
        .catch((e: unknown) => mine === seq.current && setError(e))
        .finally(() => mine === seq.current && setScoring(false));
    }, 400);
    return () => clearTimeout(timer);
  }, [key]);
  return { score: body ? score : null, error: body ? error : null, scoring };
}

export function SelfEvaluationPage() {
  const { id = '' } = useParams();
  const path = `/targets/${encodeURIComponent(id)}`;
  const form = useLoad(() => api<SelfEvaluationForm>(`${path}/self-evaluation/form`), [id]);
  const { user, has } = useAuth();
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const f = form.data;
  useTitle(f ? `绩效自评 · ${f.projectName}` : '绩效自评');
  if (!f) {
    return (
      <section>
        <p className="crumbs">
          <Link to={path}>绩效目标</Link> / 绩效自评
        </p>
        <PageError error={form.error} />
        {form.loading && <Loading />}
      </section>
    );
  }
  const e = f.evaluation;
  const ownUnit = has('admin') || user?.unit === f.unitCode;
  const mayFile =
    ownUnit &&
    has('preparer', 'unit_head', 'admin') &&
    f.status === 'approved' &&
    (!e || e.status === 'returned');
  const mayReview = has('department_reviewer') && e?.status === 'filed';
  const done = (msg: string, next: EvaluationView) => {
    setNotice(msg);
    setEditing(false);
    form.set({ ...f, evaluation: next });
  };

  return (
    <section>
      <p className="crumbs">
        <Link to="/dashboard">单位看板</Link> / <Link to={path}>{f.projectName}</Link> / 绩效自评
      </p>
      <div className="page-head">
        <div>
          <h1>绩效自评</h1>
          <p className="muted">
            {f.projectName} · {f.fiscalYear} 年度 ·{' '}
            {e ? (
              <span
                className={`status status-${e.status === 'accepted' ? 'approved' : e.status === 'returned' ? 'returned' : 'submitted'}`}
              >
                {e.status === 'accepted'
                  ? '已审核确认'
                  : e.status === 'returned'
                    ? '已退回'
                    : '已填报，待审核'}
              </span>
            ) : (
              '尚未填报'
            )}
          </p>
        </div>
        {e && (
          <div className="actions">
            <SheetDownload path={path} name={f.projectName} />
          </div>
        )}
      </div>
      {notice && <Notice>{notice}</Notice>}
      {f.status !== 'approved' && (
        <p className="banner banner-info">目标批复后才能填报绩效自评。</p>
      )}
      {e?.status === 'returned' && e.opinion && (
        <div className="banner banner-warn" role="note">
          部门退回了本自评：{e.opinion}。请修改后重新提交。
        </div>
      )}
      {mayFile && (editing || !e) ? (
        <FileForm
          f={f}
          path={path}
          onFiled={(next) => done('已提交绩效自评，等待部门审核。', next)}
        />
      ) : (
        e && <Sheet f={f} e={e} />
      )}
      {mayFile && e && !editing && (
        <button type="button" className="btn btn-primary" onClick={() => setEditing(true)}>
          修改并重新提交
        </button>
      )}
      {mayReview && e && (
        <ReviewForm
          f={f}
          e={e}
          path={path}
          onReviewed={(next, outcome) =>
            done(
              outcome === 'accepted'
                ? `已确认该绩效自评：总分 ${next.total.toFixed(2)}，等级“${next.grade}”。`
                : '已退回该绩效自评，单位可修改后重新提交。',
              next,
            )
          }
        />
      )}
    </section>
  );
}

function SheetDownload({ path, name }: { path: string; name: string }) {
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button
        type="button"
        className="btn"
        onClick={() =>
          download(`${path}/self-evaluation/xlsx`, `${name}-绩效自评表.xlsx`).catch(setError)
        }
      >
        下载绩效自评表（.xlsx）
      </button>
      <ErrorText error={error} />
    </>
  );
}

function ScoreSummary({ s, scoring }: { s: Score | null; scoring?: boolean }) {
  return (
    <div className="kpis score-sticky" aria-label="得分" aria-live="polite">
      <div className="kpi">
        <div className="kpi-label">预算执行率得分</div>
        <div className="kpi-value small">
          {s
            ? `${s.executionScore.toFixed(2)} / ${s.executionPoints}（执行率 ${pct(s.executionRatePct)}）`
            : '—'}
        </div>
      </div>
      <div className="kpi">
        <div className="kpi-label">总分</div>
        <div className="kpi-value" data-testid="total">
          {s ? s.total.toFixed(2) : '—'}
        </div>
      </div>
      <div className="kpi">
        <div className="kpi-label">评价等级</div>
        <div className="kpi-value" data-testid="grade">
          {s ? s.grade : '—'}
        </div>
        <div className="kpi-sub">
          {scoring ? '正在计算…' : s ? '由服务器按评分规则计算' : '填写全部指标后显示'}
        </div>
      </div>
    </div>
  );
}

function FileForm({
  f,
  path,
  onFiled,
}: {
  f: SelfEvaluationForm;
  path: string;
  onFiled: (e: EvaluationView) => void;
}) {
  const e = f.evaluation;
  const [drafts, setDrafts] = useState<Draft[]>(() =>
    f.indicators.map((ind) => {
      const filed = e?.indicators.find((x) => x.index === ind.index);
      return draftOf(filed?.actual, filed?.explanation ?? null);
    }),
  );
  const [texts, setTexts] = useState<Record<TextKey, string>>(() => ({
    achievement: e?.achievement ?? '',
    conclusion: e?.conclusion ?? '',
    problems: e?.problems ?? '',
    improvements: e?.improvements ?? '',
  }));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const entries = f.indicators.map((ind, k) => entryOf(ind, drafts[k]));
  const complete = entries.every((x) => x !== null);
  const { score, error: scoreError, scoring } = useServerScore(path, complete ? { entries } : null);
  const change = (k: number, patch: Partial<Draft>) =>
    setDrafts((ds) => ds.map((d, i) => (i === k ? { ...d, ...patch } : d)));

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    if (!complete) {
      setError('请填写全部指标的完成情况（不适用的请勾选“不适用”）');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { entries, ...Object.fromEntries(TEXTS.map(([k]) => [k, texts[k].trim()])) };
      onFiled(await api<EvaluationView>(`${path}/self-evaluation`, { method: 'PUT', body }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="填报绩效自评">
      <h2>填报绩效自评</h2>
      <p className="muted small">
        批复预算 {yuan(f.budget)} 元，已支出（净额）{yuan(f.disbursed)}{' '}
        元。定性指标按档次提出得分比例：达成 80–100%、部分达成 60–80%、未达成
        0–60%，由部门审核确认。未完全完成的指标须填写未完成原因。
      </p>
      <ScoreSummary s={score} scoring={scoring} />
      <ErrorText error={scoreError} />
      {f.indicators.map((ind, k) => (
        <IndicatorFields
          key={ind.index}
          ind={ind}
          k={k}
          d={drafts[k]}
          s={score?.indicators[k]}
          missing={!!score?.missingExplanations.includes(ind.name)}
          change={(p) => change(k, p)}
        />
      ))}
      <div className="subform form-grid">
        {TEXTS.map(([k, label]) => (
          <Field key={k} id={`se-${k}`} label={`${label}（选填）`} className="field-wide">
            <textarea
              id={`se-${k}`}
              rows={2}
              value={texts[k]}
              onChange={(ev) => setTexts({ ...texts, [k]: ev.target.value })}
            />
          </Field>
        ))}
      </div>
      <ErrorText error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        提交绩效自评
      </button>
    </form>
  );
}

function IndicatorFields({
  ind,
  k,
  d,
  s,
  missing,
  change,
}: {
  ind: FormIndicator;
  k: number;
  d: Draft;
  s?: Score['indicators'][number];
  missing: boolean;
  change: (p: Partial<Draft>) => void;
}) {
  const id = `se-${k}`;
  const [lo, hi] = d.band ? BANDS[d.band] : [0, 100];
  return (
    <fieldset className="subform" aria-label={ind.name}>
      <legend>
        <strong>
          {k + 1}. {ind.name}
        </strong>{' '}
        <span className="muted small">
          {ind.level1} / {ind.level2} · 指标值 {ind.target}
        </span>{' '}
        <span className="tag" data-testid={`score-${k}`}>
          {s
            ? s.applicable
              ? `得分 ${s.score.toFixed(2)} / ${s.points.toFixed(2)}`
              : '不计分'
            : '得分 —'}
        </span>
      </legend>
      <div className="form-grid">
        {!d.notApplicable && ind.targetKind === 'quantitative' && (
          <Field id={`${id}-value`} label={`实际完成值${ind.unit ? `（${ind.unit}）` : ''}`}>
            <input
              id={`${id}-value`}
              inputMode="decimal"
              value={d.value}
              onChange={(e) => change({ value: e.target.value })}
            />
          </Field>
        )}
        {!d.notApplicable && ind.targetKind === 'boolean' && (
          <Field id={`${id}-value`} label="实际完成情况">
            <select
              id={`${id}-value`}
              value={d.value}
              onChange={(e) => change({ value: e.target.value })}
            >
              <option value="">请选择</option>
              <option value="是">是</option>
              <option value="否">否</option>
            </select>
          </Field>
        )}
        {!d.notApplicable && ind.targetKind === 'qualitative' && (
          <>
            <Field id={`${id}-band`} label="完成档次">
              <select
                id={`${id}-band`}
                value={d.band}
                onChange={(e) => {
                  const band = e.target.value as Band | '';
                  change({ band, share: band ? String(BANDS[band][1]) : '' });
                }}
              >
                <option value="">请选择</option>
                {(Object.keys(BANDS) as Band[]).map((b) => (
                  <option key={b} value={b}>
                    {b}（{BANDS[b][1]}–{BANDS[b][0]}%）
                  </option>
                ))}
              </select>
            </Field>
            <Field id={`${id}-share`} label={`得分比例（%，${lo}–${hi}）`}>
              <input
                id={`${id}-share`}
                inputMode="decimal"
                value={d.share}
                onChange={(e) => change({ share: e.target.value })}
              />
            </Field>
          </>
        )}
        <div className="field">
          <span className="label">&nbsp;</span>
          <label className="check">
            <input
              type="checkbox"
              checked={d.notApplicable}
              onChange={(e) => change({ notApplicable: e.target.checked })}
            />
            不适用
          </label>
        </div>
        {/* asked where the server's score says the indicator is not fully met */}
        {(d.notApplicable || d.explanation || (s && !s.fullyMet)) && (
          <Field
            id={`${id}-explanation`}
            label={d.notApplicable ? '不适用说明' : '未完成原因'}
            className="field-wide"
            error={missing ? '该指标未完全完成，请填写未完成原因' : undefined}
          >
            <input
              id={`${id}-explanation`}
              value={d.explanation}
              onChange={(e) => change({ explanation: e.target.value })}
            />
          </Field>
        )}
      </div>
    </fieldset>
  );
}

const actualText = (a: Actual) =>
  a.kind === 'number'
    ? String(a.value)
    : a.kind === 'yesNo'
      ? a.value
        ? '是'
        : '否'
      : a.kind === 'met'
        ? '已完成'
        : a.kind === 'band'
          ? `${a.band}（提出 ${a.share}%）`
          : '不适用';

/** 绩效自评表 as a page: what was filed, each indicator's score, the total and grade. */
function Sheet({ f, e }: { f: SelfEvaluationForm; e: EvaluationView }) {
  return (
    <div className="sheet">
      <h2 className="sheet-title">项目支出绩效自评表</h2>
      <p className="sheet-sub">（{f.fiscalYear}年度）</p>
      <div className="kpis" aria-label="自评结果">
        <div className="kpi">
          <div className="kpi-label">预算执行率</div>
          <div className="kpi-value small">
            {pct(e.executionRatePct)} · 得分 {e.executionScore.toFixed(2)} / {e.executionPoints}
          </div>
        </div>
        <div className="kpi">
          <div className="kpi-label">总分</div>
          <div className="kpi-value" data-testid="total">
            {e.total.toFixed(2)}
          </div>
        </div>
        <div className="kpi">
          <div className="kpi-label">评价等级</div>
          <div className="kpi-value" data-testid="grade">
            {e.grade}
          </div>
        </div>
      </div>
      <div className="scroll-x">
        <table className="grid" aria-label="绩效自评表">
          <thead>
            <tr>
              <th className="hide-narrow">一级指标</th>
              <th className="hide-narrow">二级指标</th>
              <th>三级指标</th>
              <th>年度指标值</th>
              <th>实际完成值</th>
              <th>确认比例</th>
              <th className="num">分值</th>
              <th className="num">得分</th>
              <th>未完成原因</th>
            </tr>
          </thead>
          <tbody>
            {e.indicators.map((i) => (
              <tr key={i.index}>
                <td className="hide-narrow">{i.level1}</td>
                <td className="hide-narrow">{i.level2}</td>
                <td>{i.name}</td>
                <td className="nowrap">{i.target}</td>
                <td>{actualText(i.actual)}</td>
                <td>
                  {i.actual.kind === 'band'
                    ? i.confirmedShare === null
                      ? '待确认'
                      : `${i.confirmedShare}%`
                    : '—'}
                </td>
                <td className="num">{i.applicable ? i.points.toFixed(2) : '—'}</td>
                <td className="num">{i.applicable ? i.score.toFixed(2) : '不计分'}</td>
                <td>{i.explanation ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {TEXTS.map(([k, label]) =>
        e[k] ? (
          <p key={k}>
            <strong>{label}：</strong>
            {e[k]}
          </p>
        ) : null,
      )}
      <p className="muted small">
        填报人：{e.filedBy.name}
        {e.reviewedBy && ` · 审核人：${e.reviewedBy.name}`}
        {e.opinion && ` · 审核意见：${e.opinion}`}
      </p>
    </div>
  );
}

function ReviewForm({
  f,
  e,
  path,
  onReviewed,
}: {
  f: SelfEvaluationForm;
  e: EvaluationView;
  path: string;
  onReviewed: (next: EvaluationView, outcome: 'accepted' | 'returned') => void;
}) {
  const bands = e.indicators.filter((i) => i.actual.kind === 'band');
  const [shares, setShares] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      bands.map((i) => [String(i.index), String(i.actual.kind === 'band' ? i.actual.share : '')]),
    ),
  );
  const [opinion, setOpinion] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const confirmedShares = Object.fromEntries(
    Object.entries(shares).map(([k, v]) => [k, Number(v)]),
  );
  const valid = Object.values(confirmedShares).every((v) => Number.isFinite(v));
  const entries = e.indicators.map((i) => ({
    index: i.index,
    actual: i.actual,
    explanation: i.explanation ?? undefined,
  }));
  const trial = useServerScore(
    path,
    bands.length > 0 && valid ? { entries, confirmedShares } : null,
  );

  async function review(outcome: 'accepted' | 'returned') {
    if (outcome === 'returned' && !opinion.trim()) {
      setError('退回时请填写审核意见，说明需要修改什么');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = {
        outcome,
        opinion: opinion.trim(),
        ...(outcome === 'accepted' ? { confirmedShares } : {}),
      };
      onReviewed(await api<EvaluationView>(`${path}/self-evaluation/reviews`, { body }), outcome);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={(ev) => ev.preventDefault()} aria-label="审核绩效自评">
      <h2>部门审核</h2>
      {bands.length > 0 ? (
        <>
          <p className="muted small">请确认或修改定性指标的得分比例；确认后的总分：</p>
          <ScoreSummary s={trial.score} scoring={trial.scoring} />
          <ErrorText error={trial.error} />
          <div className="form-grid">
            {bands.map((i) => (
              <Field
                key={i.index}
                id={`confirm-${i.index}`}
                label={`${i.name}（${i.actual.kind === 'band' ? i.actual.band : ''}）确认比例 %`}
              >
                <input
                  id={`confirm-${i.index}`}
                  inputMode="decimal"
                  value={shares[String(i.index)]}
                  onChange={(ev) => setShares({ ...shares, [String(i.index)]: ev.target.value })}
                />
              </Field>
            ))}
          </div>
        </>
      ) : (
        <p className="muted small">{f.projectName}没有定性指标，确认即以上表得分为准。</p>
      )}
      <AcceptOrReturn
        id="se-opinion"
        opinion={opinion}
        onOpinion={setOpinion}
        error={error}
        busy={busy}
        acceptLabel="确认通过"
        onReview={review}
      />
    </form>
  );
}

interface SelfEvaluationRow {
  readonly targetId: string;
  readonly unitName: string;
  readonly projectName: string;
  readonly status: 'none' | 'filed' | 'accepted' | 'returned';
  readonly total: number | null;
  readonly grade: string | null;
  readonly at: string | null;
  readonly by: string | null;
}

const EVALUATION_STATUS: Record<string, [string, string]> = {
  none: ['未填报', 'status'],
  filed: ['已填报，待审核', 'status status-submitted'],
  accepted: ['已审核确认', 'status status-approved'],
  returned: ['已退回', 'status status-returned'],
};

/** The year's approved targets with where each self-evaluation stands: what the unit files, what the department confirms. */
export function SelfEvaluationsPage() {
  useTitle('绩效自评');
  const { has } = useAuth();
  const [params, setParams] = useSearchParams();
  const fiscalYear = Number(params.get('fiscalYear')) || currentFiscalYear();
  const [yearText, setYearText] = useState(String(fiscalYear));
  const list = useLoad(
    () => api<SelfEvaluationRow[]>('/self-evaluations', { query: { fiscalYear } }),
    [fiscalYear],
  );
  const rows = list.data ?? [];
  const reviewer = has('department_reviewer');
  const awaiting = rows.filter((r) =>
    reviewer ? r.status === 'filed' : r.status === 'none' || r.status === 'returned',
  );
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>绩效自评</h1>
          <p className="muted">
            {reviewer
              ? `待审核 ${awaiting.length} 项：确认定性指标的得分比例，或退回修改。`
              : `待填报或待修改 ${awaiting.length} 项：年度结束后逐项填报实际完成情况。`}
          </p>
        </div>
        <div className="field inline">
          <label htmlFor="se-year">年度</label>
          <input
            id="se-year"
            className="w-year"
            inputMode="numeric"
            value={yearText}
            onChange={(e) => {
              const text = e.target.value.trim();
              setYearText(text);
              if (/^\d{4}$/.test(text)) setParams({ fiscalYear: text }, { replace: true });
            }}
          />
        </div>
      </div>
      <PageError error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && rows.length === 0 && <p className="empty">该年度没有已批复的目标。</p>}
      {rows.length > 0 && (
        <div className="card scroll-x">
          <table className="grid" aria-label="各项目绩效自评">
            <thead>
              <tr>
                <th>项目 / 单位</th>
                <th>状态</th>
                <th className="num">总分</th>
                <th>等级</th>
                <th>最近操作</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const [label, cls] = EVALUATION_STATUS[r.status] ?? [r.status, 'status'];
                return (
                  <tr key={r.targetId}>
                    <td>
                      <Link to={`/targets/${encodeURIComponent(r.targetId)}/self-evaluation`}>
                        {r.projectName}
                      </Link>
                      <div className="muted small">{r.unitName}</div>
                    </td>
                    <td className="nowrap">
                      <span className={cls}>{label}</span>
                    </td>
                    <td className="num">{r.total === null ? '—' : r.total.toFixed(2)}</td>
                    <td>{r.grade ?? '—'}</td>
                    <td className="small">{r.by ? `${r.by}，${dateTime(r.at)}` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
