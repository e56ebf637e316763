import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, download } from '../api';
import { useAuth } from '../auth';
import { ErrorText, Field, LevelMark, Loading, PageError, useLoad, useTitle } from '../components';
import { LEVEL_NAMES, pct, pp, today, toFen, yuan } from '../format';
import type { Level, MonitoredTarget, MonitoredUnit } from '../types';
import { unitNames } from '../units';
import { currentFiscalYear } from '../calendar';

type SortKey = 'name' | 'budget' | 'disbursed' | 'actualPct' | 'plannedPct' | 'lagPp' | 'level';
const LEVEL_ORDER: Record<Level, number> = { red: 3, yellow: 2, green: 1 };

const COLUMNS: { key: SortKey; label: string; num?: boolean }[] = [
  { key: 'name', label: '项目名称' },
  { key: 'budget', label: '预算（元）', num: true },
  { key: 'disbursed', label: '已支出（元）', num: true },
  { key: 'actualPct', label: '执行率', num: true },
  { key: 'plannedPct', label: '计划进度', num: true },
  { key: 'lagPp', label: '滞后（百分点）', num: true },
  { key: 'level', label: '预警' },
];

function compare(a: MonitoredTarget, b: MonitoredTarget, key: SortKey): number {
  switch (key) {
    case 'name':
      return a.name.localeCompare(b.name, 'zh-CN');
    case 'budget':
    case 'disbursed': {
      const x = toFen(a[key]) ?? 0n;
      const y = toFen(b[key]) ?? 0n;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'level':
      return LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.lagPp - b.lagPp;
    default:
      return a[key] - b[key];
  }
}

/** The default as-of date: today within the year, its last day for a past year. */
function defaultAsOf(year: number): string {
  const t = today();
  const y = Number(t.slice(0, 4));
  if (y > year) return `${year}-12-31`;
  if (y < year) return `${year}-01-01`;
  return t;
}

export function DashboardPage() {
  useTitle('单位看板');
  const { user } = useAuth();
  const ownUnit = user?.roles.some((r) => r === 'unit_head' || r === 'preparer')
    ? (user?.unit ?? undefined)
    : undefined;
  const [params, setParams] = useSearchParams();
  const fiscalYear = Number(params.get('fiscalYear')) || currentFiscalYear();
  // the year as typed; the query follows once it is a whole year
  const [yearText, setYearText] = useState(String(fiscalYear));
  const asOf = params.get('asOf') ?? defaultAsOf(fiscalYear);
  const unit = ownUnit ?? params.get('unit') ?? '';
  const [levelFilter, setLevelFilter] = useState<'' | Level>('');
  const [text, setText] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'lagPp', asc: false });
  const [names, setNames] = useState<Record<string, string>>({});
  const [downloadError, setDownloadError] = useState<unknown>(null);

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };

  const validDate = /^\d{4}-\d{2}-\d{2}$/.test(asOf);
  const units = useLoad(
    () =>
      validDate
        ? api<{ items: MonitoredUnit[] }>('/monitoring/units', { query: { fiscalYear, asOf } })
        : Promise.resolve({ items: [] }),
    [fiscalYear, asOf],
  );
  const targets = useLoad(
    () =>
      validDate
        ? api<{ items: MonitoredTarget[] }>('/monitoring/targets', {
            query: { fiscalYear, asOf, unit: unit || undefined },
          })
        : Promise.resolve({ items: [] }),
    [fiscalYear, asOf, unit],
  );

  const codes = (units.data?.items ?? []).map((u) => u.unit).join(',');
  useEffect(() => {
    if (!codes) return;
    let live = true;
    void unitNames(codes.split(','), fiscalYear).then((n) => live && setNames(n));
    return () => {
      live = false;
    };
  }, [codes, fiscalYear]);

  const rollup = useMemo(() => {
    const items = (units.data?.items ?? []).filter((u) => !unit || u.unit === unit);
    if (items.length === 0) return null;
    let budget = 0n;
    let disbursed = 0n;
    let red = 0;
    let yellow = 0;
    let count = 0;
    for (const u of items) {
      budget += toFen(u.budget) ?? 0n;
      disbursed += toFen(u.disbursed) ?? 0n;
      red += u.behind.red;
      yellow += u.behind.yellow;
      count += u.targets;
    }
    const rate =
      items.length === 1
        ? items[0].actualPct
        : budget > 0n
          ? Number((disbursed * 10000n) / budget) / 100
          : 0;
    const str = (f: bigint) => `${f / 100n}.${(f % 100n).toString().padStart(2, '0')}`;
    return { budget: str(budget), disbursed: str(disbursed), rate, red, yellow, count };
  }, [units.data, unit]);

  const rows = useMemo(() => {
    const q = text.trim();
    const list = (targets.data?.items ?? []).filter(
      (t) => (!levelFilter || t.level === levelFilter) && (!q || t.name.includes(q)),
    );
    list.sort((a, b) => compare(a, b, sort.key) * (sort.asc ? 1 : -1));
    return list;
  }, [targets.data, levelFilter, text, sort]);

  const counts = useMemo(() => {
    const c = { red: 0, yellow: 0, green: 0 };
    for (const t of targets.data?.items ?? []) c[t.level]++;
    return c;
  }, [targets.data]);

  function sortBy(key: SortKey) {
    setSort((s) => (s.key === key ? { key, asc: !s.asc } : { key, asc: key === 'name' }));
  }

  async function downloadUnit() {
    setDownloadError(null);
    try {
      await download(
        `/units/${encodeURIComponent(unit)}/targets/xlsx`,
        `${names[unit] || unit}-${fiscalYear}年度绩效目标表.xlsx`,
        { query: { fiscalYear } },
      );
    } catch (e) {
      setDownloadError(e);
    }
  }

  const unitTitle = unit ? names[unit] || unit : '全部单位';

  return (
    <section>
      <div className="page-head">
        <h1>单位看板</h1>
        {unit && (
          <button type="button" className="btn" onClick={downloadUnit}>
            下载本单位全部目标
          </button>
        )}
      </div>
      <ErrorText error={downloadError} />
      <div className="toolbar">
        <Field id="dash-year" label="年度" className="inline">
          <input
            id="dash-year"
            type="number"
            min={2000}
            max={2099}
            value={yearText}
            onChange={(e) => {
              setYearText(e.target.value);
              if (/^20\d\d$/.test(e.target.value)) set('fiscalYear', e.target.value);
            }}
            className="w-year"
          />
        </Field>
        <Field id="dash-asof" label="截至日期" className="inline">
          <input
            id="dash-asof"
            type="date"
            value={asOf}
            onChange={(e) => set('asOf', e.target.value)}
          />
        </Field>
        {!ownUnit && (
          <Field id="dash-unit" label="预算单位" className="inline">
            <select id="dash-unit" value={unit} onChange={(e) => set('unit', e.target.value)}>
              <option value="">全部单位</option>
              {(units.data?.items ?? []).map((u) => (
                <option key={u.unit} value={u.unit}>
                  {u.unit} {names[u.unit] ?? ''}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {!validDate && <ErrorText error="请选择截至日期" />}
      <PageError error={units.error ?? targets.error} />

      {rollup && (
        <div className="kpis" aria-label="单位汇总">
          <div className="kpi kpi-title">
            <div className="kpi-label">{unit ? `单位 ${unit}` : `${fiscalYear} 年度`}</div>
            <div className="kpi-value small">{unitTitle}</div>
            <div className="kpi-sub">
              截至 {asOf} · {rollup.count} 个已批复目标
            </div>
          </div>
          <div className="kpi">
            <div className="kpi-label">预算（元）</div>
            <div className="kpi-value">{yuan(rollup.budget)}</div>
          </div>
          <div className="kpi">
            <div className="kpi-label">已支出（元）</div>
            <div className="kpi-value">{yuan(rollup.disbursed)}</div>
          </div>
          <div className="kpi">
            <div className="kpi-label">预算执行率</div>
            <div className="kpi-value">{pct(rollup.rate)}</div>
            <div className="bar" aria-hidden="true">
              <span style={{ width: `${Math.min(100, rollup.rate)}%` }} />
            </div>
          </div>
          <div className="kpi">
            <div className="kpi-label">执行滞后目标</div>
            <div className="kpi-value">
              <LevelMark level="red" /> {rollup.red}
              <span className="gap" />
              <LevelMark level="yellow" /> {rollup.yellow}
            </div>
          </div>
        </div>
      )}

      <div className="toolbar">
        <Field id="dash-level" label="预警等级" className="inline">
          <select
            id="dash-level"
            value={levelFilter}
            onChange={(e) => setLevelFilter(e.target.value as '' | Level)}
          >
            <option value="">全部（{targets.data?.items.length ?? 0}）</option>
            {(['red', 'yellow', 'green'] as Level[]).map((l) => (
              <option key={l} value={l}>
                {LEVEL_NAMES[l]}（{counts[l]}）
              </option>
            ))}
          </select>
        </Field>
        <Field id="dash-text" label="名称筛选" className="inline grow">
          <input
            id="dash-text"
            type="search"
            placeholder="输入名称中的文字筛选"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <span className="muted small">显示 {rows.length} 个目标</span>
      </div>

      {targets.loading && !targets.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="empty">没有符合条件的已批复目标。</p>
      ) : (
        <div className="scroll-x">
          <table className="grid sortable">
            <thead>
              <tr>
                {!unit && <th>单位</th>}
                {COLUMNS.map((c) => (
                  <th
                    key={c.key}
                    className={c.num ? 'num' : undefined}
                    aria-sort={
                      sort.key === c.key ? (sort.asc ? 'ascending' : 'descending') : 'none'
                    }
                  >
                    <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                      {c.label}
                      <span className="arrow" aria-hidden="true">
                        {sort.key === c.key ? (sort.asc ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.targetId}>
                  {!unit && <td className="mono">{t.unit}</td>}
                  <td>
                    <Link to={`/targets/${encodeURIComponent(t.targetId)}`}>{t.name}</Link>
                  </td>
                  <td className="num">{yuan(t.budget)}</td>
                  <td className="num">{yuan(t.disbursed)}</td>
                  <td className="num">{pct(t.actualPct)}</td>
                  <td className="num">{pct(t.plannedPct)}</td>
                  <td className={`num ${t.lagPp > 0 ? 'lag' : ''}`}>{pp(t.lagPp)}</td>
                  <td>
                    <LevelMark level={t.level} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
