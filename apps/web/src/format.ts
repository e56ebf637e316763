import { knownCalendar } from './calendar';
import type { Level, Role, Status } from './types';

export const ROLE_NAMES: Record<Role, string> = {
  preparer: '填报人',
  unit_head: '单位负责人',
  department_reviewer: '部门审核人',
  finance_reviewer: '财政审核人',
  auditor: '审计人员',
  admin: '系统管理员',
};
export const ALL_ROLES = Object.keys(ROLE_NAMES) as Role[];

export const roleName = (r: string): string => ROLE_NAMES[r as Role] ?? r;

export const STATUS_NAMES: Record<Status, string> = {
  draft: '草稿',
  submitted: '待部门审核',
  department_approved: '待财政审核',
  approved: '已批复',
  returned: '退回修改',
  rejected: '不予通过',
  withdrawn: '已作废',
};

export const statusName = (s: string): string => STATUS_NAMES[s as Status] ?? s;

export const STAGE_NAMES: Record<string, string> = { department: '部门审核', finance: '财政审核' };

export const LEVEL_NAMES: Record<Level, string> = { red: '红', yellow: '黄', green: '绿' };

export const ALERT_KINDS: Record<string, string> = {
  checkpoint: '节点预警',
  early: '提前预警',
  divergence: '偏离预警',
  reminder: '填报提醒',
};

export const CHECKPOINT_NAMES: Record<string, string> = {
  M3: '3月底',
  M6: '6月底',
  M10: '10月底',
  M12: '12月底',
};

export const CHANNEL_NAMES: Record<string, string> = {
  inbox: '站内',
  webhook: '群机器人',
  email: '邮件',
};

export const SOURCE_NAMES: Record<string, string> = { fiscal: '财政拨款', other: '其他资金' };

/** A decimal string of 元 as fen, without ever going through a float. */
export function toFen(yuan: string): bigint | null {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) return null;
  const fen = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

function grouped(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1234567.5` → `1,234,567.50` (元, thousands separators, two decimals). */
export function yuan(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const fen = toFen(value);
  if (fen === null) return value;
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  return `${neg ? '-' : ''}${grouped((abs / 100n).toString())}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** 元 as 万元, as the 绩效目标表 states it: two decimals, more only where the amount needs them. */
export function wanYuan(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const fen = toFen(value);
  if (fen === null) return value;
  const neg = fen < 0n;
  const abs = neg ? -fen : fen; // 1 万元 = 1,000,000 分
  let frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${neg ? '-' : ''}${grouped((abs / 1_000_000n).toString())}.${frac}`;
}

/** Percentages come as numbers with up to two decimals. */
export function pct(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${value.toFixed(2)}%`;
}

export function pp(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value.toFixed(2);
}

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

function parts(d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of DATE_TIME.formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** An instant as `YYYY-MM-DD HH:mm` in Asia/Shanghai (the business time zone). */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

/** A business date `YYYY-MM-DD` (dates stay as the API gives them; instants go to Shanghai). */
export function date(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Today in Asia/Shanghai, `YYYY-MM-DD`: by the server's clock (GET /calendar) once known. */
export function today(): string {
  return knownCalendar()?.today ?? date(new Date().toISOString());
}
