import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { ErrorText, Field, Notice } from '../components';
import { fieldOf, messageOf } from '../errors';
import { date, dateTime, SOURCE_NAMES, toFen, yuan } from '../format';
import { amountOf, newKey } from '../ids';
import type { Disbursement, Target } from '../types';

const PERIODS: Record<string, string> = {
  P1: '1–3月',
  P2: '4–6月',
  P3: '7–10月',
  P4: '11–12月',
};

const remainingOf = (d: Disbursement): string => {
  const left = (toFen(d.amount) ?? 0n) - (toFen(d.reversed) ?? 0n);
  return `${left / 100n}.${(left % 100n).toString().padStart(2, '0')}`;
};

/** Disbursements of an approved target: the list, the entry form and reversals. */
export function Disbursements({ t, reload }: { t: Target; reload: () => void }) {
  const { has } = useAuth();
  const canRecord = t.status === 'approved' && has('preparer', 'unit_head', 'admin');
  const [reversing, setReversing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = t.disbursements ?? [];

  return (
    <div className="card">
      <h2>支出登记</h2>
      <p className="muted small">
        批复预算 {yuan(t.approvedBudget?.total ?? t.budget.total)} 元 · 已支出（净额）
        {yuan(t.disbursed ?? '0')} 元
      </p>
      {notice && <Notice>{notice}</Notice>}
      {list.length === 0 ? (
        <p className="empty">尚无支出记录。</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>支付日期</th>
              <th>凭证号</th>
              <th>资金来源</th>
              <th className="num">金额（元）</th>
              <th className="num">已冲销（元）</th>
              <th className="num">净额（元）</th>
              <th>备注</th>
              <th>登记人</th>
              {canRecord && <th>操作</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((d) => {
              const remaining = remainingOf(d);
              return (
                <DisbursementRow
                  key={d.id}
                  d={d}
                  remaining={remaining}
                  canRecord={canRecord}
                  open={reversing === d.id}
                  onOpen={() => setReversing(reversing === d.id ? null : d.id)}
                  onDone={(msg) => {
                    setReversing(null);
                    setNotice(msg);
                    reload();
                  }}
                  targetId={t.id}
                />
              );
            })}
          </tbody>
        </table>
      )}
      {canRecord && (
        <DisbursementForm
          t={t}
          onDone={(msg) => {
            setNotice(msg);
            reload();
          }}
        />
      )}
    </div>
  );
}

function DisbursementRow(props: {
  d: Disbursement;
  remaining: string;
  canRecord: boolean;
  open: boolean;
  onOpen: () => void;
  onDone: (msg: string) => void;
  targetId: string;
}) {
  const { d, remaining, canRecord, open } = props;
  const left = (toFen(remaining) ?? 0n) > 0n;
  return (
    <>
      <tr className={left ? '' : 'reversed'}>
        <td className="nowrap">
          {date(d.date)}
          {d.period && <span className="tag">{PERIODS[d.period] ?? d.period}</span>}
        </td>
        <td className="mono">{d.voucherNo}</td>
        <td>{SOURCE_NAMES[d.source ?? ''] ?? ''}</td>
        <td className="num">{yuan(d.amount)}</td>
        <td className="num">{toFen(d.reversed) ? yuan(d.reversed) : ''}</td>
        <td className="num">{yuan(remaining)}</td>
        <td>{d.note}</td>
        <td className="nowrap" title={dateTime(d.recordedAt)}>
          {d.recordedBy?.name}
        </td>
        {canRecord && (
          <td>
            {left && (
              <button
                type="button"
                className="btn btn-small"
                aria-expanded={open}
                onClick={props.onOpen}
              >
                冲销
              </button>
            )}
          </td>
        )}
      </tr>
      {open && (
        <tr className="inline-form-row">
          <td colSpan={9}>
            <ReversalForm
              targetId={props.targetId}
              d={d}
              remaining={remaining}
              onDone={props.onDone}
              onCancel={props.onOpen}
            />
          </td>
        </tr>
      )}
    </>
  );
}

/** The key of a submission, kept for a retry of the same content. */
function useSubmissionKey() {
  const last = useRef<{ body: string; key: string } | null>(null);
  return {
    keyFor(body: unknown): string {
      const text = JSON.stringify(body);
      if (last.current?.body !== text) last.current = { body: text, key: newKey() };
      return last.current.key;
    },
    done() {
      last.current = null;
    },
  };
}

function DisbursementForm({ t, onDone }: { t: Target; onDone: (msg: string) => void }) {
  const [amount, setAmount] = useState('');
  const [payDate, setPayDate] = useState('');
  const [voucherNo, setVoucherNo] = useState('');
  const [source, setSource] = useState<'fiscal' | 'other'>('fiscal');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const submission = useSubmissionKey();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fe: Record<string, unknown> = {};
    const value = amountOf(amount);
    if (!value) fe.amount = '请输入大于 0 的金额，最多两位小数';
    if (!payDate) fe.date = '请选择支付日期';
    else if (!payDate.startsWith(`${t.fiscalYear}-`))
      fe.date = `支付日期须在 ${t.fiscalYear} 年度内`;
    if (!voucherNo.trim()) fe.voucherNo = '请填写凭证号';
    setErrors(fe);
    if (Object.keys(fe).length) return;
    const body = {
      amount: value!,
      date: payDate,
      voucherNo: voucherNo.trim(),
      source,
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    setBusy(true);
    try {
      await api(`/targets/${encodeURIComponent(t.id)}/disbursements`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': submission.keyFor(body) },
      });
      submission.done();
      setAmount('');
      setVoucherNo('');
      setNote('');
      onDone(`已登记支出 ${yuan(body.amount)} 元（凭证号 ${body.voucherNo}）`);
    } catch (err) {
      const f = fieldOf(err);
      const known = ['amount', 'date', 'voucherNo', 'source', 'note'];
      if (f && known.includes(f)) setErrors({ [f]: err });
      else if ((err as { code?: string }).code === 'DUPLICATE_VOUCHER')
        setErrors({ voucherNo: err });
      else if (['DATE_OUTSIDE_FISCAL_YEAR'].includes((err as { code?: string }).code ?? ''))
        setErrors({ date: err });
      else setErrors({ form: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="subform" onSubmit={submit} noValidate aria-labelledby="disb-title">
      <h3 id="disb-title">登记支出</h3>
      <div className="form-grid">
        <Field id="disb-amount" label="金额（元）" error={errors.amount}>
          <input
            id="disb-amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-invalid={!!errors.amount}
            placeholder="例如 12500.00"
          />
        </Field>
        <Field id="disb-date" label="支付日期" error={errors.date}>
          <input
            id="disb-date"
            type="date"
            min={`${t.fiscalYear}-01-01`}
            max={`${t.fiscalYear}-12-31`}
            value={payDate}
            onChange={(e) => setPayDate(e.target.value)}
            aria-invalid={!!errors.date}
          />
        </Field>
        <Field id="disb-voucher" label="凭证号" error={errors.voucherNo}>
          <input
            id="disb-voucher"
            value={voucherNo}
            onChange={(e) => setVoucherNo(e.target.value)}
            aria-invalid={!!errors.voucherNo}
            placeholder="例如 记-05-001"
          />
        </Field>
        <Field id="disb-source" label="资金来源" error={errors.source}>
          <select
            id="disb-source"
            value={source}
            onChange={(e) => setSource(e.target.value as 'fiscal' | 'other')}
          >
            <option value="fiscal">财政拨款</option>
            <option value="other">其他资金</option>
          </select>
        </Field>
        <Field id="disb-note" label="备注" error={errors.note} className="field-wide">
          <input id="disb-note" value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </div>
      <ErrorText error={errors.form} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        登记支出
      </button>
    </form>
  );
}

function ReversalForm(props: {
  targetId: string;
  d: Disbursement;
  remaining: string;
  onDone: (msg: string) => void;
  onCancel: () => void;
}) {
  const { d } = props;
  const [amount, setAmount] = useState(props.remaining);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const submission = useSubmissionKey();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fe: Record<string, unknown> = {};
    const value = amountOf(amount);
    if (!value) fe.amount = '请输入大于 0 的冲销金额';
    if (!reason.trim()) fe.reason = '请填写冲销原因';
    setErrors(fe);
    if (Object.keys(fe).length) return;
    const body = { amount: value!, reason: reason.trim() };
    setBusy(true);
    try {
      await api(
        `/targets/${encodeURIComponent(props.targetId)}/disbursements/${encodeURIComponent(d.id)}/reversals`,
        { method: 'POST', body, headers: { 'Idempotency-Key': submission.keyFor(body) } },
      );
      submission.done();
      props.onDone(`已冲销凭证 ${d.voucherNo} 的 ${yuan(body.amount)} 元`);
    } catch (err) {
      const f = fieldOf(err);
      const code = (err as { code?: string }).code;
      if (f === 'amount' || f === 'reason') setErrors({ [f]: err });
      else if (code === 'REVERSAL_EXCEEDS_REMAINING') setErrors({ amount: err });
      else setErrors({ form: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="reversal" onSubmit={submit} noValidate aria-label={`冲销凭证 ${d.voucherNo}`}>
      <div className="form-grid">
        <Field id={`rev-amount-${d.id}`} label="冲销金额（元）" error={errors.amount}>
          <input
            id={`rev-amount-${d.id}`}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-invalid={!!errors.amount}
          />
          <span className="hint">最多可冲销 {yuan(props.remaining)} 元</span>
        </Field>
        <Field
          id={`rev-reason-${d.id}`}
          label="冲销原因"
          error={errors.reason}
          className="field-wide"
        >
          <input
            id={`rev-reason-${d.id}`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={!!errors.reason}
          />
        </Field>
      </div>
      <ErrorText error={errors.form} />
      <div className="actions">
        <button type="submit" className="btn btn-danger" disabled={busy}>
          确认冲销
        </button>
        <button type="button" className="btn btn-quiet" onClick={props.onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
