import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, download } from '../api';
import { useAuth } from '../auth';
import {
  ErrorText,
  Loading,
  PageError,
  ReasonConfirmForm,
  StatusBadge,
  useLoad,
  useTitle,
} from '../components';
import { CHECKPOINT_NAMES, dateTime, STAGE_NAMES, statusName, wanYuan, yuan } from '../format';
import type { Checkpoint, Indicator, Target, User } from '../types';
import { Disbursements } from './Disbursements';
import { PreparerActions } from './TargetActions';
import { awaitedStage, ReviewPanel } from './ReviewPanel';

const CHECKPOINTS: Checkpoint[] = ['M3', 'M6', 'M10', 'M12'];
const OUTCOMES: Record<string, string> = {
  passed: '通过',
  returned: '退回修改',
  rejected: '不予通过',
};

function mayReview(t: Target, user: User | null): boolean {
  const stage = awaitedStage(t);
  if (!user || !stage) return false;
  return user.roles.includes(stage === 'department' ? 'department_reviewer' : 'finance_reviewer');
}

/** 作废: a draft or returned target never approved, by its unit's preparer or head, or an admin. */
function mayWithdraw(t: Target, user: User | null): boolean {
  if (!user || (t.status !== 'draft' && t.status !== 'returned') || t.approvedVersion) return false;
  const ownUnit = user.unit === t.unitCode;
  return (
    user.roles.includes('admin') ||
    (ownUnit && (user.roles.includes('preparer') || user.roles.includes('unit_head')))
  );
}

