import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';
import { ErrorText, Field, Loading, Notice, PageError, useTitle } from '../components';
import { today } from '../format';
import { unitName } from '../units';
import type { Budget, Indicator, Target } from '../types';
import {
  budgetProblems,
  BudgetFields,
  IndicatorTree,
  planCellProblems,
  PlanFields,
  planOf,
  planText,
  useTemplate,
} from './target-editor';
import type { PlanText } from './target-editor';

/** This year in Asia/Shanghai, where the URL names none. */
export const fiscalYearNow = (): number => Number(today().slice(0, 4));

/** The table as typed: amounts and plan cells stay text until saved. */
interface Draft {
  fiscalYear: string;
  unitName: string;
  projectCode: string;
  projectName: string;
  budget: Budget;
  purpose: string;
  plan: PlanText;
  goals: string;
  indicators: Indicator[];
}

const EMPTY: Draft = {
  fiscalYear: '',
  unitName: '',
  projectCode: '',
  projectName: '',
  budget: { total: '', fiscal: '', other: '0.00' },
  purpose: '',
  plan: { M3: '', M6: '', M10: '', M12: '100' },
  goals: '',
  indicators: [],
};

const draftOf = (t: Target): Draft => ({
  fiscalYear: String(t.fiscalYear),
  unitName: t.unitName,
  projectCode: t.projectCode,
  projectName: t.projectName,
  budget: t.budget,
  purpose: t.purpose,
  plan: planText(t.plan),
  goals: t.goals,
  indicators: t.indicators.map(({ level1, level2, name, description, target, basis }) => ({
    level1,
    level2,
    name,
    description,
    target,
    basis,
  })),
});

/** What keeps the form from being saved, found while typing; the server adds its own problems. */
function draftProblems(d: Draft, isNew: boolean): string[] {
  const p: string[] = [];
  if (isNew && !/^\d{4}$/.test(d.fiscalYear)) p.push('请填写四位数的年度');
  if (isNew && !/^[0-9A-Za-z]{1,40}$/.test(d.projectCode.trim()))
    p.push('请填写项目编码（字母和数字，最多 40 位）');
  if (!d.projectName.trim()) p.push('请填写项目名称');
  if (!d.unitName.trim()) p.push('请填写单位名称');
  p.push(...budgetProblems(d.budget), ...planCellProblems(d.plan));
  if (!d.goals.trim()) p.push('请填写年度绩效目标（送审前必填）');
  if (d.indicators.length === 0) p.push('请至少添加一项绩效指标（送审前必填）');
  d.indicators.forEach((ind, i) => {
    if (!ind.name.trim() || !ind.target.trim())
      p.push(`第${i + 1}项指标：请填写三级指标和指标值（送审前必填）`);
  });
  return p;
}

/** Only these block saving; the rest may wait in a draft until it is submitted. */
const blocksSaving = (p: string) => !p.includes('送审前必填');

export function TargetFormPage() {
  const { id } = useParams();
  const isNew = !id;
  const { user } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft | null>(() =>
    isNew ? { ...EMPTY, fiscalYear: params.get('fiscalYear') ?? String(fiscalYearNow()) } : null,
  );
  const [target, setTarget] = useState<Target | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useTitle(isNew ? '新建绩效目标' : '修改绩效目标');

  useEffect(() => {
    if (isNew) return;
    setLoadError(null);
    setDraft(null); // a reload mounts a fresh form with what the server holds now
    api<Target>(`/targets/${encodeURIComponent(id)}`)
      .then((t) => {
        setTarget(t);
        setDraft(draftOf(t));
      })
      .catch(setLoadError);
  }, [id, tick]);

  if (!draft) {
    return (
      <section>
        <PageError error={loadError} />
        {!loadError && <Loading />}
      </section>
    );
  }
  return (
    <DraftForm
      key={`${id ?? 'new'}-${tick}`}
      initial={draft}
      target={target}
      unitCode={target?.unitCode ?? user?.unit ?? ''}
      onSaved={(t, created) => {
        setTarget(t);
        setDraft(draftOf(t));
        if (created)
          navigate(`/targets/${encodeURIComponent(t.id)}/edit`, {
            replace: true,
            state: { created: true },
          });
      }}
      onReload={() => setTick((n) => n + 1)}
      reloaded={tick > 0}
    />
  );
}

