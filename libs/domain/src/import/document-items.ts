/**
 * A document as the parser reads it: paragraphs and table cells in reading order. A .docx gives
 * each cell its row and grid column and marks the cells of a vertical merge; the text form (a
 * Word file's text dump) has cells without rows, since its blank lines are not row boundaries.
 */
export type DocumentItem = DocumentParagraph | DocumentCell;

export interface DocumentParagraph {
  readonly kind: 'paragraph';
  readonly text: string;
  /** Where it starts: the line of the text form, or the ordinal of the item in a .docx. */
  readonly line: number;
  /** A paragraph of the section's page header (页眉), placed at the start of its section. */
  readonly header?: boolean;
}

export interface DocumentCell {
  readonly kind: 'cell';
  readonly text: string;
  readonly line: number;
  /** The row, unique in the document (a .docx only). */
  readonly row?: number;
  /** The first grid column the cell covers (a .docx only). */
  readonly col?: number;
  /** The grid columns it spans (gridSpan). */
  readonly span?: number;
  /** Set on a cell that continues a vertical merge (vMerge): the text of the merged cell. */
  readonly continues?: string;
}

/**
 * Splits the text form into items. Each table cell starts with a tab; a following line without
 * a tab continues the cell (a second paragraph) unless a blank line came between; any other
 * non-blank line is a paragraph.
 */
export function itemsOfText(text: string): DocumentItem[] {
  const items: { kind: 'paragraph' | 'cell'; text: string; line: number }[] = [];
  let open = false;
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (line.startsWith('\t')) {
        items.push({ kind: 'cell', text: line.slice(1), line: i + 1 });
        open = true;
      } else if (line.trim() === '') {
        open = false;
      } else if (open) {
        items[items.length - 1].text += `\n${line}`;
      } else {
        items.push({ kind: 'paragraph', text: line, line: i + 1 });
      }
    });
  return items.map((c) => ({ ...c, text: c.text.trim() }));
}

/**
 * Label comparison: fullwidth forms folded (ＮＦＫＣ: `：` is `:`, `（` is `(`, `％` is `%`,
 * fullwidth digits are digits) and all white space dropped ("其中：财政    资金" is "其中:财政资金").
 */
export function normalizeLabel(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

/** A value cell's text with fullwidth digits, ％ and ． folded, for reading numbers. */
export function foldWidth(text: string): string {
  return text.normalize('NFKC').trim();
}