export function TargetPage() {
  const { id = '' } = useParams();
  const { user } = useAuth();
  const target = useLoad(() => api<Target>(`/targets/${encodeURIComponent(id)}`), [id]);
  const t = target.data;
  useTitle(t ? t.projectName : '绩效目标');
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [downloading, setDownloading] = useState(false);
  const [withdrawing, setWithdrawing] = useState(false);

  if (!t) {
    return (
      <section>
        <p className="crumbs">
          <Crumb user={user} /> / 绩效目标
        </p>
        <PageError error={target.error} />
        {target.loading && <Loading />}
      </section>
    );
  }

  async function xlsx() {
    setDownloading(true);
    setDownloadError(null);
    try {
      await download(
        `/targets/${encodeURIComponent(t!.id)}/xlsx`,
        `${t!.projectName}-绩效目标表.xlsx`,
      );
    } catch (e) {
      setDownloadError(e);
    } finally {
      setDownloading(false);
    }
  }

  return (
    <section>
      <p className="crumbs">
        <Crumb user={user} /> / {t.unitName} / 绩效目标
      </p>
      <div className="page-head">
        <div>
          <h1>{t.projectName}</h1>
          <p className="muted">
            <span className="mono">{t.id}</span> · 第 {t.version} 版 ·{' '}
            <StatusBadge status={t.status} />
            {t.pendingAdjustment && (
              <span className="status status-submitted">
                调整{statusName(t.pendingAdjustment.status ?? '')}
              </span>
            )}
          </p>
        </div>
        <div className="actions">
          {t.status === 'approved' && (
            <Link className="btn" to={`/targets/${encodeURIComponent(t.id)}/execution`}>
              执行进度图
            </Link>
          )}
          {t.status === 'approved' && (
            <>
              <Link
                className="btn"
                to={`/monitoring?fiscalYear=${t.fiscalYear}&target=${encodeURIComponent(t.id)}`}
              >
                双监控
              </Link>
              <Link className="btn" to={`/targets/${encodeURIComponent(t.id)}/self-evaluation`}>
                绩效自评
              </Link>
            </>
          )}
          <button type="button" className="btn" onClick={xlsx} disabled={downloading}>
            下载绩效目标表
          </button>
          {mayWithdraw(t, user) && !withdrawing && (
            <button type="button" className="btn btn-danger" onClick={() => setWithdrawing(true)}>
              作废
            </button>
          )}
        </div>
      </div>
      <ErrorText error={downloadError} />
      <PageError error={target.error} />
      {t.withdrawal && (
        <div className="banner banner-error" role="note">
          <strong>已作废：</strong>
          {t.withdrawal.reason}（{t.withdrawal.by.name}，{dateTime(t.withdrawal.at)}
          ）。作废的目标不再列入目标清单、看板和合计，审计记录中保留。
        </div>
      )}
      {withdrawing && mayWithdraw(t, user) && (
        <WithdrawForm
          t={t}
          onCancel={() => setWithdrawing(false)}
          onWithdrawn={(n) => {
            setWithdrawing(false);
            target.set(n);
          }}
        />
      )}

      <PreparerActions t={t} user={user} onChange={(n) => target.set(n)} />

      {t.problems.length > 0 && (
        <div className="banner banner-warn" role="note">
          <strong>待解决的问题（解决前不能送审）：</strong>
          <ul>
            {t.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}

      <TargetTable t={t} />

      {user &&
        (user.roles.includes('department_reviewer') || user.roles.includes('finance_reviewer')) && (
          <ReviewPanel
            key={t.id}
            t={t}
            canReview={mayReview(t, user)}
            onReviewed={(n) => target.set(n)}
          />
        )}

      <ReviewHistory t={t} />

      {(t.status === 'approved' || (t.disbursements?.length ?? 0) > 0) && (
        <Disbursements t={t} reload={target.reload} />
      )}
    </section>
  );
}

/** The 项目绩效目标表 as on paper (also the auditor's "as it was on date D" view). */
export function TargetTable({ t }: { t: Target }) {
  return (
    <div className="sheet">
      <h2 className="sheet-title">项目绩效目标表</h2>
      <p className="sheet-sub">（{t.fiscalYear}年度）</p>
      <table className="form-table">
        <colgroup>
          <col style={{ width: '13%' }} />
          <col style={{ width: '12%' }} />
          <col style={{ width: '19%' }} />
          <col style={{ width: '13%' }} />
          <col style={{ width: '13%' }} />
          <col style={{ width: '15%' }} />
          <col style={{ width: '15%' }} />
        </colgroup>
        <tbody>
          <tr>
            <th>项目名称</th>
            <td colSpan={3}>{t.projectName}</td>
            <th>项目编码</th>
            <td colSpan={2} className="mono">
              {t.projectCode}
            </td>
          </tr>
          <tr>
            <th>预算单位</th>
            <td colSpan={3}>{t.unitName}</td>
            <th>单位编码</th>
            <td colSpan={2} className="mono">
              {t.unitCode}
            </td>
          </tr>
          <tr>
            <th rowSpan={2}>项目资金（万元）</th>
            <th colSpan={2}>年度资金总额</th>
            <th colSpan={2}>其中：财政拨款</th>
            <th colSpan={2}>其他资金</th>
          </tr>
          <tr>
            <td colSpan={2} className="num">
              {wanYuan(t.budget.total)}
            </td>
            <td colSpan={2} className="num">
              {wanYuan(t.budget.fiscal)}
            </td>
            <td colSpan={2} className="num">
              {wanYuan(t.budget.other)}
            </td>
          </tr>
          <tr>
            <th>资金用途</th>
            <td colSpan={6} className="pre">
              {t.purpose}
            </td>
          </tr>
          <tr>
            <th rowSpan={3}>资金支出计划（%）</th>
            <th>时间</th>
            {CHECKPOINTS.map((c) => (
              <th key={c} colSpan={c === 'M12' ? 2 : 1}>
                {CHECKPOINT_NAMES[c]}
              </th>
            ))}
          </tr>
          <tr>
            <th>填报</th>
            {CHECKPOINTS.map((c) => (
              <td key={c} colSpan={c === 'M12' ? 2 : 1} className="num">
                {t.plan[c] === null ? '' : `${t.plan[c]}%`}
              </td>
            ))}
          </tr>
          <tr>
            <th title="空白沿用上一节点的累计比例">执行计划</th>
            {CHECKPOINTS.map((c) => (
              <td key={c} colSpan={c === 'M12' ? 2 : 1} className="num muted-cell">
                {t.effectivePlan[c] === null ? '' : `${t.effectivePlan[c]}%`}
              </td>
            ))}
          </tr>
          <tr>
            <th>年度绩效目标</th>
            <td colSpan={6} className="pre">
              {t.goals}
            </td>
          </tr>
        </tbody>
      </table>
      <IndicatorTable indicators={t.indicators} />
    </div>
  );
}

interface Row {
  ind: Indicator;
  span1: number;
  span2: number;
}

/** Level-1 and level-2 cells span the rows of their group, as on the paper form. */
function rowsOf(indicators: Indicator[]): Row[] {
  const rows: Row[] = indicators.map((ind) => ({ ind, span1: 0, span2: 0 }));
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j < rows.length && rows[j].ind.level1 === rows[i].ind.level1) j++;
    rows[i].span1 = j - i;
    for (let k = i; k < j;) {
      let m = k;
      while (m < j && rows[m].ind.level2 === rows[k].ind.level2) m++;
      rows[k].span2 = m - k;
      k = m;
    }
    i = j;
  }
  return rows;
}

