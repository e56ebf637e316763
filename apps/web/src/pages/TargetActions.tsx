import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api';
import { ErrorText, Notice } from '../components';
import { statusName } from '../format';
import type { Target, User } from '../types';
import { AdjustmentForm, PendingAdjustmentCard } from './Adjustment';

/** The unit's own preparer or head, or an admin: who revises, submits and adjusts a target. */
export function mayPrepare(t: Target, user: User | null): boolean {
  if (!user) return false;
  if (user.roles.includes('admin')) return true;
  const own = user.unit === t.unitCode;
  return own && (user.roles.includes('preparer') || user.roles.includes('unit_head'));
}

/** The latest 退回 opinion, shown beside 修改 so the person sees what to change. */
function returnOpinion(t: Target): string | null {
  const r = [...t.reviews].reverse().find((x) => x.outcome === 'returned' || x.grade === '中');
  return r ? `${r.reviewer.name}：${r.opinion}` : null;
}

/**
 * The preparer's acts on the target page: 修改 and 送审 / 重新送审 of a draft or returned target,
 * 申请调整 of an approved one, and the adjustment under review beside the version in force.
 */
export function PreparerActions({
  t,
  user,
  onChange,
}: {
  t: Target;
  user: User | null;
  onChange: (t: Target) => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [blocked, setBlocked] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [adjusting, setAdjusting] = useState(false);
  if (!mayPrepare(t, user)) return <PendingAdjustmentCard t={t} />;
  const editable = t.status === 'draft' || t.status === 'returned';
  const opinion = t.status === 'returned' ? returnOpinion(t) : null;

  async function submit() {
    setBusy(true);
    setError(null);
    setBlocked([]);
    setDone(null);
    try {
      const n = await api<Target>(`/targets/${encodeURIComponent(t.id)}/submit`, {
        method: 'POST',
      });
      setDone(`已送审，目标状态：${statusName(n.status)}`);
      onChange(n);
    } catch (err) {
      const problems = err instanceof ApiError ? err.details.problems : undefined;
      if (Array.isArray(problems)) setBlocked(problems.map(String));
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {done && <Notice>{done}</Notice>}
      {editable && (
        <div className="card preparer-actions" aria-label="填报操作">
          {opinion && (
            <p className="banner banner-warn" role="note">
              <strong>退回意见：</strong>
              {opinion}
            </p>
          )}
          <div className="actions">
            <Link className="btn" to={`/targets/${encodeURIComponent(t.id)}/edit`}>
              修改
            </Link>
            <button type="button" className="btn btn-primary" disabled={busy} onClick={submit}>
              {t.status === 'returned' ? '重新送审' : '送审'}
            </button>
          </div>
          {t.problems.length > 0 && blocked.length === 0 && (
            <p className="hint">还有 {t.problems.length} 个问题（见下方），解决后才能送审。</p>
          )}
          <ErrorText error={error} />
          {blocked.length > 0 && (
            <ul className="warn-text" aria-label="不能送审的原因">
              {blocked.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {t.status === 'approved' && !t.pendingAdjustment && !adjusting && (
        <div className="actions">
          <button type="button" className="btn" onClick={() => setAdjusting(true)}>
            申请调整
          </button>
        </div>
      )}
      {adjusting && t.status === 'approved' && (
        <AdjustmentForm
          t={t}
          onCancel={() => setAdjusting(false)}
          onRequested={(n) => {
            setAdjusting(false);
            setDone('调整申请已提交，待主管部门审核；批复前现行版本继续有效。');
            onChange(n);
          }}
        />
      )}
      <PendingAdjustmentCard t={t} />
    </>
  );
}
