import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { ErrorText, LevelMark, Loading, PageError, useLoad, useTitle } from '../components';
import { ALERT_KINDS, CHANNEL_NAMES, CHECKPOINT_NAMES, date, dateTime, pp } from '../format';
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
  const list = useLoad(
    () =>
      api<{ items: Alert[] }>('/alerts', {
        query: view === 'open' ? { acknowledged: false } : {},
      }),
    [view],
  );
  const [rowErrors, setRowErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState<string | null>(null);

  async function ack(a: Alert) {
    setBusy(a.id);
    setRowErrors((e) => ({ ...e, [a.id]: null }));
    try {
      const next = await api<Alert>(`/alerts/${encodeURIComponent(a.id)}/ack`, { method: 'POST' });
      const acknowledgedAt = next?.acknowledgedAt ?? new Date().toISOString();
      list.set({
        items: (list.data?.items ?? []).map((x) =>
          x.id === a.id ? { ...x, ...next, acknowledgedAt } : x,
        ),
      });
    } catch (e) {
      setRowErrors((r) => ({ ...r, [a.id]: e }));
    } finally {
      setBusy(null);
    }
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
      <PageError error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : items.length === 0 && !list.error ? (
        <p className="empty">{view === 'open' ? '没有待确认的预警。' : '暂无预警。'}</p>
      ) : (
        <table className="grid">
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
              return (
                <tr key={a.id} className={a.acknowledgedAt ? 'done' : ''}>
                  <td>
                    <Link to={`/targets/${encodeURIComponent(a.targetId)}`}>
                      {a.name || a.targetId}
                    </Link>
                    <div className="sub mono">{a.unit}</div>
                  </td>
                  <td className="nowrap">{ALERT_KINDS[a.kind] ?? a.kind}</td>
                  <td>
                    <LevelMark level={a.level} />
                  </td>
                  <td className="nowrap">{CHECKPOINT_NAMES[a.period] ?? a.period}</td>
                  <td className="nowrap">{date(a.asOf)}</td>
                  <td className="num lag">{pp(a.lagPp)}</td>
                  <td className={d.failed ? 'warn-text small' : 'small'}>{d.text}</td>
                  <td className="nowrap">
                    {a.acknowledgedAt ? (
                      <span className="acked">
                        已确认
                        <span className="sub">{dateTime(a.acknowledgedAt)}</span>
                      </span>
                    ) : canAck ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy === a.id}
                        onClick={() => ack(a)}
                      >
                        确认
                      </button>
                    ) : (
                      <span className="muted">未确认</span>
                    )}
                    <ErrorText error={rowErrors[a.id]} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
