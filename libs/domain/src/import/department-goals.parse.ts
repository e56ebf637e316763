/** One functional area of the department-wide goals (部门整体绩效目标, part 1). */
export interface GoalArea {
  readonly title: string;
  readonly duties: string;
  readonly goals: string;
  /** 绩效指标 names, split at 、 and 。 as written. */
  readonly indicators: readonly string[];
  /** The 绩效指标 paragraph exactly as written. */
  readonly indicatorsText: string;
}

export interface DepartmentGoals {
  readonly overall: string;
  readonly areas: readonly GoalArea[];
}

const AREA_TITLE = /^（[一二三四五六七八九十]+）(.+)$/;
const FIELD = /^(主要职责|绩效目标|绩效指标)[：:](.*)$/;
const SECTION = /^(?:\[bookmark:[^\]]*\])?\s*([一二三四五六七八九十]+)、(.+)$/;

type Field = '主要职责' | '绩效目标' | '绩效指标';
interface Draft {
  title: string;
  fields: Partial<Record<Field, string>>;
}

function splitIndicators(text: string): string[] {
  return text
    .split(/[、。；;]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function toArea(d: Draft): GoalArea {
  const indicatorsText = (d.fields['绩效指标'] ?? '').trim();
  return {
    title: d.title,
    duties: (d.fields['主要职责'] ?? '').trim(),
    goals: (d.fields['绩效目标'] ?? '').trim(),
    indicators: splitIndicators(indicatorsText),
    indicatorsText,
  };
}

/**
 * Reads part 1 of the document: the text of section 一 (总体绩效目标) and the areas of
 * section 二 (分项绩效目标), each with 主要职责, 绩效目标 and 绩效指标. Null when the part has
 * no areas. Never throws.
 */
export function parseDepartmentGoals(lines: readonly string[]): DepartmentGoals | null {
  let section = '';
  const overall: string[] = [];
  const areas: Draft[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const s = SECTION.exec(line);
    if (s) {
      section = s[1];
      continue;
    }
    if (section === '一') overall.push(line);
    if (section !== '二') continue;
    const title = AREA_TITLE.exec(line);
    const field = FIELD.exec(line);
    if (title && !field) areas.push({ title: title[1].trim(), fields: {} });
    else if (field && areas.length > 0)
      areas[areas.length - 1].fields[field[1] as Field] = field[2];
  }
  return areas.length === 0 ? null : { overall: overall.join('\n'), areas: areas.map(toArea) };
}
