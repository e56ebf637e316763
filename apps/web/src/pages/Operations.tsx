import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { useCalendar } from '../calendar';
import { ErrorText, Field, Loading, Notice, PageError, useLoad, useTitle } from '../components';
import { fieldOf } from '../errors';

interface Job {
  readonly id: string;
  readonly state: string;
  readonly progress: number | { applied?: number; total?: number; percent?: number } | null;
  readonly result: Record<string, unknown> | number | null;
  readonly failedReason: string | null;
}

interface ProjectionStatus {
  readonly name: string;
  readonly position: string | number;
  readonly lag: string | number;
  readonly status: string;
}

const JOB_STATES: Record<string, string> = {
  waiting: '排队中',
  'waiting-children': '排队中',
  prioritized: '排队中',
  delayed: '等待重试',
  active: '运行中',
  completed: '已完成',
  failed: '失败',
  unknown: '未知',
};
const PROJECTION_NAMES: Record<string, string> = {
  execution: '执行监控（单位看板、执行进度）',
  'review-queue': '审核待办',
  // a reactor, not a read model: it raises the 偏离预警 of filed reports; 重建 replays it harmlessly
  divergence: '偏离预警（随监控报告发出）',
};
const SWEEP_RESULT: [string, string][] = [
  ['evaluated', '检查目标'],
  ['raised', '新发预警'],
  ['reminded', '填报提醒'],
  ['escalated', '上报部门'],
  ['deliveries', '待发送消息'],
];

const percentOf = (p: Job['progress']): number | null =>
  typeof p === 'number' ? p : (p?.percent ?? null);

/** Follows a job (GET /jobs/:id each second) until it is completed or failed. */
function useJob(id: string | null): { job: Job | null; error: unknown } {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setJob(null);
    setError(null);
    if (!id) return;
    let stop = false;
    const poll = async () => {
      try {
        const j = await api<Job>(`/jobs/${encodeURIComponent(id)}`);
        if (stop) return;
        setJob(j);
        if (j.state !== 'completed' && j.state !== 'failed') setTimeout(() => void poll(), 1000);
      } catch (e) {
        if (!stop) setError(e);
      }
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [id]);
  return { job, error };
}

function JobView({ id, label, onDone }: { id: string; label: string; onDone?: () => void }) {
  const { job, error } = useJob(id);
  const finished = job?.state === 'completed' || job?.state === 'failed';
  useEffect(() => {
    if (finished) onDone?.();
  }, [finished]);
  const percent = job ? (job.state === 'completed' ? 100 : percentOf(job.progress)) : null;
  return (
    <div className="subform" role="status" aria-label={`${label}进度`}>
      <p>
        {label}：<strong>{job ? (JOB_STATES[job.state] ?? job.state) : '查询中…'}</strong>
        {percent !== null && ` · ${Math.round(percent)} %`}
        <span className="mono muted small"> 任务 {id}</span>
      </p>
      <div className="bar" aria-hidden="true">
        <span style={{ width: `${percent ?? 0}%` }} />
      </div>
      {job?.state === 'failed' && <p className="error">失败原因：{job.failedReason}</p>}
      {job?.state === 'completed' && job.result && typeof job.result === 'object' && (
        <p className="small">
          {SWEEP_RESULT.filter(([k]) => k in (job.result as object))
            .map(([k, name]) => `${name} ${String((job.result as Record<string, unknown>)[k])}`)
            .join('，')}
        </p>
      )}
      <ErrorText error={error} />
    </div>
  );
}

/** 运行任务: a monitoring sweep now, and projection rebuilds, each followed to its end. */
export function OperationsPage() {
  useTitle('运行任务');
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>运行任务</h1>
          <p className="muted small">
            预警检查每天自动运行；需要时可在此立即运行，或重建读模型。任务在后台执行，本页显示进度。
          </p>
        </div>
      </div>
      <SweepForm />
      <Projections />
    </section>
  );
}

function SweepForm() {
  const calendar = useCalendar();
  const [asOf, setAsOf] = useState('');
  const [kind, setKind] = useState<'early' | 'checkpoint'>('early');
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (calendar && !asOf) setAsOf(calendar.today);
  }, [calendar, asOf]);

  async function run(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setJobId(null);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) return setError('请选择截至日期');
    setBusy(true);
    try {
      const r = await api<{ jobId: string }>('/monitoring/sweeps', { body: { asOf, kind } });
      setJobId(r.jobId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={run} noValidate aria-labelledby="sweep-title">
      <h2 id="sweep-title">立即运行预警检查</h2>
      <div className="form-grid">
        <Field id="sweep-asof" label="截至日期" error={fieldOf(error) === 'asOf' ? error : null}>
          <input
            id="sweep-asof"
            type="date"
            value={asOf}
            onChange={(e) => setAsOf(e.target.value)}
          />
        </Field>
      </div>
      <fieldset className="radios">
        <legend className="label">检查类型</legend>
        <label className="radio">
          <input type="radio" checked={kind === 'early'} onChange={() => setKind('early')} />
          每日预警（按计划进度）
        </label>
        <label className="radio">
          <input
            type="radio"
            checked={kind === 'checkpoint'}
            onChange={() => setKind('checkpoint')}
          />
          节点检查（3月31日、6月30日、10月31日、12月31日）
        </label>
      </fieldset>
      {fieldOf(error) !== 'asOf' && <ErrorText error={error} />}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          立即运行
        </button>
      </div>
      {jobId && <JobView key={jobId} id={jobId} label="预警检查" />}
    </form>
  );
}

function Projections() {
  const list = useLoad(() => api<ProjectionStatus[]>('/projections'), []);
  const [jobs, setJobs] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [notice, setNotice] = useState<string | null>(null);

  async function rebuild(name: string) {
    setErrors((e) => ({ ...e, [name]: null }));
    setNotice(null);
    try {
      const r = await api<{ jobId: string }>(`/projections/${encodeURIComponent(name)}/rebuild`, {
        method: 'POST',
      });
      setJobs((j) => ({ ...j, [name]: r.jobId }));
    } catch (e) {
      setErrors((x) => ({ ...x, [name]: e }));
    }
  }

  return (
    <div className="card" aria-labelledby="proj-title">
      <h2 id="proj-title">读模型</h2>
      <p className="muted small">
        看板、执行进度和审核待办读自读模型。数据有疑问时可重建：从全部事件重新计算，期间页面照常可用。
      </p>
      {notice && <Notice>{notice}</Notice>}
      <PageError error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data?.map((p) => (
        <div key={p.name} className="subform">
          <div className="page-head">
            <div>
              <strong>{PROJECTION_NAMES[p.name] ?? p.name}</strong>{' '}
              <span className="mono muted small">{p.name}</span>
              <div className="small">
                {p.status === 'rebuilding' ? '重建中' : '正常'} · 已处理到事件 {String(p.position)}·
                落后 {String(p.lag)} 个事件
              </div>
            </div>
            <button type="button" className="btn btn-small" onClick={() => void rebuild(p.name)}>
              重建
            </button>
          </div>
          <ErrorText error={errors[p.name]} />
          {jobs[p.name] && (
            <JobView
              key={jobs[p.name]}
              id={jobs[p.name]}
              label="重建"
              onDone={() => {
                setNotice(`${PROJECTION_NAMES[p.name] ?? p.name} 重建已结束`);
                list.reload();
              }}
            />
          )}
        </div>
      ))}
    </div>
  );
}
