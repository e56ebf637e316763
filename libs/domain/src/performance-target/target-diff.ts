import { canonicalJson } from '../shared/canonical-json';
import { isTargetLifecycleEvent, TargetEvent } from './performance-target.events';
import { evolveTarget, initialTargetState } from './performance-target.state';
import { pendingAdjustmentOf, TargetState } from './target-phase';
import { budgetView, BudgetView } from './performance-target.view';
import { PlanCells } from './spending-plan';
import { Indicator, TargetContent } from './target-content';

/** The fields of a table a reviewer compares, in the order of the 绩效目标表, with their labels. */
const FIELDS = {
  unitName: '预算单位',
  projectName: '项目名称',
  budget: '项目资金',
  purpose: '资金用途',
  plan: '资金支出计划（%）',
  goals: '年度绩效目标',
} as const;
export type DiffFieldName = keyof typeof FIELDS;

export interface FieldDiff {
  readonly field: DiffFieldName;
  readonly label: string;
  readonly before: string | BudgetView | PlanCells;
  readonly after: string | BudgetView | PlanCells;
}

/** The parts of an indicator besides its place in the tree (一级, 二级, 三级 name the row). */
const INDICATOR_PARTS = ['description', 'target', 'basis'] as const;
export type IndicatorPart = (typeof INDICATOR_PARTS)[number];

export interface IndicatorChange {
  readonly before: Indicator;
  readonly after: Indicator;
  readonly parts: readonly IndicatorPart[];
}

export interface IndicatorDiff {
  readonly added: readonly Indicator[];
  readonly removed: readonly Indicator[];
  readonly changed: readonly IndicatorChange[];
}

export interface ContentDiff {
  readonly fields: readonly FieldDiff[];
  readonly indicators: IndicatorDiff;
}

const fieldValue = (c: TargetContent, f: DiffFieldName) =>
  f === 'budget' ? budgetView(c.budget) : c[f];

/** What differs between two versions of a table: fields by value, indicators by their row. */
export function diffContent(before: TargetContent, after: TargetContent): ContentDiff {
  const fields: FieldDiff[] = [];
  for (const field of Object.keys(FIELDS) as DiffFieldName[]) {
    const b = fieldValue(before, field);
    const a = fieldValue(after, field);
    if (canonicalJson(b) !== canonicalJson(a))
      fields.push({ field, label: FIELDS[field], before: b, after: a });
  }
  return { fields, indicators: diffIndicators(before.indicators, after.indicators) };
}

const rowKey = (i: Indicator) => canonicalJson([i.level1.trim(), i.level2.trim(), i.name.trim()]);

/**
 * Indicators are matched by 一级 / 二级 / 三级 name; a renamed row is one removed and one added,
 * which is how a reviewer reads it. Rows of the same name pair up in order.
 */
export function diffIndicators(
  before: readonly Indicator[],
  after: readonly Indicator[],
): IndicatorDiff {
  const unmatched = new Map<string, Indicator[]>();
  for (const i of before) unmatched.set(rowKey(i), [...(unmatched.get(rowKey(i)) ?? []), i]);
  const added: Indicator[] = [];
  const changed: IndicatorChange[] = [];
  for (const a of after) {
    const b = unmatched.get(rowKey(a))?.shift();
    if (!b) {
      added.push(a);
      continue;
    }
    const parts = INDICATOR_PARTS.filter((p) => b[p] !== a[p]);
    if (parts.length > 0) changed.push({ before: b, after: a, parts });
  }
  const removed = [...unmatched.values()].flat();
  return { added, removed, changed };
}

export interface TargetChanges extends ContentDiff {
  /** `adjustment` while one is pending: compared with the version in force. */
  readonly kind: 'target' | 'adjustment';
  /** Stream version of the compared version; null for a first submission (首次送审). */
  readonly from: number | null;
  readonly to: number;
  readonly firstSubmission: boolean;
  readonly adjustmentId: string | null;
  readonly reason: string | null;
}

interface Seen {
  readonly content: TargetContent;
  readonly version: number;
}

/** The target's state after `events`, with the content each review saw and the one in force. */
function walkHistory(events: readonly (TargetEvent | { readonly type: string })[]): {
  state: TargetState;
  reviewed: Map<number, Seen>;
  inForce: Seen | null;
} {
  let state: TargetState = initialTargetState();
  const reviewed = new Map<number, Seen>();
  let inForce: Seen | null = null;
  for (const e of events) {
    // an evaluation filed on the stream changes no content but counts in the stream's version
    if (!isTargetLifecycleEvent(e)) {
      state = { ...state, version: state.version + 1 };
      continue;
    }
    state = evolveTarget(state, e);
    if (state.status === 'none') continue;
    const seen = { content: state.content, version: state.version };
    if (e.type === 'TargetReviewed' && !e.data.adjustmentId)
      reviewed.set(e.data.contentRevision, seen);
    if (e.type === 'TargetApproved' || e.type === 'AdjustmentApproved') inForce = seen;
  }
  return { state, reviewed, inForce };
}

/**
 * What changed since the last version a reviewer saw. A pending adjustment is compared with the
 * approved version in force; otherwise the content with the last review of an earlier content
 * revision (a target returned and resubmitted), and a table never reviewed is a first submission.
 */
export function targetChanges(
  events: readonly (TargetEvent | { readonly type: string })[],
): TargetChanges {
  const { state, reviewed, inForce } = walkHistory(events);
  if (state.status === 'none') throw new Error('targetChanges of a target that does not exist');
  const to = state.version;
  const p = pendingAdjustmentOf(state);
  if (p && inForce) {
    const adjusted = { ...inForce.content, ...p.changes };
    const diff = diffContent(inForce.content, adjusted);
    const adj = { adjustmentId: p.id, reason: p.reason };
    return {
      kind: 'adjustment',
      from: inForce.version,
      to,
      firstSubmission: false,
      ...adj,
      ...diff,
    };
  }
  const earlier = [...reviewed.entries()]
    .filter(([rev]) => rev < state.contentRevision)
    .sort(([a], [b]) => b - a)[0]?.[1];
  const none = { adjustmentId: null, reason: null };
  if (!earlier) {
    const empty = { fields: [], indicators: { added: [], removed: [], changed: [] } };
    return { kind: 'target', from: null, to, firstSubmission: true, ...none, ...empty };
  }
  const diff = diffContent(earlier.content, state.content);
  return { kind: 'target', from: earlier.version, to, firstSubmission: false, ...none, ...diff };
}