function IndicatorTable({ indicators }: { indicators: Indicator[] }) {
  if (indicators.length === 0) return <p className="empty">尚未填写绩效指标。</p>;
  return (
    <table className="form-table indicators">
      <caption>绩效指标</caption>
      <colgroup>
        <col style={{ width: '10%' }} />
        <col style={{ width: '13%' }} />
        <col style={{ width: '18%' }} />
        <col style={{ width: '24%' }} />
        <col style={{ width: '14%' }} />
        <col style={{ width: '21%' }} />
      </colgroup>
      <thead>
        <tr>
          <th>一级指标</th>
          <th>二级指标</th>
          <th>三级指标</th>
          <th>绩效指标描述</th>
          <th>指标值</th>
          <th>指标值确定依据</th>
        </tr>
      </thead>
      <tbody>
        {rowsOf(indicators).map(({ ind, span1, span2 }, i) => (
          <tr key={i}>
            {span1 > 0 && (
              <th rowSpan={span1} className="level">
                {ind.level1}
              </th>
            )}
            {span2 > 0 && (
              <th rowSpan={span2} className="level">
                {ind.level2}
              </th>
            )}
            <td>{ind.name}</td>
            <td>{ind.description}</td>
            <td className="target-value">{ind.target}</td>
            <td>{ind.basis}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WithdrawForm({
  t,
  onCancel,
  onWithdrawn,
}: {
  t: Target;
  onCancel: () => void;
  onWithdrawn: (t: Target) => void;
}) {
  return (
    <ReasonConfirmForm
      id="withdraw-reason"
      title="作废本目标"
      intro="作废后目标不再列入目标清单、看板和合计，也不能再修改、送审；审计记录中保留。作废不可恢复。"
      reasonLabel="作废原因"
      submitLabel="作废"
      confirmLabel="确认作废"
      question={`确定作废“${t.projectName}”吗？此操作不可恢复。`}
      onCancel={onCancel}
      onConfirm={async (reason) =>
        onWithdrawn(
          await api<Target>(`/targets/${encodeURIComponent(t.id)}/withdraw`, {
            method: 'POST',
            body: { reason },
          }),
        )
      }
    />
  );
}

/** Where the person came from, by their work: a unit's own list, the review inbox, or the dashboard. */
function Crumb({ user }: { user: User | null }) {
  if (user?.roles.includes('preparer') || user?.roles.includes('unit_head'))
    return <Link to="/unit-targets">本单位目标</Link>;
  if (user?.roles.includes('department_reviewer') || user?.roles.includes('finance_reviewer'))
    return <Link to="/reviews">审核待办</Link>;
  return <Link to="/dashboard">单位看板</Link>;
}

function ReviewHistory({ t }: { t: Target }) {
  return (
    <div className="card">
      <h2>审核记录</h2>
      {t.reviews.length === 0 ? (
        <p className="empty">暂无审核记录。</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>阶段</th>
              <th>评级</th>
              <th>结果</th>
              <th>审核意见</th>
              <th>审核人</th>
              <th>时间</th>
            </tr>
          </thead>
          <tbody>
            {t.reviews.map((r, i) => (
              <tr key={i}>
                <td className="nowrap">
                  {STAGE_NAMES[r.stage] ?? r.stage}
                  {r.adjustmentId ? '（调整）' : ''}
                </td>
                <td>
                  <span className={`grade grade-${r.grade}`}>{r.grade}</span>
                </td>
                <td className="nowrap">{OUTCOMES[r.outcome ?? ''] ?? ''}</td>
                <td className="pre">{r.opinion}</td>
                <td>{r.reviewer.name}</td>
                <td className="nowrap">{dateTime(r.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {t.createdBy && (
        <p className="muted small">
          创建：{t.createdBy.name}
          {t.submittedBy ? ` · 送审：${t.submittedBy.name}` : ''}
          {t.approvedBudget ? ` · 批复预算 ${yuan(t.approvedBudget.total)} 元` : ''}
        </p>
      )}
    </div>
  );
}
