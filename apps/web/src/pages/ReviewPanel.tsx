import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { ErrorText, Field, Loading, Notice, PageError, useLoad } from '../components';
import { fieldOf } from '../errors';
import { CHECKPOINT_NAMES, STAGE_NAMES, statusName, yuan } from '../format';
import type { Budget, Checkpoint, Grade, Indicator, Plan, ReviewItem, Target } from '../types';

/** GET /targets/:id/changes: what changed since the version a reviewer last saw. */
export interface TargetChanges {
  readonly kind: 'target' | 'adjustment';
  readonly from: number | null;
  readonly to: number;
  readonly firstSubmission: boolean;
  readonly adjustmentId: string | null;
  readonly reason: string | null;
  readonly fields: {
    field: string;
    label: string;
    before: string | Budget | Plan;
    after: string | Budget | Plan;
  }[];
  readonly indicators: {
    added: Indicator[];
    removed: Indicator[];
    changed: { before: Indicator; after: Indicator; parts: (keyof Indicator)[] }[];
  };
}

const GRADES: Grade[] = ['优', '良', '中', '差'];
const CHECKPOINTS: Checkpoint[] = ['M3', 'M6', 'M10', 'M12'];
const PART_NAMES: Record<string, string> = {
  description: '绩效指标描述',
  target: '指标值',
  basis: '指标值确定依据',
};

export const loadChanges = (id: string) =>
  api<TargetChanges>(`/targets/${encodeURIComponent(id)}/changes`);

/** The stage the target (or its pending adjustment) awaits, if any. */
export function awaitedStage(t: Target): 'department' | 'finance' | null {
  const s = t.pendingAdjustment?.status ?? t.status;
  if (s === 'submitted') return 'department';
  if (s === 'department_approved') return 'finance';
  return null;
}

/** One line for the inbox: 首次送审, or which fields and how many indicators changed. */
export function changeSummary(c: TargetChanges): string {
  if (c.firstSubmission) return '首次送审';
  const { added, removed, changed } = c.indicators;
  const parts = c.fields.map((f) => f.label);
  const counts = [
    added.length ? `新增 ${added.length}` : '',
    removed.length ? `删除 ${removed.length}` : '',
    changed.length ? `修改 ${changed.length}` : '',
  ].filter(Boolean);
  if (counts.length) parts.push(`绩效指标（${counts.join('、')}）`);
  const what = parts.length ? parts.join('、') : '内容无变化';
  return c.kind === 'adjustment' ? `调整：${what}` : `较上次审核：${what}`;
}

function valueText(v: string | Budget | Plan): string {
  if (typeof v === 'string') return v;
  if ('total' in v)
    return `总额 ${yuan(v.total)} 元（财政拨款 ${yuan(v.fiscal)}，其他资金 ${yuan(v.other)}）`;
  return CHECKPOINTS.map(
    (c) => `${CHECKPOINT_NAMES[c]} ${v[c] === null ? '空白' : `${v[c]}%`}`,
  ).join(' · ');
}

const indicatorName = (i: Indicator) => `${i.level1} / ${i.level2} / ${i.name}`;

