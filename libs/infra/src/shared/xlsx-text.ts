/**
 * How wide a text is and how many lines it wraps to in a spreadsheet column, for the row
 * heights of merged cells (neither Excel nor LibreOffice fits a merged row's height itself).
 */
export interface TextMeasure {
  /** Column units a Chinese (or other wide) character takes; a narrow one takes 1. */
  readonly wide: number;
  /** Units of a column lost to its padding. */
  readonly padding: number;
}

export function textWidth(text: string, m: TextMeasure): number {
  return [...text].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? m.wide : 1), 0);
}

/** Lines a wrapped text takes in a column span of `width` units. */
export function linesOf(text: string, width: number, m: TextMeasure): number {
  return text
    .split('\n')
    .reduce(
      (n, line) => n + Math.max(1, Math.ceil(textWidth(line, m) / Math.max(1, width - m.padding))),
      0,
    );
}

/** The width of columns `from`..`to` (1-based) of a sheet whose column widths are `widths`. */
export const spanWidth = (widths: readonly number[], from: number, to: number) =>
  widths.slice(from - 1, to).reduce((a, b) => a + b, 0);
