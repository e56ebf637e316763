import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { fieldOf, messageOf } from './errors';
import { LEVEL_NAMES, statusName } from './format';
import type { Level } from './types';

/** An error shown where it happened: `role="alert"` so screen readers announce it. */
export function ErrorText({ error, id }: { error: unknown; id?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert" id={id}>
      {typeof error === 'string' ? error : messageOf(error)}
    </p>
  );
}

/**
 * A labelled form field: the wrapper `div.field` (plus any extra classes), the label
 * pointing at `id`, the control itself (children, which carry that `id`) and its error.
 */
export function Field({
  id,
  label,
  error,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  error?: unknown;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      <ErrorText error={error} />
    </div>
  );
}

/** A page-level error, at the top of the page. */
export function PageError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="banner banner-error" role="alert">
      {typeof error === 'string' ? error : messageOf(error)}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-ok" role="status">
      {children}
    </div>
  );
}

export function Loading({ what = '加载中…' }: { what?: string }) {
  return (
    <p className="muted loading" aria-busy="true">
      {what}
    </p>
  );
}

export function LevelMark({ level }: { level: Level | string }) {
  const name = LEVEL_NAMES[level as Level] ?? level;
  return (
    <span className={`mark mark-${level}`} title={`${name}色`}>
      <span className="dot" aria-hidden="true" />
      {name}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{statusName(status)}</span>;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
  set(data: T): void;
}

/** Loads once per change of `deps`; a late answer of an older request is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    load()
      .then((d) => {
        if (mine === seq.current) setData(d);
      })
      .catch((e: unknown) => {
        if (mine === seq.current) setError(e);
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, set: setData };
}

/** Sets the document title for a page. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · 预算绩效目标管理` : '预算绩效目标管理';
  }, [title]);
}

/**
 * A form for an act that cannot be undone and needs a reason (作废, 撤销本次导入): the reason is
 * asked first, then a second, explicit confirmation; `onConfirm` sends it and throws what the
 * API answered (an error of field `reason` is shown under the field).
 */
export function ReasonConfirmForm({
  id,
  title,
  intro,
  reasonLabel,
  submitLabel,
  confirmLabel,
  question,
  onConfirm,
  onCancel,
}: {
  id: string;
  title: string;
  intro: ReactNode;
  reasonLabel: string;
  submitLabel: string;
  confirmLabel: string;
  question: ReactNode;
  onConfirm: (reason: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  function ask(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setReasonError(reason.trim() ? null : `请填写${reasonLabel}`);
    if (reason.trim()) setConfirming(true);
  }

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
    } catch (err) {
      if (fieldOf(err) === 'reason') setReasonError(err);
      else setError(err);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <form className="card" onSubmit={ask} noValidate aria-label={title}>
      <h2>{title}</h2>
      <p className="muted small">{intro}</p>
      <Field id={id} label={reasonLabel} error={reasonError}>
        <textarea
          id={id}
          rows={2}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setConfirming(false);
          }}
          aria-invalid={!!reasonError}
          aria-required
        />
      </Field>
      <ErrorText error={error} />
      {confirming ? (
        <div className="banner banner-error" role="alert">
          {question}
          <div className="actions">
            <button type="button" className="btn btn-danger" disabled={busy} onClick={confirm}>
              {confirmLabel}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => setConfirming(false)}
            >
              取消
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="submit" className="btn btn-danger">
            {submitLabel}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            取消
          </button>
        </div>
      )}
    </form>
  );
}

/** A reviewer's opinion and the two outcomes of a review of a report (通过 / 退回修改). */
export function AcceptOrReturn({
  id,
  opinion,
  onOpinion,
  error,
  busy,
  acceptLabel,
  onReview,
}: {
  id: string;
  opinion: string;
  onOpinion: (text: string) => void;
  error: unknown;
  busy: boolean;
  acceptLabel: string;
  onReview: (outcome: 'accepted' | 'returned') => void;
}) {
  return (
    <>
      <Field id={id} label="审核意见（退回时必填）">
        <textarea id={id} rows={2} value={opinion} onChange={(e) => onOpinion(e.target.value)} />
      </Field>
      <ErrorText error={error} />
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={() => onReview('accepted')}
        >
          {acceptLabel}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          onClick={() => onReview('returned')}
        >
          退回修改
        </button>
      </div>
    </>
  );
}
