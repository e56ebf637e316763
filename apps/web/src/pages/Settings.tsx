import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { useCalendar } from '../calendar';
import { ErrorText, Field, Loading, Notice, PageError, useLoad, useTitle } from '../components';
import { fieldOf } from '../errors';

interface MonitoringConfig {
  readonly fiscalYear: number;
  readonly yellowPp: number;
  readonly redPp: number;
  readonly tolerancePp: number;
  readonly escalationDays: number;
  readonly timeProgressMethod: 'days' | 'months';
  readonly scoreWeights: { execution: number; groups: Record<string, number> };
}

type Draft = Record<'yellowPp' | 'redPp' | 'tolerancePp' | 'escalationDays', string> & {
  timeProgressMethod: 'days' | 'months';
};

const draftOf = (c: MonitoringConfig): Draft => ({
  yellowPp: String(c.yellowPp),
  redPp: String(c.redPp),
  tolerancePp: String(c.tolerancePp),
  escalationDays: String(c.escalationDays),
  timeProgressMethod: c.timeProgressMethod ?? 'days',
});

const METHODS = [
  { value: 'days', label: '按天', hint: '已过天数 ÷ 全年天数，例如 7月15日为 196 ÷ 365 = 53.70 %' },
  {
    value: 'months',
    label: '按月',
    hint: '已过整月数 ÷ 12，当月最后一天结束才计入，例如 7月15日为 6 ÷ 12 = 50 %',
  },
] as const;

/** 监控参数: the thresholds and the time-progress method of one fiscal year. */
export function SettingsPage() {
  useTitle('监控参数');
  const calendar = useCalendar();
  // the year as typed; it is asked for once it is four digits (not at each keystroke)
  const [yearText, setYearText] = useState('');
  useEffect(() => {
    if (calendar && yearText === '') setYearText(String(calendar.fiscalYear));
  }, [calendar]);
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
  const config = useLoad(
    () =>
      year === null
        ? Promise.resolve(undefined)
        : api<MonitoringConfig>(`/config/monitoring/${year}`),
    [year],
  );
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>监控参数</h1>
          <p className="muted small">每个预算年度各自设置预警阈值、节点容差和序时进度计算方法。</p>
        </div>
        <Field id="settings-year" label="预算年度" className="inline">
          <input
            id="settings-year"
            type="number"
            className="w-year"
            value={yearText}
            onChange={(e) => {
              setNotice(null);
              setYearText(e.target.value);
            }}
          />
        </Field>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <PageError error={config.error} />
      {(config.loading || !config.data) && !config.error && <Loading />}
      {config.data && year !== null && (
        <ConfigForm
          key={`${year}-${config.data.yellowPp}-${config.data.timeProgressMethod}`}
          year={year}
          config={config.data}
          onSaved={(c) => {
            config.set(c);
            setNotice(`已保存 ${year} 年度的监控参数`);
          }}
        />
      )}
    </section>
  );
}

function ConfigForm(props: {
  year: number;
  config: MonitoringConfig;
  onSaved: (c: MonitoringConfig) => void;
}) {
  const [d, setD] = useState<Draft>(draftOf(props.config));
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);

  function check(): Record<string, string> {
    const fe: Record<string, string> = {};
    for (const k of ['yellowPp', 'redPp', 'tolerancePp'] as const) {
      const n = Number(d[k]);
      if (d[k].trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
        fe[k] = '应为 0 至 100 之间的数，最多两位小数';
    }
    if (!fe.yellowPp && !fe.redPp && !fe.tolerancePp) {
      const [t, y, r] = [Number(d.tolerancePp), Number(d.yellowPp), Number(d.redPp)];
      if (!(t < y && y < r)) fe.yellowPp = '应满足：节点容差 < 黄色预警阈值 < 红色预警阈值';
    }
    const days = Number(d.escalationDays);
    if (!Number.isInteger(days) || days < 1 || days > 60) fe.escalationDays = '应为 1 至 60 的整数';
    return fe;
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const fe = check();
    setErrors(fe);
    if (Object.keys(fe).length) return;
    setBusy(true);
    try {
      const saved = await api<MonitoringConfig>(`/config/monitoring/${props.year}`, {
        method: 'PUT',
        body: {
          yellowPp: Number(d.yellowPp),
          redPp: Number(d.redPp),
          tolerancePp: Number(d.tolerancePp),
          escalationDays: Number(d.escalationDays),
          timeProgressMethod: d.timeProgressMethod,
          scoreWeights: props.config.scoreWeights,
        },
      });
      props.onSaved(saved);
    } catch (err) {
      const f = fieldOf(err);
      setErrors(f ? { [f]: err } : { form: err });
    } finally {
      setBusy(false);
    }
  }

  const num = (key: keyof Omit<Draft, 'timeProgressMethod'>, label: string, unit: string) => (
    <Field id={`cfg-${key}`} label={`${label}（${unit}）`} error={errors[key]}>
      <input
        id={`cfg-${key}`}
        inputMode="decimal"
        value={d[key]}
        onChange={(e) => setD({ ...d, [key]: e.target.value })}
        aria-invalid={!!errors[key]}
      />
    </Field>
  );

  return (
    <form className="card" onSubmit={save} noValidate aria-label={`${props.year} 年度监控参数`}>
      <h2>{props.year} 年度</h2>
      <div className="form-grid">
        {num('yellowPp', '黄色预警阈值', '百分点')}
        {num('redPp', '红色预警阈值', '百分点')}
        {num('tolerancePp', '节点容差', '百分点')}
        {num('escalationDays', '红色预警未确认上报部门', '天')}
      </div>
      <fieldset className="radios" aria-describedby="method-hint">
        <legend className="label">序时进度计算方法</legend>
        {METHODS.map((m) => (
          <label key={m.value} className="radio">
            <input
              type="radio"
              name="timeProgressMethod"
              value={m.value}
              checked={d.timeProgressMethod === m.value}
              onChange={() => setD({ ...d, timeProgressMethod: m.value })}
            />
            {m.label}
          </label>
        ))}
      </fieldset>
      <p id="method-hint" className="hint">
        {METHODS.find((m) => m.value === d.timeProgressMethod)!.hint}
      </p>
      <p className="muted small">
        支出滞后 = 计划进度 − 实际执行率；达到黄色或红色阈值即预警，节点日滞后超过容差也预警。
      </p>
      <ErrorText error={errors.form ?? errors.timeProgressMethod ?? errors.scoreWeights} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? '保存中…' : '保存'}
        </button>
      </div>
    </form>
  );
}
