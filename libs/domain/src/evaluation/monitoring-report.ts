import { Actor, Command, Decider, DomainEvent, eventMetadata } from '../shared/decider';
import { IllegalState, InvalidInput, NotFound, Refused } from '../shared/errors';
import { departmentOf } from '../shared/scope';
import { parseIndicatorTarget } from '../performance-target/indicator-target.parse';
import {
  ApprovedTarget,
  approvedOf,
  assertApproved,
  exists,
  TargetState,
} from '../performance-target/target-phase';
import { Indicator } from '../performance-target/target-content';
import { isBusinessDate } from '../shared/business-date';
import { fieldNameZh, statusNameZh } from '../shared/names.zh';
import { assertFiscalYear } from '../shared/fiscal-year';

/** A monitoring round (e.g. "2022年1-7月"): opened by the department or finance, with a deadline. */
export interface MonitoringRound {
  readonly roundId: string;
  readonly fiscalYear: number;
  readonly name: string;
  readonly asOf: string;
  readonly deadline: string;
  /** The department the round covers: its opener's for a department reviewer; absent or null is all. */
  readonly departmentCode?: string | null;
}

/** Does the round cover the unit's targets? A department's round covers its own units only. */
export function roundCovers(round: MonitoringRound, unitCode: string): boolean {
  return !round.departmentCode || departmentOf(unitCode) === round.departmentCode;
}

export type MonitoringRoundOpened = DomainEvent<'MonitoringRoundOpened', MonitoringRound>;
export const roundStreamId = (roundId: string) => `round-${roundId}`;

/** Opens a round: a name, an as-of date within its fiscal year and a deadline not before it. */
export function openRound(
  cmd: Command<'OpenMonitoringRound', MonitoringRound>,
): MonitoringRoundOpened[] {
  const r = cmd.data;
  assertFiscalYear(r.fiscalYear);
  if (!r.name.trim() || r.name.length > 100)
    throw new InvalidInput('INVALID_NAME', '请填写监控轮次名称（最多 100 个字符）', 'name');
  if (!isBusinessDate(r.asOf) || !r.asOf.startsWith(`${r.fiscalYear}-`))
    throw new InvalidInput('INVALID_AS_OF', '截至日期应为该预算年度内的日期', 'asOf');
  if (!isBusinessDate(r.deadline) || r.deadline < r.asOf)
    throw new InvalidInput('INVALID_DEADLINE', '截止日期应为不早于截至日期的日期', 'deadline');
  return [
    {
      type: 'MonitoringRoundOpened',
      data: { ...r, name: r.name.trim() },
      metadata: eventMetadata(cmd),
    },
  ];
}

/** A round's stream as a decider: opened once (its id is new), nothing else is decided on it. */
export const roundDecider: Decider<
  Command<'OpenMonitoringRound', MonitoringRound>,
  MonitoringRoundOpened,
  MonitoringRound | null
> = {
  initialState: () => null,
  evolve: (_, e) => e.data,
  decide: (cmd, state) => (state ? [] : openRound(cmd)),
};

export const LIKELIHOODS = ['确定能', '有可能', '完全不可能'] as const;
export const CAUSES = ['经费保障', '制度保障', '人员保障', '硬件条件保障', '其他'] as const;
export const CORRECTIONS = [
  '继续执行',
  '调整预算和目标',
  '暂缓拨款',
  '停止拨款',
  '取消项目',
] as const;

/** One indicator's line of a monitoring report (绩效运行监控表). */
export interface ReportLine {
  readonly index: number;
  /** 完成值: a number for a number target, 是/否 for a yes/no one, text otherwise. */
  readonly completed: number | boolean | string;
  /** 全年预计完成情况. */
  readonly expected: number | boolean | string;
  readonly likelihood: (typeof LIKELIHOODS)[number];
  readonly causes?: readonly (typeof CAUSES)[number][];
  readonly causeText?: string;
  readonly correction?: (typeof CORRECTIONS)[number];
}

export type MonitoringReportFiled = DomainEvent<
  'MonitoringReportFiled',
  { readonly targetId: string; readonly roundId: string; readonly lines: readonly ReportLine[] }
>;
export type MonitoringReportReviewed = DomainEvent<
  'MonitoringReportReviewed',
  {
    readonly targetId: string;
    readonly roundId: string;
    readonly outcome: 'accepted' | 'returned';
    readonly opinion: string;
  }
>;

export interface ReportState {
  readonly roundId: string;
  readonly status: 'filed' | 'accepted' | 'returned';
  readonly lines: readonly ReportLine[];
  readonly filedBy: Actor;
  readonly filedAt: string;
  readonly opinion: string;
}

function assertKind(line: ReportLine, target: string, at: string): void {
  const kind = parseIndicatorTarget(target).kind;
  for (const [field, v] of [
    ['completed', line.completed],
    ['expected', line.expected],
  ] as const) {
    const ok =
      kind === 'quantitative'
        ? typeof v === 'number' && Number.isFinite(v)
        : kind === 'boolean'
          ? typeof v === 'boolean'
          : typeof v === 'string' && v.trim() !== '' && v.length <= 500;
    if (!ok)
      throw new InvalidInput(
        'WRONG_KIND_OF_VALUE',
        `指标值为“${target}”，${fieldNameZh(`${at}.${field}`)}应为${kind === 'quantitative' ? '数值' : kind === 'boolean' ? '是或否（布尔值）' : '文字（最多 500 字）'}`,
        `${at}.${field}`,
      );
  }
}

export type FileMonitoringReport = Command<
  'FileMonitoringReport',
  {
    readonly targetId: string;
    readonly round: MonitoringRound;
    readonly today: string;
    readonly lines: readonly ReportLine[];
  }
