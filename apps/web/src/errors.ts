import { ApiError } from './api';
import { yuan } from './format';

type Details = Record<string, unknown>;
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/**
 * The server's own sentence where it is Chinese and names the particulars (which indicator,
 * which amount), else the console's general one: every code has a sentence here (issue 15).
 */
const own =
  (general: string) =>
  (_d: Details, message: string): string =>
    /[\u4e00-\u9fff]/.test(message) ? message : general;

/** Readable Chinese for the codes a user meets; anything else falls back to the API's sentence. */
const MESSAGES: Record<string, (d: Details, message: string) => string> = {
  NETWORK: () => '无法连接服务器，请检查网络后重试',
  INVALID_CREDENTIALS: () => '用户名或密码不正确',
  TOO_MANY_ATTEMPTS: (d) =>
    typeof d.retryAfterSeconds === 'number'
      ? `登录失败次数过多，请 ${Math.ceil(d.retryAfterSeconds / 60)} 分钟后再试`
      : '登录失败次数过多，请稍后再试',
  INVALID_TOKEN: () => '登录已失效，请重新登录',
  MISSING_TOKEN: () => '请先登录',
  ROLE_FORBIDDEN: () => '您的角色无权执行此操作',
  FORBIDDEN: () => '您的角色无权执行此操作',
  NOT_FOUND: () => '未找到，或不在您的权限范围内',
  TARGET_NOT_FOUND: () => '未找到该绩效目标，或不在您的权限范围内',
  OPINION_REQUIRED: () => '评级为“中”或“差”时必须填写审核意见',
  INVALID_GRADE: () => '请选择评级（优、良、中、差）',
  SEGREGATION_OF_DUTIES: () =>
    '不相容职责分离：编制、修改或提交本版本的人员不能审核；同一人不能通过同一版本的两级审核',
  WRONG_REVIEW_STAGE: (d) =>
    `该目标当前处于${d.stage === 'finance' ? '财政审核' : d.stage === 'department' ? '部门审核' : '其他'}阶段，不属于您的审核环节`,
  TARGET_NOT_UNDER_REVIEW: () => '该目标当前不在审核中',
  TARGET_NOT_APPROVED: () => '该目标尚未批复：批复后才能登记支出、查看执行进度',
  UNIT_NOT_FOUND: () => '该单位在本年度没有您可查看的目标',
  TARGET_NOT_EDITABLE: () => '该目标当前状态不可修改',
  TARGET_NOT_WITHDRAWABLE: () => '只有从未批复的草稿或退回修改的目标可以作废',
  IMPORT_NOT_FOUND: () => '未找到该次导入新建的、您可操作的目标',
  OVER_BUDGET: (d) =>
    d.available !== undefined
      ? `超出预算：预算 ${yuan(str(d.budget))} 元，已支出 ${yuan(str(d.disbursed))} 元，可用余额 ${yuan(str(d.available))} 元`
      : '支出合计不能超过批复预算',
  DUPLICATE_VOUCHER: (d) =>
    `凭证号${d.voucherNo ? `“${str(d.voucherNo)}”` : ''}已在本目标登记过，请核对`,
  DATE_OUTSIDE_FISCAL_YEAR: () => '支付日期必须在预算年度内',
  DATE_OR_PERIOD: () => '请填写支付日期',
  VOUCHER_REQUIRED: () => '请填写凭证号',
  INVALID_AMOUNT: () => '金额须为大于 0 的数字，最多两位小数',
  AMOUNT_TOO_LARGE: () => '金额过大',
  INVALID_DATE: () => '日期格式应为 YYYY-MM-DD',
  REVERSAL_EXCEEDS_REMAINING: (d) =>
    d.remaining !== undefined
      ? `冲销金额超过该笔支出的剩余金额（剩余 ${yuan(str(d.remaining))} 元）`
      : '冲销金额超过该笔支出的剩余金额',
  REASON_REQUIRED: () => '请填写冲销原因',
  DISBURSEMENT_NOT_FOUND: () => '未找到该笔支出',
  IDEMPOTENCY_KEY_REUSED: () => '重复提交的内容与首次不一致，请刷新后重新填写',
  VERSION_CONFLICT: () => '该目标已被他人修改，请刷新后重试',
  INVALID_AS_OF: () => '截至日期格式应为 YYYY-MM-DD',
  AS_OF_OUTSIDE_FISCAL_YEARS: () => '截至日期超出可查询的年度范围',
  INVALID_FISCAL_YEAR: () => '年度无效',
  EMPTY_DOCUMENT: () => '文档为空',
  NOT_A_TARGET_DOCUMENT: () => '该文件不是绩效目标文档',
  NOT_A_TEXT_DOCUMENT: () => '无法读取该文件：请上传 .txt（UTF-8）或 .docx 文件',
  INVALID_DOCX: () => '无法读取该 .docx 文件',
  UNSUPPORTED_MEDIA_TYPE: () => '不支持的文件类型：请上传 .txt 或 .docx 文件',
  PAYLOAD_TOO_LARGE: () => '文件过大（上限 10 MB）',
  UNIT_OUT_OF_SCOPE: () => '不能操作其他单位的数据',
  ALERT_NOT_FOUND: () => '未找到该预警',
  NOT_A_RECIPIENT: () => '您不是该预警的接收人，不能确认',
  USER_EXISTS: () => '该账号已存在',
  USER_NOT_FOUND: () => '未找到该用户',
  INVALID_PASSWORD: () => '密码长度须为 8–128 位',
  INVALID_USER_ID: () => '账号只能包含字母、数字和 . _ -',
  INVALID_NAME: () => '请填写姓名',
  INVALID_ROLES: () => '请至少选择一个有效角色',
  INVALID_UNIT_CODE: () => '单位编码为六位数字',
  INVALID_DEPARTMENT_CODE: () => '部门编码为三位数字，例如 314',
  UNIT_REQUIRED: () => '填报人和单位负责人须填写单位编码',
  DEPARTMENT_REQUIRED: () => '部门审核人须填写部门编码',
  CANNOT_DISABLE_SELF: () => '不能停用自己的账号',
  CANNOT_DEMOTE_SELF: () => '不能取消自己的系统管理员角色',
  LAST_ADMIN: () => '这是最后一位系统管理员，不能停用或降级；请先为其他用户授予系统管理员角色',
  SERVICE_UNAVAILABLE: () => '服务暂不可用，请稍后重试',
  DEPENDENCY_DOWN: () => '服务暂不可用，请稍后重试',
  // issue 15, item 8: the rest of the codes the service answers (test/i18n/console-errors)
  VALIDATION_FAILED: own('输入有误，请检查标出的内容'),
  BAD_REQUEST: () => '请求格式不正确，请刷新页面后重试',
  HEADERS_TOO_LARGE: () => '请求头过长，请退出后重新登录',
  REQUEST_TIMEOUT: () => '请求超时，请检查网络后重试',
  TOKEN_REVOKED: () => '登录已失效：账号已被停用或修改，请重新登录',
  TOKEN_TOO_LARGE: () => '登录凭证无效，请重新登录',
  INVALID_TARGET_ID: () => '目标编号格式不正确',
  INVALID_TARGET: own('绩效目标内容不完整或格式不正确'),
  INVALID_PROJECT_CODE: () => '项目编码格式不正确',
  INVALID_TEXT: own('文字过长或含有不允许的字符'),
  INVALID_CURSOR: () => '翻页位置已失效，请从第一页重新查询',
  INVALID_IF_MATCH: () => '版本号格式不正确，请刷新后重试',
  IF_MATCH_REQUIRED: () => '缺少版本号：请刷新页面后再修改，以免覆盖他人的修改',
  TARGET_EXISTS: () => '该单位本年度已有同一项目编码的绩效目标',
  TARGET_HAS_PROBLEMS: own('该目标还有问题未改正，请先修改后再送审'),
  TARGET_NOT_SUBMITTABLE: () => '只有草稿或退回修改的目标可以送审',
  ADJUSTMENT_PENDING: () => '已有一项调整正在审核中，审核结束后才能再申请',
  ADJUSTMENT_HAS_PROBLEMS: own('调整后的目标存在问题，请先改正'),
  NO_CHANGE: () => '本次调整没有改动预算、资金支出计划或绩效指标',
  BUDGET_BELOW_DISBURSED: own('调整后的预算不能低于已支出金额'),
  INVALID_DISBURSEMENT_ID: () => '支出编号格式不正确',
  INVALID_IDEMPOTENCY_KEY: () => '重复提交标识无效，请刷新后重试',
  INVALID_STAGE: () => '审核阶段应为部门审核或财政审核',
  INVALID_ALERT_ID: () => '预警编号格式不正确',
  NOT_A_CHECKPOINT: () => '节点检查的截至日期应为 3月31日、6月30日、10月31日或 12月31日',
  INVALID_THRESHOLD: () => '预警阈值应为 0 至 100 个百分点，最多两位小数',
  THRESHOLDS_OUT_OF_ORDER: () => '应满足：节点容差 < 黄色预警阈值 < 红色预警阈值',
  INVALID_ESCALATION_DAYS: () => '逾期上报天数应为 1 至 60 的整数',
  INVALID_TIME_PROGRESS_METHOD: () => '序时进度计算方法应为按天或按月',
  INVALID_WEIGHTS: () => '评分权重格式不正确',
  WEIGHTS_DO_NOT_ADD_UP: () => '预算执行率分值与各一级指标分值之和应为 100',
  UNKNOWN_GROUP: () => '评分权重中有本年度指标体系没有的一级指标',
  INVALID_RECIPIENT: own('请填写负责人的账号和姓名'),
  DUPLICATE_RECIPIENT: () => '同一账号填写了两次',
  INVALID_EMAIL: () => '电子邮箱地址不正确',
  INVALID_WEBHOOK_URL: () => '群机器人地址应为 http 或 https 网址',
  WEBHOOK_NOT_ALLOWED: own('该群机器人地址不允许使用，如确需使用请联系运维人员'),
  HEAD_NOT_FOUND: () => '该单位没有这位负责人，请刷新后重试',
  NO_CHANNELS: () => '该负责人没有填写电子邮箱或群机器人地址，无法发送测试消息',
  DEPARTMENT_GOALS_NOT_FOUND: () => '该部门在这个年度没有导入部门整体绩效目标',
  PUBLICATION_NOT_FOUND: () => '该部门在这个年度没有可公开的绩效目标',
  JOB_NOT_FOUND: () => '未找到该任务（任务记录保留 7 天）',
  PROJECTION_NOT_FOUND: () => '没有这个读模型',
  REBUILD_RUNNING: () => '该读模型正在重建，请等它结束',
  EVENT_ID_REUSED: () => '重复写入，已忽略；请刷新查看结果',
  DOCUMENT_TOO_LARGE: own('文件解压后过大，无法读取'),
  UNREADABLE_DOCUMENT: own('无法读取该文件：请另存为 Word 文档（.docx）后再导入'),
  UNSUPPORTED_DOCUMENT: own('无法读取该类文件：请另存为 Word 文档（.docx）后再导入'),
  ROUND_NOT_FOUND: () => '未找到该监控轮次',
  INVALID_ROUND_ID: () => '监控轮次编号格式不正确',
  INVALID_DEADLINE: () => '截止日期应不早于截至日期',
  ROUND_CLOSED: own('该监控轮次已截止，不能再填报'),
  WRONG_ROUND: own('该监控轮次与目标不属于同一预算年度'),
  LINES_INCOMPLETE: own('请逐项填报全部指标，每项一次'),
  ENTRIES_INCOMPLETE: own('请逐项填报全部指标，每项一次'),
  CAUSES_REQUIRED: () => '可能无法完成的指标须填写偏差原因和纠偏措施',
  REPORT_NOT_EDITABLE: () => '该监控报告已提交审核或已通过，不能修改',
  REPORT_NOT_FILED: () => '本轮没有待审核的监控报告',
  SELF_EVALUATION_NOT_FOUND: () => '该目标还没有填报绩效自评',
  SELF_EVALUATION_NOT_EDITABLE: () => '该绩效自评已提交审核或已确认，不能修改',
  SELF_EVALUATION_NOT_FILED: () => '没有待审核的绩效自评',
  EXPLANATIONS_MISSING: own('未完全达成的指标须填写未完成原因'),
  INVALID_SHARE: () => '得分比例应为 0 至 100',
  SHARE_OUTSIDE_BAND: own('得分比例超出所选完成档次的范围'),
  SHARES_UNCONFIRMED: () => '请确认每项定性指标的得分比例',
  WRONG_KIND_OF_VALUE: own('该指标不是数值指标：请填报是/否或完成档次'),
};

const BY_STATUS: Record<number, string> = {
  400: '输入有误',
  401: '请重新登录',
  403: '您的角色无权执行此操作',
  404: '未找到，或不在您的权限范围内',
  409: '当前状态不允许此操作',
  413: '提交的内容过大',
  422: '业务规则不允许此操作',
  429: '操作过于频繁，请稍后再试',
};

/** A readable message for any error a page meets. */
export function messageOf(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  if (e.status === 503) return '服务暂不可用，请稍后重试';
  const known = MESSAGES[e.code];
  if (known) return known(e.details, e.message);
  if (e.status >= 500) return '服务出错，请稍后重试';
  const prefix = BY_STATUS[e.status];
  return prefix ? `${prefix}：${e.message}` : e.message;
}

/** The field the error concerns, if the API names one. */
export function fieldOf(e: unknown): string | undefined {
  return e instanceof ApiError ? e.field : undefined;
}
