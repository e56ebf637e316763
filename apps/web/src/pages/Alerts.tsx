import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { LevelMark, Loading, Notice, PageError, useLoad, useTitle } from '../components';
import { currentFiscalYear } from '../calendar';
import { ALERT_KINDS, CHANNEL_NAMES, CHECKPOINT_NAMES, date, dateTime, pp } from '../format';
import { AckForm, AlertFilterBar, type AlertFilters } from './AlertAck';
import type { Alert, Delivery } from '../types';

type View = 'open' | 'all';

const STATUS: Record<string, string> = {
  delivered: '已送达',
  pending: '发送中',
  failed: '失败',
};

function deliverySummary(ds: Delivery[]): { text: string; failed: boolean } {
  const by = new Map<string, { n: number; failed: number; pending: number }>();
  for (const d of ds) {
    const e = by.get(d.channel) ?? { n: 0, failed: 0, pending: 0 };
    e.n++;
    if (d.status === 'failed') e.failed++;
    else if (d.status !== 'delivered') e.pending++;
    by.set(d.channel, e);
  }
  const parts = [...by].map(([ch, e]) => {
    const extra = [
      e.failed ? `${e.failed} ${STATUS.failed}` : '',
      e.pending ? `${e.pending} ${STATUS.pending}` : '',
    ]
      .filter(Boolean)
      .join('，');
    return `${CHANNEL_NAMES[ch] ?? ch} ${e.n}${extra ? `（${extra}）` : ''}`;
  });
  return { text: parts.join(' · ') || '—', failed: ds.some((d) => d.status === 'failed') };
}

export function AlertsPage() {
  useTitle('预警');
  const { has } = useAuth();
  const canAck = has('unit_head', 'department_reviewer', 'finance_reviewer', 'preparer', 'admin');
  const [view, setView] = useState<View>('open');
  const [filters, setFilters] = useState<AlertFilters>({ fiscalYear: '', level: '', kind: '' });
  const list = useLoad(
    () =>
      api<{ items: Alert[] }>('/alerts', {
        query: { ...filters, acknowledged: view === 'open' ? false : undefined },
      }),
    [view, filters.fiscalYear, filters.level, filters.kind],
  );
  const [acking, setAcking] = useState<string | null>(null);
  const [acked, setAcked] = useState<Alert | null>(null);
  // the years offered end at the current one by the server's clock; an inbox opens on all years
  const years = Array.from({ length: 6 }, (_, i) => currentFiscalYear() - i);

  function onAcked(next: Alert) {
    setAcking(null);
    setAcked(next);
    list.set({ items: (list.data?.items ?? []).map((x) => (x.id === next.id ? next : x)) });
  }

  const items = list.data?.items ?? [];
  return (
    <section>
      <div className="page-head">
        <h1>预警</h1>
        <button type="button" className="btn" onClick={list.reload}>
          刷新
        </button>
      </div>
      <div className="tabs" role="tablist" aria-label="预警范围">
        <button
          type="button"
          role="tab"
          aria-selected={view === 'open'}
          className={view === 'open' ? 'tab active' : 'tab'}
          onClick={() => setView('open')}
        >
          未确认
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={view === 'all'}
          className={view === 'all' ? 'tab active' : 'tab'}
          onClick={() => setView('all')}
        >
          全部
        </button>
      </div>
      <AlertFilterBar value={filters} years={years} onChange={setFilters} />
      {acked && (
        <Notice>
          已确认预警“{acked.name || acked.targetId}”
          {acked.acknowledgementNote ? `，说明：${acked.acknowledgementNote}` : '（未填写说明）'}
          。说明已记入审计记录。
        </Notice>
      )}
      <PageError error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : items.length === 0 && !list.error ? (
        <p className="empty">{view === 'open' ? '没有待确认的预警。' : '暂无预警。'}</p>
      ) : (
        <div className="scroll-x">
          <table className="grid stack-sm">
            <thead>
              <tr>
                <th>目标</th>
                <th>类型</th>
                <th>等级</th>
                <th>期间</th>
                <th>截至日期</th>
                <th className="num">滞后（百分点）</th>
                <th>送达</th>
                <th>确认</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => {
                const d = deliverySummary(a.deliveries ?? []);
                return [
                  <tr key={a.id} className={a.acknowledgedAt ? 'done' : ''}>
                    <td data-label="目标">
                      <Link to={`/targets/${encodeURIComponent(a.targetId)}`}>
                        {a.name || a.targetId}
                      </Link>
                      <div className="sub mono">{a.unit}</div>
                    </td>
                    <td data-label="类型" className="nowrap">
                      {ALERT_KINDS[a.kind] ?? a.kind}
                    </td>
                    <td data-label="等级">
                      <LevelMark level={a.level} />
                    </td>
                    <td data-label="期间" className="nowrap">
                      {CHECKPOINT_NAMES[a.period] ?? a.period}
                    </td>
                    <td data-label="截至日期" className="nowrap">
                      {date(a.asOf)}
                    </td>
                    <td data-label="滞后（百分点）" className="num lag">
                      {pp(a.lagPp)}
                    </td>
                    <td data-label="送达" className={d.failed ? 'warn-text small' : 'small'}>
                      {d.text}
                    </td>
                    <td data-label="确认" className="nowrap">
                      {a.acknowledgedAt ? (
                        <span className="acked">
                          已确认
                          <span className="sub">
                            {dateTime(a.acknowledgedAt)}
                            {a.acknowledgedBy ? ` · ${a.acknowledgedBy.name}` : ''}
                          </span>
                        </span>
                      ) : canAck ? (
                        <button
                          type="button"
                          className="btn btn-small"
                          aria-expanded={acking === a.id}
                          onClick={() => setAcking(acking === a.id ? null : a.id)}
                        >
                          确认
                        </button>
                      ) : (
                        <span className="muted">未确认</span>
                      )}
                    </td>
                  </tr>,
                  a.acknowledgementNote ? (
                    <tr key={`${a.id}-note`} className="done">
                      <td colSpan={8} className="small pre">
                        确认说明：{a.acknowledgementNote}
                      </td>
                    </tr>
                  ) : null,
                  acking === a.id && !a.acknowledgedAt ? (
                    <tr key={`${a.id}-ack`} className="inline-form-row">
                      <td colSpan={8}>
                        <AckForm alert={a} onCancel={() => setAcking(null)} onAcked={onAcked} />
                      </td>
                    </tr>
                  ) : null,
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
