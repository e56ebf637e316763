/** A target value (指标值) in parsed form; the raw text is always kept beside it. */
export type ParsedTarget =
  | {
      readonly kind: 'quantitative';
      readonly operator: '≥' | '≤' | '=' | '>' | '<';
      readonly value: number;
      readonly unit: string;
      /** positive: more is better; negative: less is better; exact: hit the number. */
      readonly direction: 'positive' | 'negative' | 'exact';
    }
  | { readonly kind: 'boolean'; readonly expected: boolean }
  | { readonly kind: 'qualitative' };

const OPERATORS: Record<string, '≥' | '≤' | '=' | '>' | '<'> = {
  '≥': '≥',
  '>=': '≥',
  '≧': '≥',
  '≤': '≤',
  '<=': '≤',
  '≦': '≤',
  '=': '=',
  '＝': '=',
  '>': '>',
  '＞': '>',
  '<': '<',
  '＜': '<',
};
const QUANTITATIVE = /^(≥|>=|≧|≤|<=|≦|=|＝|>|＞|<|＜)?\s*(\d+(?:\.\d+)?)\s*([^\d]*)$/;

/**
 * Parses 指标值 text: "≥85%", "1辆", "100％", "8712元/人/年" are quantitative, "是/否" is a
 * yes/no indicator, anything else ("应保尽保", "城市8712元/年；农村5000元/年") is qualitative.
 * Never throws: what cannot be read is qualitative.
 */
export function parseIndicatorTarget(raw: string): ParsedTarget {
  const text = raw.trim().replace(/％/g, '%');
  if (text === '是/否' || text === '是' || text === '是／否')
    return { kind: 'boolean', expected: true };
  if (text === '否') return { kind: 'boolean', expected: false };
  const m = QUANTITATIVE.exec(text);
  if (!m) return { kind: 'qualitative' };
  const operator = OPERATORS[m[1] ?? '='] ?? '=';
  const value = Number(m[2]);
  if (!Number.isFinite(value)) return { kind: 'qualitative' };
  const direction =
    operator === '≥' || operator === '>' ? 'positive' : operator === '=' ? 'exact' : 'negative';
  return { kind: 'quantitative', operator, value, unit: m[3].trim(), direction };
}
