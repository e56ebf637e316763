import ExcelJS from 'exceljs';
import { SelfEvaluationView } from './self-evaluation.handlers';
import { MonitoringTableView } from './monitoring-rounds.handlers';

const ACTUAL: Record<string, (a: Record<string, unknown>) => string> = {
  met: () => '已完成',
  number: (a) => String(a.value),
  yesNo: (a) => (a.value ? '是' : '否'),
  band: (a) => `${a.band}（${a.share}%）`,
  notApplicable: () => '不适用',
};

/** The 绩效自评表 of one target as an .xlsx workbook. */
export async function selfEvaluationWorkbook(v: SelfEvaluationView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('绩效自评表');
  ws.addRow([`${v.projectName}（${v.targetId}）绩效自评表`]);
  ws.mergeCells('A1:H1');
  ws.addRow([
    '预算数（元）',
    v.budget,
    '执行数（元）',
    v.disbursed,
    '预算执行率（%）',
    v.executionRatePct,
    '得分（满分10）',
    v.executionScore,
  ]);
  ws.addRow([
    '一级指标',
    '二级指标',
    '三级指标',
    '指标值',
    '实际完成值',
    '分值',
    '得分',
    '未完成原因',
  ]);
  for (const i of v.indicators) {
    ws.addRow([
      i.level1,
      i.level2,
      i.name,
      i.target,
      ACTUAL[i.actual.kind](i.actual as unknown as Record<string, unknown>),
      i.points,
      i.score,
      i.explanation ?? '',
    ]);
  }
  ws.addRow(['总分', v.total, '等级', v.grade, '状态', v.status, '审核意见', v.opinion]);
  ws.columns.forEach((c) => (c.width = 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The 执行监控表 of one target in a round as an .xlsx workbook. */
export async function monitoringTableWorkbook(v: MonitoringTableView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('执行监控表');
  ws.addRow([
    `${v.projectName}（${v.targetId}）绩效目标执行监控表（${v.round.name}，截至${v.round.asOf}）`,
  ]);
  ws.mergeCells('A1:I1');
  ws.addRow([
    '预算数（元）',
    v.budget,
    '执行数（元）',
    v.disbursed,
    '预算执行率（%）',
    v.executionRatePct,
    '全年预计支出（元）',
    v.expectedFullYear,
  ]);
  ws.addRow([
    '一级指标',
    '二级指标',
    '三级指标',
    '指标值',
    '完成值',
    '全年预计完成情况',
    '完成目标可能性',
    '偏差原因',
    '纠偏措施',
  ]);
  const text = (x: unknown) =>
    x === null || x === undefined ? '' : x === true ? '是' : x === false ? '否' : String(x);
  for (const i of v.indicators) {
    const causes = [...i.causes, ...(i.causeText ? [i.causeText] : [])].join('；');
    ws.addRow([
      i.level1,
      i.level2,
      i.name,
      i.target,
      text(i.completed),
      text(i.expected),
      text(i.likelihood),
      causes,
      text(i.correction),
    ]);
  }
  ws.columns.forEach((c) => (c.width = 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
