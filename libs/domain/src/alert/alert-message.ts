import { AlertKind, AlertLevel } from './alert-policy';

export interface AlertFacts {
  readonly targetId: string;
  readonly projectName: string;
  readonly unitCode: string;
  readonly kind: AlertKind;
  readonly level: AlertLevel;
  readonly period: string;
  readonly asOf: string;
  readonly plannedPct: number;
  readonly actualPct: number;
  readonly lagPp: number;
  readonly escalation?: boolean;
}

const LEVEL = { yellow: '黄色预警', red: '红色预警' } as const;
const CHECKPOINT = { M3: '3月底', M6: '6月底', M10: '10月底', M12: '12月底' } as Record<
  string,
  string
>;
const pct = (x: number) => x.toFixed(2);

/** The alert in Chinese, for a group robot (markdown) or an e-mail: title and text. */
export function alertMessage(a: AlertFacts): { title: string; text: string } {
  const what =
    a.kind === 'checkpoint'
      ? `${CHECKPOINT[a.period]}检查点执行未达计划`
      : a.kind === 'divergence'
        ? `绩效指标进度与预算支出进度偏离（截至${a.asOf}）`
        : a.kind === 'reminder'
          ? `绩效运行监控报告即将截止，尚未填报（${a.asOf}）`
          : `预算执行进度滞后（截至${a.asOf}）`;
  const title = `【${LEVEL[a.level]}】${a.projectName}：${what}${a.escalation ? '（逾期未确认，报主管部门）' : ''}`;
  const text = [
    `### ${title}`,
    `- 项目：${a.projectName}（${a.targetId}）`,
    `- 单位：${a.unitCode}`,
    `- 检查点：${CHECKPOINT[a.period] ?? a.period}，评价日期 ${a.asOf}`,
    `- 计划支出进度：${pct(a.plannedPct)}%`,
    `- 实际支出进度：${pct(a.actualPct)}%`,
    `- 滞后：${pct(a.lagPp)} 个百分点`,
    '请单位负责人核实原因，加快预算执行，并在系统中确认本预警。',
  ].join('\n');
  return { title, text };
}
