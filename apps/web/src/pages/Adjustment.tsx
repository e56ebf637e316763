import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ErrorText, Field } from '../components';
import { fieldOf } from '../errors';
import { CHECKPOINT_NAMES, dateTime, statusName, yuan } from '../format';
import type { Budget, Indicator, Plan, Target } from '../types';
import {
  budgetProblems,
  BudgetFields,
  CHECKPOINTS,
  IndicatorTree,
  planCellProblems,
  PlanFields,
  planOf,
  planText,
  useTemplate,
} from './target-editor';

/** A pending adjustment as the target answers it: only the parts it changes are present. */
export interface PendingAdjustment {
  readonly id?: string;
  readonly reason?: string;
  readonly status?: string;
  readonly budget?: Budget;
  readonly plan?: Plan;
  readonly indicators?: Indicator[];
  readonly requestedBy?: { id: string; name: string };
  readonly requestedAt?: string;
}

const plain = (list: Indicator[]) =>
  list.map(({ level1, level2, name, description, target, basis }) => ({
    level1,
    level2,
    name,
    description,
    target,
    basis,
  }));

/**
 * 申请调整 of an approved target: a reason and any of budget, plan and indicators, each
 * starting from the version in force. Until it is approved, that version stays in force.
 */
export function AdjustmentForm({
  t,
  onCancel,
  onRequested,
}: {
  t: Target;
  onCancel: () => void;
  onRequested: (t: Target) => void;
}) {
  const template = useTemplate(t.fiscalYear);
  const [reason, setReason] = useState('');
  const [parts, setParts] = useState({ budget: false, plan: false, indicators: false });
  const [budget, setBudget] = useState<Budget>(t.budget);
  const [plan, setPlan] = useState(planText(t.plan));
  const [indicators, setIndicators] = useState<Indicator[]>(plain(t.indicators));
  const [error, setError] = useState<unknown>(null);
  const [reasonError, setReasonError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problems = [
    ...(parts.budget ? budgetProblems(budget) : []),
    ...(parts.plan ? planCellProblems(plan) : []),
    ...(!parts.budget && !parts.plan && !parts.indicators ? ['请至少选择一项要调整的内容'] : []),
  ];

  async function send(e: FormEvent) {
    e.preventDefault();
    setReasonError(reason.trim() ? null : '请填写调整原因');
    if (!reason.trim() || problems.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const body = {
        reason: reason.trim(),
        ...(parts.budget ? { budget } : {}),
        ...(parts.plan ? { plan: planOf(plan) } : {}),
        ...(parts.indicators ? { indicators } : {}),
      };
      onRequested(
        await api<Target>(`/targets/${encodeURIComponent(t.id)}/adjustments`, {
          method: 'POST',
          body,
        }),
      );
    } catch (err) {
      if (fieldOf(err) === 'reason') setReasonError(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  const check = (k: keyof typeof parts, label: string) => (
    <label className="check">
      <input
        type="checkbox"
        checked={parts[k]}
        onChange={(e) => setParts({ ...parts, [k]: e.target.checked })}
      />
      {label}
    </label>
  );
  return (
    <form className="card" onSubmit={send} noValidate aria-label="申请调整">
      <h2>申请调整</h2>
      <p className="muted small">
        调整是新的版本，经主管部门和财政两级审核后生效；批复前，第 {t.version}{' '}
        版（现行批复版本）继续有效。
      </p>
      <Field id="adj-reason" label="调整原因" error={reasonError}>
        <textarea
          id="adj-reason"
          rows={2}
          value={reason}
          aria-required
          aria-invalid={!!reasonError}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <div className="radios" role="group" aria-label="调整内容">
        <span className="label">调整内容</span>
        {check('budget', '预算')}
        {check('plan', '支出计划')}
        {check('indicators', '绩效指标')}
      </div>
      {parts.budget && <BudgetFields idPrefix="adj-budget" value={budget} onChange={setBudget} />}
      {parts.plan && <PlanFields idPrefix="adj-plan" value={plan} onChange={setPlan} />}
      {parts.indicators && (
        <IndicatorTree
          idPrefix="adj-ind"
          template={template}
          value={indicators}
          onChange={setIndicators}
        />
      )}
      {problems.length > 0 && (
        <ul className="warn-text">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <ErrorText error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          提交调整申请
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}

/** The adjustment under review beside the version in force, part by part. */
export function PendingAdjustmentCard({ t }: { t: Target }) {
  const p = t.pendingAdjustment as PendingAdjustment | null | undefined;
  if (!p) return null;
  return (
    <div className="card" aria-label="调整申请">
      <h2>调整申请（{statusName(p.status ?? '')}）</h2>
      <p className="muted small">
        {p.requestedBy?.name}
        {p.requestedAt ? ` 于 ${dateTime(p.requestedAt)}` : ''} 申请；原因：{p.reason}
        。批复前，现行批复版本继续有效。
      </p>
      <table className="grid compact">
        <thead>
          <tr>
            <th>内容</th>
            <th>现行批复版本</th>
            <th>调整后</th>
          </tr>
        </thead>
        <tbody>
          {p.budget && (
            <tr>
              <td>预算数（元）</td>
              <td className="num">{yuan(t.budget.total)}</td>
              <td className="num">{yuan(p.budget.total)}</td>
            </tr>
          )}
          {p.plan &&
            CHECKPOINTS.map((c) => (
              <tr key={c}>
                <td>{CHECKPOINT_NAMES[c]}累计支出计划</td>
                <td className="num">{t.plan[c] === null ? '空白' : `${t.plan[c]}%`}</td>
                <td className="num">{p.plan![c] === null ? '空白' : `${p.plan![c]}%`}</td>
              </tr>
            ))}
          {p.indicators && (
            <tr>
              <td>绩效指标</td>
              <td>{t.indicators.map((i) => `${i.name} ${i.target}`).join('；')}</td>
              <td>{p.indicators.map((i) => `${i.name} ${i.target}`).join('；')}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
