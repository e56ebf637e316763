import { sameJson } from '../shared/canonical-json';
import { Command, Decider, DomainEvent, eventMetadata } from '../shared/decider';
import { InvalidInput } from '../shared/errors';
import { fieldNameZh } from '../shared/names.zh';
import {
  DEFAULT_THRESHOLDS,
  Thresholds,
  TIME_PROGRESS_METHODS,
  TimeProgressMethod,
} from '../monitoring/execution';
import { DEFAULT_SCORE_WEIGHTS, ScoreWeights } from '../evaluation/self-evaluation.score';

/** Monitoring settings of one fiscal year: thresholds in pp and days before a red alert escalates. */
export interface MonitoringConfig extends Thresholds {
  readonly fiscalYear: number;
  readonly escalationDays: number;
  /** Points of the self-evaluation's parts (预算执行率 and each 一级指标); they add up to 100. */
  readonly scoreWeights: ScoreWeights;
  /** 序时进度 by days (default) or by whole months; see TimeProgressMethod. */
  readonly timeProgressMethod: TimeProgressMethod;
}

export const defaultMonitoringConfig = (fiscalYear: number): MonitoringConfig => ({
  fiscalYear,
  ...DEFAULT_THRESHOLDS,
  escalationDays: 3,
  scoreWeights: DEFAULT_SCORE_WEIGHTS,
  timeProgressMethod: 'days',
});

export type MonitoringConfigSet = DomainEvent<'MonitoringConfigSet', MonitoringConfig>;
export type SetMonitoringConfig = Command<'SetMonitoringConfig', MonitoringConfig>;

export const monitoringConfigStreamId = (fiscalYear: number) => `config-${fiscalYear}`;

const pp = (x: number) =>
  Number.isFinite(x) && x >= 0 && x <= 100 && Math.round(x * 100) === x * 100;

/** Thresholds in pp (0–100, two decimals), in order: tolerance < yellow < red. */
function assertThresholds(c: MonitoringConfig): void {
  for (const field of ['tolerancePp', 'yellowPp', 'redPp'] as const) {
    if (!pp(c[field]))
      throw new InvalidInput(
        'INVALID_THRESHOLD',
        `${fieldNameZh(field)}应为 0 至 100 个百分点，最多两位小数`,
        field,
      );
  }
  if (!(c.tolerancePp < c.yellowPp && c.yellowPp < c.redPp)) {
    throw new InvalidInput(
      'THRESHOLDS_OUT_OF_ORDER',
      '应满足：节点容差 < 黄色预警阈值 < 红色预警阈值',
      'yellowPp',
    );
  }
}

/** Escalation after 1–60 whole days; time progress by days or by months. */
function assertSchedule(c: MonitoringConfig): void {
  if (!Number.isInteger(c.escalationDays) || c.escalationDays < 1 || c.escalationDays > 60) {
    throw new InvalidInput(
      'INVALID_ESCALATION_DAYS',
      '逾期上报天数应为 1 至 60 的整数',
      'escalationDays',
    );
  }
  if (!TIME_PROGRESS_METHODS.includes(c.timeProgressMethod)) {
    throw new InvalidInput(
      'INVALID_TIME_PROGRESS_METHOD',
      '序时进度计算方法应为 `days`（按天）或 `months`（按月）',
      'timeProgressMethod',
    );
  }
}

/** The score weights: none negative, adding up to 100. */
function assertWeights(w: MonitoringConfig['scoreWeights']): void {
  const parts = [w.execution, ...Object.values(w.groups)];
  if (
    parts.some((x) => !Number.isFinite(x) || x < 0) ||
    Math.abs(parts.reduce((a, b) => a + b, 0) - 100) > 1e-9
  ) {
    throw new InvalidInput(
      'WEIGHTS_DO_NOT_ADD_UP',
      '预算执行率分值与各一级指标分值之和应为 100',
      'scoreWeights',
    );
  }
}

/** Sets the year's settings: 0 ≤ tolerance < yellow < red ≤ 100 (pp, two decimals), 1–60 days. */
export function decideMonitoringConfig(
  cmd: SetMonitoringConfig,
  current: MonitoringConfig | null,
): MonitoringConfigSet[] {
  const c = cmd.data;
  assertThresholds(c);
  assertSchedule(c);
  assertWeights(c.scoreWeights);
  if (current && sameJson(current, c)) return [];
  return [{ type: 'MonitoringConfigSet', data: c, metadata: eventMetadata(cmd) }];
}

/**
 * A year's settings stream as a decider: its state is the last setting (null: the defaults
 * apply); a setting recorded before the method existed was by days.
 */
export const monitoringConfigDecider: Decider<
  SetMonitoringConfig,
  MonitoringConfigSet,
  MonitoringConfig | null
> = {
  initialState: () => null,
  evolve: (_, e) => ({ ...e.data, timeProgressMethod: e.data.timeProgressMethod ?? 'days' }),
  decide: decideMonitoringConfig,
};
