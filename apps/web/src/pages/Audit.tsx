import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, download } from '../api';
import { ErrorText, Field, Loading, PageError, useTitle } from '../components';
import { fieldOf } from '../errors';
import { ALERT_KINDS, CHECKPOINT_NAMES, dateTime, roleName, STAGE_NAMES, yuan } from '../format';
import type { AuditEvent } from '../types';
import { AsOfCard, VerifyCard } from './AuditTools';

export const EVENT_TYPES: Record<string, string> = {
  TargetCreated: '创建目标',
  TargetRevised: '修改目标',
  TargetSubmitted: '送审',
  TargetReviewed: '审核',
  TargetApproved: '批复',
  TargetWithdrawn: '作废目标',
  AdjustmentRequested: '申请调整',
  AdjustmentApproved: '调整批复',
  DisbursementRecorded: '登记支出',
  DisbursementReversed: '冲销支出',
  AlertRaised: '发出预警',
  AlertEscalated: '预警升级',
  AlertAcknowledged: '确认预警',
  AlertDelivered: '预警送达',
  UnitRecorded: '登记单位',
  UnitUpdated: '更新单位',
  DepartmentGoalsRecorded: '部门整体目标',
  DepartmentReviewersSet: '设置部门审核人',
  MonitoringConfigSet: '监控参数设置',
  MonitoringRoundOpened: '开启监控轮次',
  MonitoringReportFiled: '填报监控报告',
  MonitoringReportReviewed: '审核监控报告',
  SelfEvaluationFiled: '填报自评',
  SelfEvaluationReviewed: '审核自评',
  UserCreated: '创建用户',
  UserChanged: '修改用户',
  UserPasswordSet: '设置密码',
  UserDisabled: '停用用户',
  UserEnabled: '启用用户',
};

/** Money in event data is a string of fen. */
const fenYuan = (v: unknown): string => {
  const s = String(v ?? '');
  if (!/^-?\d+$/.test(s)) return s;
  const n = BigInt(s);
  const a = n < 0n ? -n : n;
  return yuan(`${n < 0n ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`);
};

function summaryOf(e: AuditEvent): string {
  const d = e.data ?? {};
  const s = (k: string) => (d[k] === undefined || d[k] === null ? '' : String(d[k]));
  switch (e.type) {
    case 'TargetCreated': {
      const c = (d.content ?? {}) as { projectName?: string };
      return `${s('source') === 'import' ? '导入' : '录入'}：${c.projectName ?? ''}`;
    }
    case 'TargetRevised':
      return `修改：${Object.keys((d.changes ?? d.content ?? {}) as object).join('、') || '内容'}`;
    case 'TargetReviewed':
      return `${STAGE_NAMES[s('stage')] ?? s('stage')} 评级“${s('grade')}”${s('opinion') ? `：${s('opinion')}` : ''}`;
    case 'TargetApproved':
      return d.approvedVersion ? `批复第 ${s('approvedVersion')} 版` : '批复';
    case 'DisbursementRecorded':
      return `${fenYuan(d.amount)} 元 · 凭证号 ${s('voucherNo')}${d.date ? ` · ${s('date')}` : ''}`;
    case 'DisbursementReversed':
      return `冲销 ${fenYuan(d.amount)} 元${s('reason') ? ` · ${s('reason')}` : ''}`;
    case 'AdjustmentRequested':
      return s('reason');
    case 'AlertRaised':
    case 'AlertEscalated':
      return [
        ALERT_KINDS[s('kind')] ?? s('kind'),
        s('level') === 'red' ? '红色' : s('level') === 'yellow' ? '黄色' : s('level'),
        CHECKPOINT_NAMES[s('period')] ?? s('period'),
        d.lagPp !== undefined ? `滞后 ${s('lagPp')} 百分点` : '',
      ]
        .filter(Boolean)
        .join(' · ');
    case 'AlertAcknowledged':
      return d.note ? `确认说明：${s('note')}` : '已确认（未填写说明）';
    case 'TargetWithdrawn':
      return s('reason');
    case 'UnitRecorded':
    case 'UnitUpdated':
      return `${s('code') || s('unitCode')} ${s('name')}`;
    default:
      return '';
  }
}

function targetOf(e: AuditEvent): string | undefined {
  const id = e.data?.targetId;
  if (typeof id === 'string') return id;
  return e.streamId.startsWith('target-') ? e.streamId.slice(7) : undefined;
}

interface Filters {
  targetId: string;
  unit: string;
  actor: string;
  type: string;
  from: string;
  to: string;
}
const EMPTY: Filters = { targetId: '', unit: '', actor: '', type: '', from: '', to: '' };

const queryOf = (f: Filters) => ({
  targetId: f.targetId.trim() || undefined,
  unit: f.unit.trim() || undefined,
  actor: f.actor.trim() || undefined,
  type: f.type.trim() || undefined,
  // "from" is the start of that day in Asia/Shanghai; a bare date would mean its end
  from: f.from ? `${f.from}T00:00:00+08:00` : undefined,
  to: f.to || undefined,
});

