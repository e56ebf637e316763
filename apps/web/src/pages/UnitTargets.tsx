import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { useAuth } from '../auth';
import { Loading, PageError, StatusBadge, useLoad, useTitle } from '../components';
import { yuan } from '../format';
import type { Status, Target } from '../types';
import { fiscalYearNow } from './TargetForm';

interface Item {
  readonly id: string;
  readonly projectCode: string;
  readonly projectName: string;
  readonly unitName: string;
  readonly status: Status;
  readonly version: number;
  readonly budget: { total: string };
  readonly problems: string[];
  readonly updatedAt: string;
  /** From the target itself: the list does not carry adjustments. */
  readonly adjustment?: string | null;
}

const TABS: { status: Status | ''; label: string }[] = [
  { status: '', label: '全部' },
  { status: 'draft', label: '草稿' },
  { status: 'submitted', label: '已送审' },
  { status: 'returned', label: '退回修改' },
  { status: 'approved', label: '已批复' },
  { status: 'rejected', label: '不予通过' },
  { status: 'withdrawn', label: '已作废' },
];

const inTab = (tab: Status | '', s: Status) =>
  tab === '' || s === tab || (tab === 'submitted' && s === 'department_approved');

/** What the target waits for, and from whom. */
function awaits(i: Item): string {
  if (i.adjustment === 'submitted') return '调整待主管部门审核';
  if (i.adjustment === 'department_approved') return '调整待财政审核';
  switch (i.status) {
    case 'draft':
      return i.problems.length ? `待完善（${i.problems.length} 个问题）后送审` : '待送审';
    case 'submitted':
      return '待主管部门审核';
    case 'department_approved':
      return '待财政审核';
    case 'returned':
      return '待修改后重新送审';
    case 'approved':
      return '已批复，执行中';
    case 'rejected':
      return '不予通过，已结束';
    default:
      return '已作废';
  }
}

async function listOf(unit: string, fiscalYear: number, withdrawn: boolean): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Item[]; nextCursor: string | null } = await api('/targets', {
      query: { unit, fiscalYear, cursor, limit: 200, status: withdrawn ? 'withdrawn' : undefined },
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  // an approved target may carry an adjustment under review: only the target itself says so
  return Promise.all(
    items.map(async (i) => {
      if (i.status !== 'approved') return i;
      const t = await api<Target>(`/targets/${encodeURIComponent(i.id)}`);
      return { ...i, adjustment: t.pendingAdjustment?.status ?? null };
    }),
  );
}

export function UnitTargetsPage() {
  const { user } = useAuth();
  const unit = user?.unit ?? '';
  const [params, setParams] = useSearchParams();
  const fiscalYear = Number(params.get('fiscalYear')) || fiscalYearNow();
  const tab = (params.get('status') ?? '') as Status | '';
  const [yearText, setYearText] = useState(String(fiscalYear));
  useEffect(() => setYearText(String(fiscalYear)), [fiscalYear]);
  const withdrawn = tab === 'withdrawn';
  const list = useLoad(
    () => (unit ? listOf(unit, fiscalYear, withdrawn) : Promise.resolve([])),
    [unit, fiscalYear, withdrawn],
  );
  useTitle('本单位目标');
  const items = (list.data ?? []).filter((i) => inTab(tab, i.status));

  function go(e: FormEvent) {
    e.preventDefault();
    setParams({ fiscalYear: yearText, ...(tab ? { status: tab } : {}) });
  }

  return (
    <section>
      <div className="page-head">
        <div>
          <h1>本单位目标</h1>
          <p className="muted">
            {unit
              ? `单位 ${list.data?.[0]?.unitName ?? unit} · ${fiscalYear}年度`
              : '您的账号未关联单位'}
          </p>
        </div>
        {unit && (
          <div className="actions">
            <Link className="btn btn-primary" to={`/targets/new?fiscalYear=${fiscalYear}`}>
              新建绩效目标
            </Link>
          </div>
        )}
      </div>
      <form className="toolbar" onSubmit={go}>
        <div className="field inline">
          <label htmlFor="ut-year">年度</label>
          <input
            id="ut-year"
            className="w-year"
            inputMode="numeric"
            value={yearText}
            onChange={(e) => setYearText(e.target.value)}
          />
        </div>
        <button type="submit" className="btn">
          查询
        </button>
      </form>
      <div className="tabs status-tabs" role="tablist" aria-label="按状态筛选">
        {TABS.map((t) => (
          <button
            key={t.status}
            type="button"
            role="tab"
            aria-selected={tab === t.status}
            className={tab === t.status ? 'tab active' : 'tab'}
            onClick={() =>
              setParams({
                fiscalYear: String(fiscalYear),
                ...(t.status ? { status: t.status } : {}),
              })
            }
          >
            {t.label}
            {!withdrawn && t.status !== 'withdrawn' && list.data && (
              <span className="count">
                {list.data.filter((i) => inTab(t.status, i.status)).length}
              </span>
            )}
          </button>
        ))}
      </div>
      <PageError error={list.error} />
      {list.loading && <Loading />}
      {!list.loading && items.length === 0 && (
        <p className="empty">{withdrawn ? '本年度没有作废的目标。' : '没有符合条件的目标。'}</p>
      )}
      {items.length > 0 && <TargetList items={items} />}
    </section>
  );
}

function TargetList({ items }: { items: Item[] }) {
  return (
    <div className="scroll-x">
      <table className="grid stack-sm">
        <thead>
          <tr>
            <th>项目名称</th>
            <th>项目编码</th>
            <th className="num">预算数（元）</th>
            <th>状态</th>
            <th>待办</th>
            <th>版本</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id} className={i.problems.length ? 'has-problem' : undefined}>
              <td data-label="项目名称">
                <Link to={`/targets/${encodeURIComponent(i.id)}`}>{i.projectName}</Link>
              </td>
              <td className="mono" data-label="项目编码">
                {i.projectCode}
              </td>
              <td className="num" data-label="预算数（元）">
                {yuan(i.budget.total)}
              </td>
              <td className="nowrap" data-label="状态">
                <StatusBadge status={i.status} />
              </td>
              <td data-label="待办">{awaits(i)}</td>
              <td className="num" data-label="版本">
                {i.version}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
