import { eventTypeNameZh, fenOf, formatYuan, roleNameZh } from '@bp/domain';
import ExcelJS from 'exceljs';
import { Writable } from 'node:stream';
import { AuditItem } from './audit.service';

/** The columns of the exported trail, the same in the CSV and the .xlsx: Chinese only. */
export const AUDIT_EXPORT_COLUMNS = [
  '序号',
  '时间（北京时间）',
  '事件',
  '事件类型代码',
  '事件流',
  '版本',
  '操作人账号',
  '操作人',
  '角色',
  '单位',
  '金额（元）',
  '请求编号',
  '来源IP',
  '数据（金额为元）',
] as const;

/**
 * Where the payload of each event type holds fen (integer 分 as a string): rendered as 元 with
 * two decimals, in the 金额（元） column (the first path) and inside the data.
 */
const MONEY_PATHS: Readonly<Record<string, readonly string[]>> = {
  TargetCreated: ['content.budget.total', 'content.budget.fiscal', 'content.budget.other'],
  TargetRevised: ['changes.budget.total', 'changes.budget.fiscal', 'changes.budget.other'],
  AdjustmentRequested: ['changes.budget.total', 'changes.budget.fiscal', 'changes.budget.other'],
  DisbursementRecorded: ['amount'],
  DisbursementReversed: ['amount'],
};

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // UTC+8 all year: China keeps no summer time

/** An instant as `2022-05-10 14:03:00` in Asia/Shanghai; text that is not an instant as it is. */
export function shanghaiTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A cell a spreadsheet could run as a formula (`=`, `+`, `-`, `@`, and tab or carriage return,
 * which some programs strip before looking) gets a leading `'`, so it is shown as text
 * (OWASP's advice against CSV injection).
 */
export function neutralised(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

const isFen = (v: unknown): v is string | number =>
  (typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isInteger(v));

/** A copy of the payload with the amounts at `paths` in 元 (`"4000.00"`) instead of fen. */
function inYuan(data: unknown, paths: readonly string[]): { data: unknown; first: string } {
  const copy = structuredClone(data) as Record<string, unknown>;
  let first = '';
  for (const path of paths) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let at: unknown = copy;
    for (const k of keys) at = (at as Record<string, unknown> | undefined)?.[k];
    const holder = at as Record<string, unknown> | undefined;
    if (holder && typeof holder === 'object' && isFen(holder[last])) {
      holder[last] = formatYuan(fenOf(holder[last]));
      first ||= holder[last] as string;
    }
  }
  return { data: copy, first };
}

/** One event as the export's row, every cell text and neutralised. */
export function auditExportRow(e: AuditItem): string[] {
  const money = inYuan(e.data, MONEY_PATHS[e.type] ?? []);
  return [
    e.position,
    shanghaiTime(e.at),
    eventTypeNameZh(e.type),
    e.type,
    e.streamId,
    String(e.version),
    e.actor.id,
    e.actor.name,
    e.actor.role ? roleNameZh(e.actor.role) : '',
    e.actor.unit ?? '',
    money.first,
    e.requestId ?? '',
    e.ip ?? '',
    JSON.stringify(money.data),
  ].map(neutralised);
}

/**
 * Streams the trail as an .xlsx (one sheet 审计记录, the CSV's columns) into `out`; `pages`
 * yields the rows page by page, so a long trail is never held in memory.
 */
export async function writeAuditXlsx(
  out: Writable,
  pages: AsyncIterable<readonly AuditItem[]>,
): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const ws = wb.addWorksheet('审计记录', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = AUDIT_EXPORT_COLUMNS.map((header, i) => ({
    header,
    width: [8, 20, 16, 24, 40, 6, 16, 12, 14, 10, 14, 38, 16, 80][i],
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  for await (const page of pages) {
    for (const e of page) ws.addRow(auditExportRow(e)).commit();
  }
  ws.commit();
  await wb.commit();
}
