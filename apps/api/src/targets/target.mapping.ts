import {
  ContentChanges,
  InvalidInput,
  isBusinessDate,
  parseYuan,
  PlanCells,
  TargetContent,
} from '@bp/domain';
import { BudgetDto, PlanDto, TargetContentDto } from './target.dto';

const budgetOf = (b: BudgetDto) => ({
  total: parseYuan(b.total, 'budget.total'),
  fiscal: parseYuan(b.fiscal, 'budget.fiscal'),
  other: parseYuan(b.other, 'budget.other'),
});

const planOf = (p: PlanDto): PlanCells => ({
  M3: p.M3 ?? null,
  M6: p.M6 ?? null,
  M10: p.M10 ?? null,
  M12: p.M12 ?? null,
});

/** The DTO's content in domain terms: money in fen, plan cells in canonical order. */
export function contentOf(dto: TargetContentDto): TargetContent {
  return changesOf(dto) as TargetContent;
}

export function changesOf(dto: Partial<TargetContentDto>): ContentChanges {
  const out: Record<string, unknown> = {};
  if (dto.unitName !== undefined) out.unitName = dto.unitName;
  if (dto.projectName !== undefined) out.projectName = dto.projectName;
  if (dto.budget !== undefined) out.budget = budgetOf(dto.budget);
  if (dto.purpose !== undefined) out.purpose = dto.purpose;
  if (dto.plan !== undefined) out.plan = planOf(dto.plan);
  if (dto.goals !== undefined) out.goals = dto.goals;
  if (dto.indicators !== undefined) {
    out.indicators = dto.indicators.map(({ level1, level2, name, description, target, basis }) => ({
      level1,
      level2,
      name,
      description,
      target,
      basis,
    }));
  }
  return out as ContentChanges;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `asOf` (and the audit's `from` / `to`): a date means the end of that day in Asia/Shanghai; a
 * date-time must carry its zone. The date must exist: JavaScript would read 2022-02-30 as 2 March.
 */
export function parseAsOf(text: string | undefined, field = 'asOf'): Date | undefined {
  if (text === undefined) return undefined;
  const iso = DATE_ONLY.test(text)
    ? `${text}T23:59:59.999+08:00`
    : DATE_TIME.test(text)
      ? text
      : null;
  const at = iso && isBusinessDate(iso.slice(0, 10)) ? new Date(iso) : null;
  if (!at || Number.isNaN(at.getTime())) {
    throw new InvalidInput(
      'INVALID_AS_OF',
      '日期应为有效的 ISO 日期（2022-06-30）或带时区的日期时间',
      field,
    );
  }
  return at;
}

/** If-Match carries the version the client read: a number, optionally quoted as an ETag. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m)
    throw new InvalidInput(
      'INVALID_IF_MATCH',
      '请求头 If-Match 应为目标的版本号，例如 3',
      'If-Match',
    );
  return Number(m[1]);
}