function DraftForm({
  initial,
  target,
  unitCode,
  onSaved,
  onReload,
  reloaded,
}: {
  initial: Draft;
  target: Target | null;
  unitCode: string;
  onSaved: (t: Target, created: boolean) => void;
  onReload: () => void;
  reloaded: boolean;
}) {
  const isNew = !target;
  const location = useLocation();
  const [d, setD] = useState<Draft>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<string | null>(
    (location.state as { created?: boolean } | null)?.created
      ? '已新建草稿。'
      : reloaded && target
        ? `已重新加载最新内容（第 ${target.version} 版），请在此基础上重新修改。`
        : null,
  );
  const template = useTemplate(Number(d.fiscalYear) || fiscalYearNow());
  // a new table's unit is the caller's: its name as the unit's other targets state it
  useEffect(() => {
    if (!isNew || !unitCode || d.unitName) return;
    let live = true;
    void unitName(unitCode, Number(d.fiscalYear) || fiscalYearNow()).then(
      (n) => live && n && setD((x) => (x.unitName ? x : { ...x, unitName: n })),
    );
    return () => {
      live = false;
    };
  }, [unitCode, d.fiscalYear]);
  const problems = draftProblems(d, isNew);
  const blocking = problems.filter(blocksSaving);
  const set = (patch: Partial<Draft>) => {
    setD((x) => ({ ...x, ...patch }));
    setSaved(null);
  };

  function body() {
    const content = {
      unitName: d.unitName.trim(),
      projectName: d.projectName.trim(),
      budget: d.budget,
      purpose: d.purpose,
      plan: planOf(d.plan),
      goals: d.goals,
      indicators: d.indicators,
    };
    if (!isNew) return content;
    return {
      ...content,
      fiscalYear: Number(d.fiscalYear),
      unitCode,
      projectCode: d.projectCode.trim(),
    };
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (blocking.length > 0) return;
    setBusy(true);
    setError(null);
    setConflict(false);
    try {
      const t = isNew
        ? await api<Target>('/targets', { method: 'POST', body: body() })
        : await api<Target>(`/targets/${encodeURIComponent(target.id)}`, {
            method: 'PATCH',
            body: body(),
            headers: { 'If-Match': String(target.version) },
          });
      setSaved(`已保存（第 ${t.version} 版）。`);
      onSaved(t, isNew);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') setConflict(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  const serverProblems = target?.problems ?? [];
  return (
    <section>
      <p className="crumbs">
        <Link to="/unit-targets">本单位目标</Link> / {isNew ? '新建绩效目标' : target.projectName}
      </p>
      <div className="page-head">
        <div>
          <h1>{isNew ? '新建绩效目标表' : '修改绩效目标表'}</h1>
          <p className="muted">
            {unitCode ? `单位编码 ${unitCode}` : '您的账号未关联单位，不能新建目标'}
            {target ? ` · 第 ${target.version} 版` : ''}
          </p>
        </div>
        {target && (
          <div className="actions">
            <Link className="btn" to={`/targets/${encodeURIComponent(target.id)}`}>
              查看目标并送审
            </Link>
          </div>
        )}
      </div>
      {conflict && (
        <div className="banner banner-error" role="alert">
          其他人已修改此目标，请重新加载。
          <div className="actions">
            <button type="button" className="btn" onClick={onReload}>
              重新加载
            </button>
          </div>
        </div>
      )}
      {saved && (
        <Notice>
          {saved}
          {serverProblems.length === 0
            ? '内容完整，可以送审。'
            : `还有 ${serverProblems.length} 个问题需解决后才能送审（见下方）。`}
        </Notice>
      )}
      {serverProblems.length > 0 && (
        <div className="banner banner-warn" role="note" aria-label="服务器检查的问题">
          <strong>保存后服务器检查出的问题（解决前不能送审）：</strong>
          <ul>
            {serverProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <form className="card" onSubmit={save} noValidate aria-label="绩效目标表">
        <FormBody d={d} isNew={isNew} set={set} template={template} />
        {problems.length > 0 && (
          <div className="banner banner-warn" role="note" aria-label="填写检查">
            <strong>填写检查：</strong>
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        <ErrorText error={error} />
        <div className="actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || blocking.length > 0 || !unitCode}
          >
            保存草稿
          </button>
          <Link
            className="btn"
            to={target ? `/targets/${encodeURIComponent(target.id)}` : '/unit-targets'}
          >
            返回
          </Link>
        </div>
      </form>
    </section>
  );
}

function FormBody({
  d,
  isNew,
  set,
  template,
}: {
  d: Draft;
  isNew: boolean;
  set: (patch: Partial<Draft>) => void;
  template: ReturnType<typeof useTemplate>;
}) {
  const text = (
    k: 'fiscalYear' | 'unitName' | 'projectCode' | 'projectName',
    label: string,
    locked = false,
  ) => (
    <Field id={`tf-${k}`} label={label}>
      <input
        id={`tf-${k}`}
        value={d[k]}
        disabled={locked}
        onChange={(e) => set({ [k]: e.target.value })}
      />
    </Field>
  );
  return (
    <>
      <h2>基本信息</h2>
      <div className="form-grid">
        {text('fiscalYear', '年度', !isNew)}
        {text('unitName', '预算单位名称')}
        {text('projectCode', '项目编码', !isNew)}
        {text('projectName', '项目名称')}
      </div>
      <h2>项目资金</h2>
      <BudgetFields idPrefix="tf-budget" value={d.budget} onChange={(budget) => set({ budget })} />
      <Field id="tf-purpose" label="资金用途">
        <textarea
          id="tf-purpose"
          rows={2}
          value={d.purpose}
          onChange={(e) => set({ purpose: e.target.value })}
        />
      </Field>
      <h2>资金支出计划（累计 %）</h2>
      <p className="hint">
        空白表示该期间没有新增支出计划，执行时沿用上一节点的累计比例；12月底应为 100%。
      </p>
      <PlanFields idPrefix="tf-plan" value={d.plan} onChange={(plan) => set({ plan })} />
      <Field id="tf-goals" label="年度绩效目标">
        <textarea
          id="tf-goals"
          rows={3}
          value={d.goals}
          onChange={(e) => set({ goals: e.target.value })}
        />
      </Field>
      <h2>绩效指标</h2>
      <IndicatorTree
        idPrefix="tf-ind"
        template={template}
        value={d.indicators}
        onChange={(indicators) => set({ indicators })}
      />
    </>
  );
}