/** The diff as a reviewer reads it: fields before and after, then indicator rows. */
export function ChangesView({ changes: c }: { changes: TargetChanges }) {
  const { added, removed, changed } = c.indicators;
  const title =
    c.kind === 'adjustment'
      ? `调整内容（与现行批复版本第 ${c.from} 版相比）`
      : c.firstSubmission
        ? '变更内容'
        : `变更内容（与上次审核的第 ${c.from} 版相比）`;
  const empty = c.fields.length + added.length + removed.length + changed.length === 0;
  return (
    <div className="changes" role="region" aria-label="变更内容">
      <h3>{title}</h3>
      {c.kind === 'adjustment' && c.reason && (
        <p>
          <strong>调整原因：</strong>
          {c.reason}
        </p>
      )}
      {c.firstSubmission ? (
        <p className="muted">首次送审：此前没有审核过的版本，请审核下方的完整目标表。</p>
      ) : empty ? (
        <p className="muted">内容与比较的版本相同，没有变化。</p>
      ) : (
        <div className="scroll-x">
          <table className="grid compact stack-sm">
            <thead>
              <tr>
                <th>项目</th>
                <th>变更类型</th>
                <th>原内容</th>
                <th>新内容</th>
              </tr>
            </thead>
            <tbody>
              {c.fields.map((f) => (
                <tr key={f.field}>
                  <td data-label="项目" className="nowrap">
                    {f.label}
                  </td>
                  <td data-label="变更类型" className="nowrap">
                    修改
                  </td>
                  <td data-label="原内容" className="pre diff-old">
                    {valueText(f.before)}
                  </td>
                  <td data-label="新内容" className="pre diff-new">
                    {valueText(f.after)}
                  </td>
                </tr>
              ))}
              {added.map((i, n) => (
                <tr key={`a${n}`}>
                  <td data-label="项目">指标：{indicatorName(i)}</td>
                  <td data-label="变更类型" className="nowrap">
                    新增
                  </td>
                  <td data-label="原内容" className="muted">
                    —
                  </td>
                  <td data-label="新内容" className="diff-new">
                    指标值 {i.target}
                  </td>
                </tr>
              ))}
              {removed.map((i, n) => (
                <tr key={`r${n}`}>
                  <td data-label="项目">指标：{indicatorName(i)}</td>
                  <td data-label="变更类型" className="nowrap">
                    删除
                  </td>
                  <td data-label="原内容" className="diff-old">
                    指标值 {i.target}
                  </td>
                  <td data-label="新内容" className="muted">
                    —
                  </td>
                </tr>
              ))}
              {changed.map((x, n) => (
                <tr key={`c${n}`}>
                  <td data-label="项目">指标：{indicatorName(x.after)}</td>
                  <td data-label="变更类型" className="nowrap">
                    修改
                  </td>
                  <td data-label="原内容" className="diff-old">
                    {x.parts.map((p) => `${PART_NAMES[p]} ${x.before[p]}`).join('；')}
                  </td>
                  <td data-label="新内容" className="diff-new">
                    {x.parts.map((p) => `${PART_NAMES[p]} ${x.after[p]}`).join('；')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

interface Done {
  readonly grade: Grade;
  readonly opinion: string;
  readonly status: string;
  readonly adjustment: boolean;
  readonly stage: 'department' | 'finance';
}

/**
 * The review on the target page: what changed, the form, and after the review a confirmation
 * that stays (grade, opinion, new status) with the next item of the inbox one click away.
 */
export function ReviewPanel({
  t,
  canReview,
  onReviewed,
}: {
  t: Target;
  canReview: boolean;
  onReviewed: (t: Target) => void;
}) {
  const [done, setDone] = useState<Done | null>(null);
  if (done) return <ReviewDone t={t} done={done} />;
  if (!canReview) return null;
  return <ReviewForm t={t} onReviewed={(n, d) => (setDone(d), onReviewed(n))} />;
}

function ReviewForm({ t, onReviewed }: { t: Target; onReviewed: (t: Target, d: Done) => void }) {
  const stage = awaitedStage(t)!;
  const changes = useLoad(() => loadChanges(t.id), [t.id, t.version]);
  const [grade, setGrade] = useState<Grade | ''>('');
  const [opinion, setOpinion] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<{ grade?: string; opinion?: unknown }>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const fe: typeof fieldErrors = {};
    if (!grade) fe.grade = '请选择评级';
    if ((grade === '中' || grade === '差') && !opinion.trim())
      fe.opinion = '评级为“中”或“差”时必须填写审核意见';
    setFieldErrors(fe);
    if (fe.grade || fe.opinion || !grade) return;
    setBusy(true);
    try {
      const next = await api<Target>(`/targets/${encodeURIComponent(t.id)}/reviews`, {
        method: 'POST',
        body: { grade, opinion: opinion.trim() },
      });
      const adjustment = !!t.pendingAdjustment;
      const status = adjustment
        ? next.pendingAdjustment
          ? `调整${statusName(next.pendingAdjustment.status ?? '')}`
          : grade === '差'
            ? '调整不予通过，原批复版本继续有效'
            : '调整已批复'
        : statusName(next.status);
      onReviewed(next, { grade, opinion: opinion.trim(), status, adjustment, stage });
    } catch (err) {
      const f = fieldOf(err);
      if (f === 'opinion') setFieldErrors({ opinion: err });
      else if (f === 'grade') setFieldErrors({ grade: String((err as Error).message) });
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="review-title">
      <h2 id="review-title">
        {STAGE_NAMES[stage]}
        {t.pendingAdjustment ? '（调整申请）' : ''}
      </h2>
      <PageError error={changes.error} />
      {changes.data ? <ChangesView changes={changes.data} /> : changes.loading && <Loading />}
      <div
        role="radiogroup"
        aria-labelledby="grade-label"
        aria-describedby="grade-hint"
        className="radios"
      >
        <span id="grade-label" className="label">
          评级
        </span>
        {GRADES.map((g) => (
          <label key={g} className={`radio grade-${g}`}>
            <input
              type="radio"
              name="grade"
              value={g}
              checked={grade === g}
              onChange={() => setGrade(g)}
            />
            {g}
          </label>
        ))}
      </div>
      <p id="grade-hint" className="hint">
        优、良：通过本阶段；中：退回修改；差：不予通过（中、差须填写审核意见）
      </p>
      {fieldErrors.grade && <ErrorText error={fieldErrors.grade} />}
      <Field id="review-opinion" label="审核意见" error={fieldErrors.opinion}>
        <textarea
          id="review-opinion"
          rows={3}
          value={opinion}
          onChange={(e) => setOpinion(e.target.value)}
          aria-invalid={!!fieldErrors.opinion}
          aria-required={grade === '中' || grade === '差'}
        />
      </Field>
      <ErrorText error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        提交审核
      </button>
    </form>
  );
}

/** The confirmation stays until the reviewer moves on; the next item is the oldest still waiting. */
function ReviewDone({ t, done }: { t: Target; done: Done }) {
  const inbox = useLoad(
    () => api<{ items: ReviewItem[] }>('/reviews', { query: { stage: done.stage } }),
    [done.stage],
  );
  const next = inbox.data?.items.find((i) => i.targetId !== t.id);
  return (
    <div className="card" aria-labelledby="review-done-title">
      <h2 id="review-done-title">{done.adjustment ? '调整申请审核完成' : '审核完成'}</h2>
      <Notice>
        已提交{STAGE_NAMES[done.stage]}：评级“{done.grade}”
        {done.opinion ? `，审核意见：${done.opinion}` : '，未填写审核意见'}
        。当前状态：{done.status}。
      </Notice>
      <PageError error={inbox.error} />
      <div className="actions">
        {next ? (
          <Link className="btn btn-primary" to={`/targets/${encodeURIComponent(next.targetId)}`}>
            下一项：{next.projectName || next.targetId}
            {next.kind === 'adjustment' ? '（调整）' : ''}
          </Link>
        ) : (
          inbox.data && <span className="muted">{STAGE_NAMES[done.stage]}待办已全部处理。</span>
        )}
        <Link className="btn" to="/reviews">
          返回审核待办
        </Link>
      </div>
    </div>
  );
}

/** The inbox's column: loaded per row, so a slow diff never holds up the list. */
export function ChangeCell({ targetId, since }: { targetId: string; since: string }) {
  const c = useLoad(() => loadChanges(targetId), [targetId, since]);
  if (c.error) return <span className="muted">无法读取变更</span>;
  if (!c.data) return <span className="muted">…</span>;
  return <span>{changeSummary(c.data)}</span>;
}
