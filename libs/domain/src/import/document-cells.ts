/** One table cell of the text form: a line starting with a tab, plus the lines continuing it. */
export interface Cell {
  readonly text: string;
  /** 1-based line of the document where the cell starts. */
  readonly line: number;
}

/**
 * Splits the lines of one table into cells. In the text form of a Word table each cell starts
 * with a tab; a following line without a tab continues the cell (a second paragraph), unless a
 * blank line came between. Blank lines are not row boundaries: the dump puts them in odd places.
 */
export function cellsOf(lines: readonly string[], firstLine: number): Cell[] {
  const cells: { text: string; line: number }[] = [];
  let open = false;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('\t')) {
      cells.push({ text: line.slice(1), line: firstLine + i });
      open = true;
    } else if (line.trim() === '') {
      open = false;
    } else if (open) {
      cells[cells.length - 1].text += `\n${line}`;
    }
  });
  return cells.map((c) => ({ text: c.text.trim(), line: c.line }));
}

/** Label comparison ignores all white space ("其中：财政    资金" is "其中：财政资金"). */
export function normalizeLabel(text: string): string {
  return text.replace(/\s+/g, '');
}