export function AuditPage() {
  useTitle('审计');
  const [form, setForm] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<{ field?: string; error?: unknown }>({});
  const [busy, setBusy] = useState(false);
  const [csvError, setCsvError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const seq = useRef(0);

  async function load(filters: Filters, after?: string) {
    const mine = ++seq.current; // a late answer of an older search is dropped
    setBusy(true);
    setError(null);
    setFieldError({});
    try {
      const page = await api<{ items: AuditEvent[]; nextCursor: string | null }>('/audit/events', {
        query: { ...queryOf(filters), cursor: after, limit: 100 },
      });
      if (mine !== seq.current) return;
      setItems((prev) => (after && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor ?? null);
      setApplied(filters);
    } catch (e) {
      if (mine !== seq.current) return;
      const f = fieldOf(e);
      if (f && f in EMPTY) setFieldError({ field: f, error: e });
      else setError(e);
    } finally {
      if (mine === seq.current) setBusy(false);
    }
  }

  useEffect(() => {
    void load(EMPTY);
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    void load(form);
  }

  async function exportTrail(format: 'csv' | 'xlsx') {
    setExporting(true);
    setCsvError(null);
    try {
      await download('/audit/events', `审计记录.${format}`, {
        query: { ...queryOf(form), format },
        serverName: false,
      });
    } catch (e) {
      setCsvError(e);
    } finally {
      setExporting(false);
    }
  }

  const input = (key: keyof Filters, label: string, props: Record<string, unknown> = {}) => (
    <Field
      id={`audit-${key}`}
      label={label}
      error={fieldError.field === key ? fieldError.error : undefined}
    >
      <input
        id={`audit-${key}`}
        value={form[key]}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        aria-invalid={fieldError.field === key}
        {...props}
      />
    </Field>
  );

  return (
    <section>
      <div className="page-head">
        <h1>审计</h1>
      </div>
      <VerifyCard names={EVENT_TYPES} />
      <AsOfCard />
      <h2>审计记录</h2>
      <form className="card filters" onSubmit={submit} noValidate aria-label="审计查询条件">
        <div className="form-grid">
          {input('targetId', '目标编号', { placeholder: '2022-314001-13030322P00391410001H' })}
          {input('unit', '单位编码', { placeholder: '例如 314001', inputMode: 'numeric' })}
          {input('actor', '操作人', { placeholder: '用户账号' })}
          <Field
            id="audit-type"
            label="事件类型"
            error={fieldError.field === 'type' ? fieldError.error : undefined}
          >
            <select
              id="audit-type"
              value={form.type}
              onChange={(e) => setForm({ ...form, type: e.target.value })}
            >
              <option value="">全部类型</option>
              {Object.entries(EVENT_TYPES).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </Field>
          {input('from', '起始日期', { type: 'date' })}
          {input('to', '截止日期', { type: 'date' })}
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            查询
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setForm(EMPTY);
              void load(EMPTY);
            }}
          >
            清空条件
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => exportTrail('csv')}
            disabled={exporting}
          >
            导出 CSV
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => exportTrail('xlsx')}
            disabled={exporting}
          >
            导出 Excel
          </button>
        </div>
        <ErrorText error={csvError} />
      </form>
      <PageError error={error} />
      {items === null ? (
        busy && <Loading />
      ) : items.length === 0 ? (
        <p className="empty">没有符合条件的记录。</p>
      ) : (
        <>
          <p className="muted small">
            已显示 {items.length} 条{cursor ? '，还有更多' : '，已全部显示'}
            {applied.targetId ? ` · 目标 ${applied.targetId}` : ''}
            {applied.unit ? ` · 单位 ${applied.unit}` : ''}
            {applied.type ? ` · ${EVENT_TYPES[applied.type] ?? applied.type}` : ''}
          </p>
          <div className="scroll-x">
            <table className="grid stack-sm">
              <thead>
                <tr>
                  <th>时间</th>
                  <th>操作人</th>
                  <th>事件类型</th>
                  <th>目标</th>
                  <th>摘要</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => {
                  const target = targetOf(e);
                  return (
                    <tr key={e.position}>
                      <td data-label="时间" className="nowrap">
                        {dateTime(e.at)}
                      </td>
                      <td data-label="操作人" className="nowrap">
                        {e.actor?.name}
                        <div className="sub">
                          {roleName(e.actor?.role ?? '')}
                          {e.actor?.id ? ` · ${e.actor.id}` : ''}
                        </div>
                      </td>
                      <td data-label="事件类型" className="nowrap">
                        {EVENT_TYPES[e.type] ?? e.type}
                        <div className="sub mono">{e.type}</div>
                      </td>
                      <td data-label="目标">
                        {target ? (
                          <Link
                            className="mono small"
                            to={`/targets/${encodeURIComponent(target)}`}
                          >
                            {target}
                          </Link>
                        ) : (
                          <span className="muted mono small">{e.streamId}</span>
                        )}
                      </td>
                      <td data-label="摘要">{summaryOf(e)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {cursor && (
            <div className="more">
              <button
                type="button"
                className="btn"
                disabled={busy}
                onClick={() => void load(applied, cursor)}
              >
                加载更多
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
