import ExcelJS from 'exceljs';
import { SelfEvaluationView } from './self-evaluation.handlers';

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
