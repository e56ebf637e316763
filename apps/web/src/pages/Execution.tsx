import { useEffect, useRef } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { echarts } from '../chart';
import { ErrorText, Field, Loading, PageError, useLoad, useTitle } from '../components';
import { CHECKPOINT_NAMES, pct, pp, today, yuan } from '../format';
import type { Execution, Target } from '../types';

const CHECKPOINT_DAYS: Record<string, string> = {
  M3: '3月31日',
  M6: '6月30日',
  M10: '10月31日',
  M12: '12月31日',
};

function defaultAsOf(year: number): string {
  const t = today();
  const y = Number(t.slice(0, 4));
  return y > year ? `${year}-12-31` : y < year ? `${year}-01-01` : t;
}

export function ExecutionPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const target = useLoad(() => api<Target>(`/targets/${encodeURIComponent(id)}`), [id]);
  const year = target.data?.fiscalYear ?? Number(id.slice(0, 4));
  const asOf = params.get('asOf') ?? defaultAsOf(year);
  const validDate = /^\d{4}-\d{2}-\d{2}$/.test(asOf);
  const exec = useLoad(
    () =>
      validDate
        ? api<Execution>(`/targets/${encodeURIComponent(id)}/execution`, { query: { asOf } })
        : Promise.resolve(undefined),
    [id, asOf],
  );
  const name = target.data?.projectName ?? id;
  useTitle(`执行进度 · ${name}`);
  const e = exec.data;

  return (
    <section>
      <p className="crumbs">
        <Link to="/dashboard">单位看板</Link> /{' '}
        <Link to={`/targets/${encodeURIComponent(id)}`}>{name}</Link> / 执行进度
      </p>
      <div className="page-head">
        <h1>执行进度：{name}</h1>
        <Field id="exec-asof" label="截至日期" className="inline">
          <input
            id="exec-asof"
            type="date"
            value={asOf}
            min={`${year}-01-01`}
            max={`${year}-12-31`}
            onChange={(ev) =>
              setParams(ev.target.value ? { asOf: ev.target.value } : {}, { replace: true })
            }
          />
        </Field>
      </div>
      {!validDate && <ErrorText error="请选择截至日期" />}
      <PageError error={exec.error} />
      {exec.loading && !e && <Loading />}
      {e && (
        <>
          <div className="kpis">
            <div className="kpi">
              <div className="kpi-label">批复预算（元）</div>
              <div className="kpi-value">{yuan(e.budget)}</div>
            </div>
            <div className="kpi">
              <div className="kpi-label">截至 {e.asOf} 已支出（元）</div>
              <div className="kpi-value">{yuan(e.disbursed)}</div>
            </div>
            <div className="kpi">
              <div className="kpi-label">实际执行</div>
              <div className="kpi-value">{pct(actualOn(e, e.asOf))}</div>
            </div>
            <div className="kpi">
              <div className="kpi-label">计划进度</div>
              <div className="kpi-value">{pct(plannedOn(e, e.asOf))}</div>
            </div>
          </div>
          <div className="card">
            <ExecutionChart e={e} />
          </div>
          <div className="card">
            <h2>节点情况</h2>
            <table className="grid compact">
              <thead>
                <tr>
                  <th>节点</th>
                  <th>日期</th>
                  <th className="num">计划累计</th>
                  <th className="num">实际累计</th>
                  <th className="num">滞后（百分点）</th>
                </tr>
              </thead>
              <tbody>
                {e.checkpoints.map((c) => {
                  const future = c.date > e.asOf;
                  const lag = c.lagPp ?? (c.actualPct === null ? null : c.plannedPct - c.actualPct);
                  return (
                    <tr key={c.checkpoint} className={future ? 'future' : ''}>
                      <td>{CHECKPOINT_NAMES[c.checkpoint] ?? c.checkpoint}</td>
                      <td>{c.date}</td>
                      <td className="num">{pct(c.plannedPct)}</td>
                      <td className="num">
                        {future || c.actualPct === null ? '—' : pct(c.actualPct)}
                      </td>
                      <td className={`num ${lag && lag > 0 && !future ? 'lag' : ''}`}>
                        {future || lag === null ? '—' : pp(Math.round(lag * 100) / 100)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p className="muted small">
              计划累计按资金支出计划在节点之间按日线性插值；实际累计为截至当日的净支出占批复预算的比例。
            </p>
          </div>
        </>
      )}
    </section>
  );
}

function pointOn(e: Execution, day: string) {
  let last: Execution['series'][number] | undefined;
  for (const p of e.series) {
    if (p.date > day) break;
    last = p;
  }
  return last;
}
const actualOn = (e: Execution, day: string) => pointOn(e, day)?.actualPct ?? null;
const plannedOn = (e: Execution, day: string) => pointOn(e, day)?.plannedPct ?? null;

function ExecutionChart({ e }: { e: Execution }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'svg' });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.getInstanceByDom(el);
    if (!chart) return;
    const checkpointLines = e.checkpoints.map((c) => ({
      xAxis: c.date,
      name: CHECKPOINT_DAYS[c.checkpoint] ?? c.date,
      label: { formatter: CHECKPOINT_DAYS[c.checkpoint] ?? c.date, color: '#5b6472' },
      lineStyle: { color: '#b8c0cc', type: 'dashed' as const },
    }));
    chart.setOption(
      {
        animation: false,
        textStyle: {
          fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
        },
        grid: { left: 48, right: 28, top: 48, bottom: 36 },
        legend: { top: 8, data: ['计划累计（%）', '实际累计（%）'] },
        tooltip: {
          trigger: 'axis',
          valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)}%` : '—'),
        },
        xAxis: {
          type: 'time',
          min: `${e.fiscalYear}-01-01`,
          max: `${e.fiscalYear}-12-31`,
          axisLabel: { formatter: (v: number) => `${new Date(v).getMonth() + 1}月` },
          splitNumber: 12,
        },
        yAxis: {
          type: 'value',
          min: 0,
          max: 100,
          axisLabel: { formatter: '{value}%' },
        },
        series: [
          {
            name: '计划累计（%）',
            type: 'line',
            showSymbol: false,
            lineStyle: { width: 2, color: '#1f5fa8' },
            itemStyle: { color: '#1f5fa8' },
            data: e.series.map((p) => [p.date, p.plannedPct]),
            markLine: {
              symbol: 'none',
              silent: true,
              label: { position: 'end' },
              data: [
                ...checkpointLines,
                {
                  xAxis: e.asOf,
                  name: '截至日期',
                  label: {
                    formatter: `截至 ${e.asOf}`,
                    color: '#c2410c',
                    position: 'insideEndTop',
                  },
                  lineStyle: { color: '#c2410c', type: 'solid' as const, width: 1.5 },
                },
              ],
            },
            markPoint: {
              symbol: 'circle',
              symbolSize: 8,
              label: { show: false },
              itemStyle: { color: '#1f5fa8' },
              data: e.checkpoints.map((c) => ({
                coord: [c.date, c.plannedPct],
                name: CHECKPOINT_DAYS[c.checkpoint],
              })),
            },
          },
          {
            name: '实际累计（%）',
            type: 'line',
            showSymbol: false,
            connectNulls: false,
            // spending is cumulative: it moves in steps at the dates paid, never in between
            step: 'end' as const,
            lineStyle: { width: 2, color: '#16a34a' },
            itemStyle: { color: '#16a34a' },
            areaStyle: { color: 'rgba(22,163,74,0.08)' },
            // known up to the as-of date only (the API answers null after it)
            data: e.series
              .filter((p) => p.actualPct !== null && p.date <= e.asOf)
              .map((p) => [p.date, p.actualPct]),
          },
        ],
      },
      true,
    );
  }, [e]);

  return (
    <div
      ref={ref}
      className="chart"
      role="img"
      aria-label={`计划累计与实际累计执行进度折线图，截至 ${e.asOf}`}
    />
  );
}
