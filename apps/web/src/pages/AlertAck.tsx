import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ErrorText, Field } from '../components';
import { fieldOf } from '../errors';
import { ALERT_KINDS } from '../format';
import type { Alert } from '../types';

export interface AlertFilters {
  readonly fiscalYear: string;
  readonly level: string;
  readonly kind: string;
}

/** 年度、等级、类型: each change asks the API again (the filters are the API's own). */
export function AlertFilterBar({
  value,
  years,
  onChange,
}: {
  value: AlertFilters;
  years: number[];
  onChange: (f: AlertFilters) => void;
}) {
  const select = (key: keyof AlertFilters, label: string, options: [string, string][]) => (
    <Field id={`alert-${key}`} label={label}>
      <select
        id={`alert-${key}`}
        value={value[key]}
        onChange={(e) => onChange({ ...value, [key]: e.target.value })}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <div className="card filters" role="group" aria-label="预警筛选条件">
      <div className="form-grid">
        {select('fiscalYear', '预算年度', [
          ['', '全部年度'],
          ...years.map((y): [string, string] => [String(y), `${y}年`]),
        ])}
        {select('level', '预警等级', [
          ['', '全部等级'],
          ['yellow', '黄色预警'],
          ['red', '红色预警'],
        ])}
        {select('kind', '预警类型', [['', '全部类型'], ...Object.entries(ALERT_KINDS)])}
      </div>
    </div>
  );
}

const MAX_NOTE = 1000;

/** 确认预警 with the unit's note: why it lags and what it will do; the note goes into the trail. */
export function AckForm({
  alert,
  onCancel,
  onAcked,
}: {
  alert: Alert;
  onCancel: () => void;
  onAcked: (a: Alert) => void;
}) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [noteError, setNoteError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `ack-note-${alert.id}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNoteError(null);
    if (note.trim().length > MAX_NOTE) {
      setNoteError(`说明最多 ${MAX_NOTE} 字，现为 ${note.trim().length} 字`);
      return;
    }
    setBusy(true);
    try {
      onAcked(
        await api<Alert>(`/alerts/${encodeURIComponent(alert.id)}/ack`, {
          method: 'POST',
          body: { note: note.trim() },
        }),
      );
    } catch (err) {
      if (fieldOf(err) === 'note') setNoteError(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="确认预警">
      <Field id={id} label="确认说明（滞后原因及整改措施，可不填）" error={noteError}>
        <textarea
          id={id}
          rows={3}
          value={note}
          placeholder="例如：保险费合同7月签订，已约定7月10日前付款"
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={!!noteError}
        />
      </Field>
      <ErrorText error={error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          提交确认
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          取消
        </button>
      </div>
    </form>
  );
}
