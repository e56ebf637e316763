import { useEffect, useState } from 'react';
import { api } from '../api';
import { Field } from '../components';
import { CHECKPOINT_NAMES, toFen } from '../format';
import type { Budget, Checkpoint, Indicator, Plan } from '../types';

/** Pieces of a target table a person edits: the new-target form and an adjustment share them. */

export const CHECKPOINTS: Checkpoint[] = ['M3', 'M6', 'M10', 'M12'];

export interface IndicatorTemplate {
  readonly fiscalYear: number;
  readonly version: string;
  readonly levels: { level1: string; level2: string[] }[];
}

export function useTemplate(fiscalYear: number): IndicatorTemplate | null {
  const [t, setT] = useState<IndicatorTemplate | null>(null);
  useEffect(() => {
    let live = true;
    api<IndicatorTemplate>('/indicator-template', { query: { fiscalYear } })
      .then((a) => live && setT(a))
      .catch(() => live && setT(null));
    return () => {
      live = false;
    };
  }, [fiscalYear]);
  return t;
}

/** Plan cells as typed: a blank cell stays blank (null), as the 绩效目标表 allows. */
export type PlanText = Record<Checkpoint, string>;

export const planText = (p: Plan): PlanText =>
  Object.fromEntries(CHECKPOINTS.map((c) => [c, p[c] === null ? '' : String(p[c])])) as PlanText;

export function planOf(p: PlanText): Plan {
  return Object.fromEntries(
    CHECKPOINTS.map((c) => [c, p[c].trim() === '' ? null : Number(p[c].trim())]),
  ) as Plan;
}

const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;

/** What is wrong with the typed budget: each amount a decimal of 元, fiscal + other = total. */
export function budgetProblems(b: Budget): string[] {
  const problems: string[] = [];
  const names: [keyof Budget, string][] = [
    ['total', '预算数'],
    ['fiscal', '财政资金'],
    ['other', '其他资金'],
  ];
  for (const [k, name] of names) {
    const fen = toFen(b[k]);
    if (fen === null || fen < 0n) problems.push(`${name}应为不小于 0 的金额（元），最多两位小数`);
  }
  const [t, f, o] = [toFen(b.total), toFen(b.fiscal), toFen(b.other)];
  if (t !== null && f !== null && o !== null && t !== f + o)
    problems.push('预算数应等于财政资金与其他资金之和');
  return problems;
}

export function planCellProblems(p: PlanText): string[] {
  return CHECKPOINTS.filter((c) => p[c].trim() !== '' && !PERCENT.test(p[c].trim())).map(
    (c) => `${CHECKPOINT_NAMES[c]}的支出计划应为 0–100 的百分比，最多两位小数，或留空`,
  );
}

export function BudgetFields({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: Budget;
  onChange: (b: Budget) => void;
}) {
  const cell = (k: keyof Budget, label: string) => (
    <Field id={`${idPrefix}-${k}`} label={label}>
      <input
        id={`${idPrefix}-${k}`}
        inputMode="decimal"
        value={value[k]}
        onChange={(e) => onChange({ ...value, [k]: e.target.value })}
      />
    </Field>
  );
  return (
    <div className="form-grid">
      {cell('total', '预算数（元）')}
      {cell('fiscal', '其中：财政资金（元）')}
      {cell('other', '其他资金（元）')}
    </div>
  );
}

/**
 * The four cumulative cells. Beside each, the value it will count as: a blank cell plans
 * nothing new in its period, so it shows the previous checkpoint's value (0 before the first),
 * as DOMAIN.md "Spending plan" states; the saved target answers the server's effectivePlan.
 */