>;
export type ReviewMonitoringReport = Command<
  'ReviewMonitoringReport',
  {
    readonly targetId: string;
    readonly roundId: string;
    readonly outcome: 'accepted' | 'returned';
    readonly opinion: string;
  }
>;

/** The target reported on: the round covers it, it is approved and of the round's year. */
function reportedTarget(round: MonitoringRound, target: TargetState): ApprovedTarget {
  if (!roundCovers(round, exists(target) ? target.unitCode : ''))
    throw new NotFound('ROUND_NOT_FOUND', `监控轮次 ${round.roundId} 不存在`, {
      roundId: round.roundId,
    });
  const s = assertApproved(target, '填报运行监控');
  if (round.fiscalYear !== s.fiscalYear)
    throw new InvalidInput(
      'WRONG_ROUND',
      `监控轮次“${round.name}”属于 ${round.fiscalYear} 年度，该目标属于 ${s.fiscalYear} 年度`,
      'roundId',
    );
  return s;
}

/** The round is still open, and a report already filed in it was returned for rework. */
function assertEditable(
  round: MonitoringRound,
  today: string,
  s: TargetState,
  current: ReportState | undefined,
): void {
  if (today > round.deadline)
    throw new IllegalState(
      'ROUND_CLOSED',
      `监控轮次“${round.name}”已于 ${round.deadline} 截止`,
      s.status,
      { deadline: round.deadline },
    );
  if (current && current.status !== 'returned')
    throw new IllegalState(
      'REPORT_NOT_EDITABLE',
      `该监控报告当前为“${statusNameZh(current.status)}”，不能修改`,
      s.status,
      {
        report: current.status,
      },
    );
}

/** Every indicator once, values of the right kind, causes and a correction where behind. */
function assertLines(lines: readonly ReportLine[], indicators: readonly Indicator[]): void {
  if (
    lines.length !== indicators.length ||
    new Set(lines.map((l) => l.index)).size !== indicators.length ||
    lines.some((l) => !indicators[l.index])
  ) {
    throw new InvalidInput(
      'LINES_INCOMPLETE',
      `请按指标序号逐项填报全部 ${indicators.length} 项指标，每项一次`,
      'lines',
    );
  }
  lines.forEach((l, i) => assertKind(l, indicators[l.index].target, `lines.${i}`));
  const behind = lines
    .filter((l) => l.likelihood !== '确定能' && (!l.causes?.length || !l.correction))
    .map((l) => indicators[l.index].name);
  if (behind.length > 0)
    throw new Refused('CAUSES_REQUIRED', '可能无法完成的指标须填写偏差原因和纠偏措施', {
      indicators: behind,
    });
}

/** A report needs every indicator once, values of the right kind, and causes and a correction where behind. */
export function fileReport(
  cmd: FileMonitoringReport,
  s: TargetState,
  current: ReportState | undefined,
): MonitoringReportFiled[] {
  const { round, today, lines } = cmd.data;
  const target = reportedTarget(round, s);
  assertEditable(round, today, s, current);
  assertLines(lines, target.approved.content.indicators);
  return [
    {
      type: 'MonitoringReportFiled',
      data: { targetId: target.id, roundId: round.roundId, lines },
      metadata: eventMetadata(cmd),
    },
  ];
}

export function reviewReport(
  cmd: ReviewMonitoringReport,
  s: TargetState,
  current: ReportState | undefined,
): MonitoringReportReviewed[] {
  if (!current || current.status !== 'filed')
    throw new IllegalState('REPORT_NOT_FILED', '本轮没有待审核的监控报告', s.status);
  if (cmd.metadata.actor.role !== 'department_reviewer')
    throw new IllegalState('WRONG_REVIEW_STAGE', '运行监控报告由部门审核人审核', s.status);
  if (cmd.data.outcome === 'returned' && !cmd.data.opinion.trim())
    throw new InvalidInput('OPINION_REQUIRED', '退回时须填写审核意见，说明退回原因', 'opinion');
  return [
    {
      type: 'MonitoringReportReviewed',
      data: { ...cmd.data, opinion: cmd.data.opinion.trim() },
      metadata: eventMetadata(cmd),
    },
  ];
}

export function evolveReports(
  reports: Readonly<Record<string, ReportState>>,
  e: MonitoringReportFiled | MonitoringReportReviewed,
): Record<string, ReportState> {
  const id = e.data.roundId;
  if (e.type === 'MonitoringReportFiled') {
    return {
      ...reports,
      [id]: {
        roundId: id,
        status: 'filed',
        lines: e.data.lines,
        filedBy: e.metadata.actor,
        filedAt: e.metadata.at,
        opinion: '',
      },
    };
  }
  const r = reports[id];
  return r
    ? { ...reports, [id]: { ...r, status: e.data.outcome, opinion: e.data.opinion } }
    : { ...reports };
}

/**
 * Indicator progress of a report: the mean share achieved of the number targets (completed ÷
 * target, capped at 100 %; for "less is better" targets, met counts 100 %), or null without any.
 */
export function indicatorProgressPct(s: TargetState, lines: readonly ReportLine[]): number | null {
  const indicators = approvedOf(s)?.content.indicators ?? [];
  const shares = lines.flatMap((l) => {
    const t = parseIndicatorTarget(indicators[l.index]?.target ?? '');
    if (t.kind !== 'quantitative' || typeof l.completed !== 'number') return [];
    if (t.direction === 'negative')
      return [l.completed <= t.value ? 100 : Math.min(100, (t.value / l.completed) * 100)];
    return [t.value === 0 ? 100 : Math.min(100, (l.completed / t.value) * 100)];
  });
  return shares.length === 0 ? null : shares.reduce((a, b) => a + b, 0) / shares.length;
}
