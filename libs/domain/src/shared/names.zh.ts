/**
 * The Chinese names a person reads for the codes the service keeps in English (roles,
 * statuses, stages, checkpoints, event types). The words are those of the web console
 * (apps/web/src/format.ts), so an error message, an export and a page say the same thing.
 * A code without a name here is shown as it is: a new status or event type never breaks a text.
 */
export const ROLE_NAMES_ZH: Readonly<Record<string, string>> = {
  preparer: '填报人',
  unit_head: '单位负责人',
  department_reviewer: '部门审核人',
  finance_reviewer: '财政审核人',
  auditor: '审计人员',
  admin: '系统管理员',
};

export const STATUS_NAMES_ZH: Readonly<Record<string, string>> = {
  none: '不存在',
  draft: '草稿',
  submitted: '待部门审核',
  department_approved: '待财政审核',
  approved: '已批复',
  returned: '退回修改',
  rejected: '不予通过',
  withdrawn: '已作废',
  // self-evaluations and monitoring reports
  filed: '已填报',
  accepted: '已通过',
  rebuilding: '重建中',
  active: '启用',
  disabled: '已停用',
};

export const STAGE_NAMES_ZH: Readonly<Record<string, string>> = {
  department: '部门审核',
  finance: '财政审核',
};

export const CHECKPOINT_NAMES_ZH: Readonly<Record<string, string>> = {
  M3: '3月底',
  M6: '6月底',
  M10: '10月底',
  M12: '12月底',
};

/** Every persisted event type, as the audit trail names it beside the code (the console's words). */
export const EVENT_TYPE_NAMES_ZH: Readonly<Record<string, string>> = {
  TargetCreated: '创建目标',
  TargetRevised: '修改目标',
  TargetSubmitted: '送审',
  TargetReviewed: '审核',
  TargetApproved: '批复',
  TargetWithdrawn: '作废目标',
  DisbursementRecorded: '登记支出',
  DisbursementReversed: '冲销支出',
  AdjustmentRequested: '申请调整',
  AdjustmentApproved: '调整批复',
  SelfEvaluationFiled: '填报自评',
  SelfEvaluationReviewed: '审核自评',
  MonitoringRoundOpened: '开启监控轮次',
  MonitoringReportFiled: '填报监控报告',
  MonitoringReportReviewed: '审核监控报告',
  MonitoringConfigSet: '监控参数设置',
  AlertRaised: '发出预警',
  AlertDelivered: '预警送达',
  AlertEscalated: '预警升级',
  AlertAcknowledged: '确认预警',
  UnitRecorded: '登记单位',
  UnitUpdated: '更新单位',
  DepartmentReviewersSet: '设置部门审核人',
  DepartmentGoalsRecorded: '部门整体目标',
  UserCreated: '创建用户',
  UserChanged: '修改用户',
  UserPasswordSet: '设置密码',
  UserDisabled: '停用用户',
  UserEnabled: '启用用户',
};

const nameIn =
  (table: Readonly<Record<string, string>>) =>
  (code: string): string =>
    table[code] ?? code;

/** `preparer` → 填报人; an unknown code as it is. */
export const roleNameZh = nameIn(ROLE_NAMES_ZH);
/** `draft` → 草稿; an unknown code as it is. */
export const statusNameZh = nameIn(STATUS_NAMES_ZH);
/** `department` → 部门审核. */
export const stageNameZh = nameIn(STAGE_NAMES_ZH);
/** `M6` → 6月底. */
export const checkpointNameZh = nameIn(CHECKPOINT_NAMES_ZH);
/** `TargetReviewed` → 审核. */
export const eventTypeNameZh = nameIn(EVENT_TYPE_NAMES_ZH);

/**
 * The fields of the API's bodies and queries, as a message names them. The path keeps its
 * code in `details.field`; the message says it in Chinese (`heads.0.email` → 负责人第1项的电子邮箱).
 */
export const FIELD_NAMES_ZH: Readonly<Record<string, string>> = {
  achievement: '完成情况',
  acknowledged: '是否已确认',
  actor: '操作人',
  actual: '完成值',
  amount: '金额',
  asOf: '截至日期',
  basis: '指标值确定依据',
  body: '请求体',
  budget: '预算数',
  causes: '偏差原因',
  causeText: '偏差原因说明',
  code: '编码',
  completed: '完成值',
  conclusion: '评价结论',
  confirmedShares: '确认的得分比例',
  correction: '纠偏措施',
  cursor: '分页游标',
  date: '支付日期',
  deadline: '截止日期',
  department: '部门编码',
  description: '指标说明',
  did: '支出编号',
  disabled: '是否停用',
  dryRun: '试导入',
  email: '电子邮箱',
  entries: '自评明细',
  escalationDays: '逾期上报天数',
  execution: '预算执行率分值',
  expected: '全年预计完成情况',
  explanation: '未完成原因',
  file: '文件',
  fiscal: '财政资金',
  fiscalYear: '预算年度',
  format: '导出格式',
  from: '起始时间',
  goals: '绩效目标',
  grade: '评级',
  groups: '一级指标分值',
  heads: '单位负责人',
  id: '编号',
  improvements: '改进措施',
  index: '指标序号',
  indicator: '指标',
  indicators: '绩效指标',
  kind: '类型',
  level: '预警级别',
  level1: '一级指标',
  level2: '二级指标',
  likelihood: '完成目标可能性',
  limit: '每页条数',
  lines: '监控明细',
  minPosition: '事件位置',
  name: '名称',
  note: '备注',
  opinion: '审核意见',
  other: '其他资金',
  outcome: '审核结果',
  path: '请求路径',
  password: '密码',
  period: '计划期间',
  plan: '资金支出计划',
  problems: '问题',
  projectCode: '项目编码',
  projectName: '项目名称',
  purpose: '资金用途',
  reason: '原因',
  redPp: '红色预警阈值',
  reviewers: '审核人',
  roles: '角色',
  roundId: '监控轮次编号',
  scoreWeights: '评分权重',
  timeProgressMethod: '序时进度计算方法',
  share: '得分比例',
  source: '资金来源',
  stage: '审核阶段',
  status: '状态',
  target: '指标值',
  targetId: '绩效目标编号',
  text: '说明',
  to: '截止时间',
  tolerancePp: '节点容差',
  total: '总额',
  type: '事件类型',
  unit: '单位编码',
  unitCode: '单位编码',
  unitName: '单位名称',
  userId: '用户账号',
  username: '用户名',
  value: '取值',
  voucherNo: '凭证号',
  webhookUrl: '群机器人地址',
  weight: '权重',
  yellowPp: '黄色预警阈值',
  M3: '3月底',
  M6: '6月底',
  M10: '10月底',
  M12: '12月底',
  'If-Match': '请求头 If-Match',
  'Idempotency-Key': '请求头 Idempotency-Key',
  'Content-Type': '请求头 Content-Type',
};

/**
 * A field path in Chinese: `budget.total` → 预算数的总额, `indicators.2.target` → 绩效指标第3项的指标值.
 * A segment without a name stays as it is, quoted, so the message still points at it.
 */
export function fieldNameZh(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('.')) {
    if (/^\d+$/.test(seg)) out.push(`第${Number(seg) + 1}项`);
    else out.push((out.length > 0 ? '的' : '') + (FIELD_NAMES_ZH[seg] ?? `“${seg}”`));
  }
  return out.join('');
}