export function PlanFields({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: PlanText;
  onChange: (p: PlanText) => void;
}) {
  let carried = 0;
  return (
    <div className="form-grid plan-grid">
      {CHECKPOINTS.map((c) => {
        const typed = value[c].trim();
        const n = PERCENT.test(typed) ? Number(typed) : null;
        if (n !== null) carried = n;
        return (
          <Field key={c} id={`${idPrefix}-${c}`} label={`${CHECKPOINT_NAMES[c]}累计（%）`}>
            <input
              id={`${idPrefix}-${c}`}
              inputMode="decimal"
              value={value[c]}
              placeholder="空白"
              onChange={(e) => onChange({ ...value, [c]: e.target.value })}
            />
            <span className="hint">
              执行计划：{typed === '' ? `${carried}%（空白沿用上一节点）` : `${carried}%`}
            </span>
          </Field>
        );
      })}
    </div>
  );
}

const OPERATOR_WORDS: Record<string, string> = {
  '≥': '不低于',
  '≤': '不高于',
  '=': '等于',
  '>': '高于',
  '<': '低于',
};

type Parsed =
  | { kind: 'quantitative'; operator: string; value: number; unit: string; direction: string }
  | { kind: 'boolean'; expected: boolean }
  | { kind: 'qualitative' };

/** How the service reads a 指标值, in words: `≥95%` → 不低于 95 %. */
export function readingOf(p: Parsed): string {
  if (p.kind === 'quantitative') {
    const dir =
      p.direction === 'positive'
        ? '越高越好'
        : p.direction === 'negative'
          ? '越低越好'
          : '须达到该值';
    return `定量：${OPERATOR_WORDS[p.operator] ?? p.operator} ${p.value}${p.unit ? ` ${p.unit}` : ''}（${dir}）`;
  }
  if (p.kind === 'boolean') return `是否类：${p.expected ? '应为“是”' : '应为“否”'}`;
  return '定性：自评时按达成程度评分';
}

