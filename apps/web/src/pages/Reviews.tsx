import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { Loading, PageError, useLoad, useTitle } from '../components';
import { dateTime, yuan } from '../format';
import type { ReviewItem } from '../types';
import { ChangeCell } from './ReviewPanel';

type Stage = 'department' | 'finance';
const TABS: { stage: Stage; label: string }[] = [
  { stage: 'department', label: '部门审核' },
  { stage: 'finance', label: '财政审核' },
];

export function ReviewsPage() {
  useTitle('审核待办');
  const { user } = useAuth();
  const initial: Stage =
    user?.roles.includes('finance_reviewer') && !user.roles.includes('department_reviewer')
      ? 'finance'
      : 'department';
  const [stage, setStage] = useState<Stage>(initial);
  const list = useLoad(
    () => api<{ items: ReviewItem[] }>('/reviews', { query: { stage } }),
    [stage],
  );
  const items = [...(list.data?.items ?? [])].sort((a, b) => a.since.localeCompare(b.since));

  return (
    <section>
      <div className="page-head">
        <h1>审核待办</h1>
        <button type="button" className="btn" onClick={list.reload}>
          刷新
        </button>
      </div>
      <div className="tabs" role="tablist" aria-label="审核阶段">
        {TABS.map((t) => (
          <button
            key={t.stage}
            type="button"
            role="tab"
            id={`tab-${t.stage}`}
            aria-selected={stage === t.stage}
            aria-controls="review-panel"
            className={stage === t.stage ? 'tab active' : 'tab'}
            onClick={() => setStage(t.stage)}
          >
            {t.label}
            {stage === t.stage && list.data ? (
              <span className="count">{list.data.items.length}</span>
            ) : null}
          </button>
        ))}
      </div>
      <div id="review-panel" role="tabpanel" aria-labelledby={`tab-${stage}`}>
        <PageError error={list.error} />
        {list.loading && !list.data ? (
          <Loading />
        ) : items.length === 0 && !list.error ? (
          <p className="empty">暂无待审核的目标。</p>
        ) : (
          <div className="scroll-x">
            <table className="grid stack-sm">
              <thead>
                <tr>
                  <th>序号</th>
                  <th>项目名称</th>
                  <th>预算单位</th>
                  <th className="num">预算数（元）</th>
                  <th>类型</th>
                  <th>变更内容</th>
                  <th>送审时间</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r, i) => (
                  <tr key={`${r.targetId}-${r.kind}`}>
                    <td className="num" data-label="序号">
                      {i + 1}
                    </td>
                    <td data-label="项目名称">
                      <Link to={`/targets/${encodeURIComponent(r.targetId)}`}>
                        {r.projectName || r.targetId}
                      </Link>
                      <div className="sub mono">{r.targetId}</div>
                    </td>
                    <td data-label="预算单位">
                      {r.unitName}
                      <div className="sub mono">{r.unitCode}</div>
                    </td>
                    <td className="num nowrap" data-label="预算数（元）">
                      {r.budget ? yuan(r.budget.total) : '—'}
                    </td>
                    <td className="nowrap" data-label="类型">
                      {r.kind === 'adjustment' ? '目标调整' : '绩效目标'}
                    </td>
                    <td className="small" data-label="变更内容">
                      <ChangeCell targetId={r.targetId} since={r.since} />
                    </td>
                    <td className="nowrap" data-label="送审时间">
                      {dateTime(r.since)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
