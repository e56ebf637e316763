import { ApiError } from './api';
import { yuan } from './format';

type Details = Record<string, unknown>;
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Readable Chinese for the codes a user meets; anything else falls back to the API's sentence. */
const MESSAGES: Record<string, (d: Details) => string> = {
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
  if (known) return known(e.details);
  if (e.status >= 500) return '服务出错，请稍后重试';
  const prefix = BY_STATUS[e.status];
  return prefix ? `${prefix}：${e.message}` : e.message;
}

/** The field the error concerns, if the API names one. */
export function fieldOf(e: unknown): string | undefined {
  return e instanceof ApiError ? e.field : undefined;
}