/** The server's reading of the typed 指标值, asked a moment after typing stops. */
function TargetReading({ text }: { text: string }) {
  const [reading, setReading] = useState('');
  useEffect(() => {
    if (!text.trim()) {
      setReading('');
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api<{ parsed: Parsed }>('/indicator-template/parse', { query: { text } })
        .then((a) => live && setReading(readingOf(a.parsed)))
        .catch(() => live && setReading('暂时无法解析，保存后由服务器识别'));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);
  return (
    <span className="hint reading" aria-live="polite">
      {reading ? `将理解为：${reading}` : '\u00a0'}
    </span>
  );
}

export const blankIndicator = (level1: string, level2: string): Indicator => ({
  level1,
  level2,
  name: '',
  description: '',
  target: '',
  basis: '',
});

/** Indicators in the template's order of branches, keeping their order within a branch. */
export function ordered(template: IndicatorTemplate | null, list: Indicator[]): Indicator[] {
  if (!template) return list;
  const rank = (i: Indicator) => {
    const a = template.levels.findIndex((l) => l.level1 === i.level1);
    const b = a < 0 ? -1 : template.levels[a].level2.indexOf(i.level2);
    return (a < 0 ? 99 : a) * 100 + (b < 0 ? 99 : b);
  };
  return list
    .map((ind, n) => ({ ind, n }))
    .sort((x, y) => rank(x.ind) - rank(y.ind) || x.n - y.n)
    .map((x) => x.ind);
}

interface Branch {
  level1: string;
  level2: string;
  rows: { ind: Indicator; at: number }[];
}

function branchesOf(list: Indicator[]): { level1: string; branches: Branch[] }[] {
  const groups: { level1: string; branches: Branch[] }[] = [];
  list.forEach((ind, at) => {
    let g = groups.find((x) => x.level1 === ind.level1);
    if (!g) groups.push((g = { level1: ind.level1, branches: [] }));
    let b = g.branches.find((x) => x.level2 === ind.level2);
    if (!b) g.branches.push((b = { level1: ind.level1, level2: ind.level2, rows: [] }));
    b.rows.push({ ind, at });
  });
  return groups;
}

/**
 * The indicator tree edited as a tree: 一级 and 二级 are chosen from the year's template (a
 * branch is added with its first 三级 row), 三级 rows are free text with the 指标值's reading.
 */
export function IndicatorTree({
  idPrefix,
  template,
  value,
  onChange,
}: {
  idPrefix: string;
  template: IndicatorTemplate | null;
  value: Indicator[];
  onChange: (list: Indicator[]) => void;
}) {
  const [level1, setLevel1] = useState('');
  const [level2, setLevel2] = useState('');
  const level2s = template?.levels.find((l) => l.level1 === level1)?.level2 ?? [];
  const put = (list: Indicator[]) => onChange(ordered(template, list));
  const edit = (at: number, patch: Partial<Indicator>) =>
    put(value.map((ind, i) => (i === at ? { ...ind, ...patch } : ind)));
  const remove = (at: number) => put(value.filter((_, i) => i !== at));

  return (
    <div className="indicator-tree">
      {value.length === 0 && (
        <p className="empty">尚未添加绩效指标。请在下方选择一级、二级指标后添加。</p>
      )}
      {branchesOf(value).map((g) => (
        <fieldset key={g.level1} className="tree-level1">
          <legend>一级指标：{g.level1}</legend>
          {g.branches.map((b) => (
            <fieldset key={b.level2} className="tree-level2">
              <legend>二级指标：{b.level2}</legend>
              {b.rows.map(({ ind, at }, n) => (
                <IndicatorRow
                  key={at}
                  id={`${idPrefix}-${at}`}
                  label={`${b.level2}第${n + 1}项`}
                  ind={ind}
                  onEdit={(patch) => edit(at, patch)}
                  onRemove={() => remove(at)}
                />
              ))}
              <button
                type="button"
                className="btn btn-small"
                onClick={() => put([...value, blankIndicator(b.level1, b.level2)])}
              >
                在“{b.level2}”下添加三级指标
              </button>
            </fieldset>
          ))}
        </fieldset>
      ))}
      <div className="toolbar tree-add">
        <Field id={`${idPrefix}-add1`} label="一级指标" className="inline">
          <select
            id={`${idPrefix}-add1`}
            value={level1}
            onChange={(e) => {
              setLevel1(e.target.value);
              setLevel2('');
            }}
          >
            <option value="">请选择</option>
            {template?.levels.map((l) => (
              <option key={l.level1}>{l.level1}</option>
            ))}
          </select>
        </Field>
        <Field id={`${idPrefix}-add2`} label="二级指标" className="inline">
          <select
            id={`${idPrefix}-add2`}
            value={level2}
            onChange={(e) => setLevel2(e.target.value)}
          >
            <option value="">请选择</option>
            {level2s.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </Field>
        <button
          type="button"
          className="btn"
          disabled={!level1 || !level2}
          onClick={() => put([...value, blankIndicator(level1, level2)])}
        >
          添加指标
        </button>
        {template && <span className="hint">指标体系：{template.version}版</span>}
      </div>
    </div>
  );
}

function IndicatorRow({
  id,
  label,
  ind,
  onEdit,
  onRemove,
}: {
  id: string;
  label: string;
  ind: Indicator;
  onEdit: (patch: Partial<Indicator>) => void;
  onRemove: () => void;
}) {
  const text = (k: keyof Indicator, name: string, required = false) => (
    <Field
      id={`${id}-${k}`}
      label={`${name}${required ? '（必填）' : ''}`}
      error={required && !ind[k].trim() ? `请填写${name}` : undefined}
    >
      <input
        id={`${id}-${k}`}
        value={ind[k]}
        aria-required={required}
        aria-invalid={required && !ind[k].trim()}
        onChange={(e) => onEdit({ [k]: e.target.value })}
      />
      {k === 'target' && <TargetReading text={ind.target} />}
    </Field>
  );
  return (
    <div className="tree-row" role="group" aria-label={label}>
      <div className="form-grid">
        {text('name', '三级指标', true)}
        {text('target', '指标值', true)}
        {text('description', '绩效指标描述')}
        {text('basis', '指标值确定依据')}
      </div>
      <button type="button" className="btn btn-small btn-danger-quiet" onClick={onRemove}>
        删除此项
      </button>
    </div>
  );
}
