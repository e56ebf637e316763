import { DocumentItem } from '@bp/domain';
import { SaxesParser, SaxesTagPlain } from 'saxes';

/** A section of the body: where it ends among the items, and its page headers' relationship ids. */
export interface DocxSection {
  readonly end: number;
  readonly headers: readonly { type: string; id: string }[];
}

interface OpenCell {
  col: number;
  span: number;
  merge: 'none' | 'restart' | 'continue';
  paragraphs: string[];
  emitted: boolean;
}

interface OpenTable {
  /** The text of the cell a vertical merge started in, by grid column. */
  readonly merges: Map<number, string>;
  row: number;
  col: number;
  cells: OpenCell[];
}

/** Elements whose content is not the document's text: deletions, moved-away text, fallbacks. */
const SKIPPED = new Set(['w:del', 'w:moveFrom', 'w:delText', 'w:instrText', 'mc:Fallback']);

/**
 * Reads WordprocessingML as a stream into document items: body paragraphs, and table cells with
 * their row, grid column, span and vertical merge. Tracked insertions are kept and deletions
 * dropped; fields, hyperlinks and content controls give their text; a text box's paragraphs
 * come just before the paragraph that anchors it; a nested table's cells follow its cell's own text.
 */
export class DocxXmlReader {
  readonly items: DocumentItem[] = [];
  readonly sections: DocxSection[] = [];
  private readonly parser = new SaxesParser();
  private skip = 0;
  private run = 0;
  private inText = false;
  private readonly paragraphs: string[] = [];
  private readonly textBoxes: string[][] = [];
  private readonly tables: OpenTable[] = [];
  private headerRefs: { type: string; id: string }[] = [];
  private rows = 0;

  constructor(private readonly rowBase = 0) {
    this.parser.on('opentag', (t) => this.open(t));
    this.parser.on('closetag', (t) => this.close(t));
    this.parser.on('text', (t) => this.text(t));
    this.parser.on('cdata', (t) => this.text(t));
  }

  write(chunk: string): void {
    this.parser.write(chunk);
  }

  end(): void {
    this.parser.close();
  }

  get rowCount(): number {
    return this.rows;
  }

  private text(t: string): void {
    if (this.inText && this.skip === 0 && this.paragraphs.length > 0)
      this.paragraphs[this.paragraphs.length - 1] += t;
  }

  private append(t: string): void {
    if (this.skip === 0 && this.run > 0 && this.paragraphs.length > 0)
      this.paragraphs[this.paragraphs.length - 1] += t;
  }

  private open(tag: SaxesTagPlain): void {
    if (SKIPPED.has(tag.name)) this.skip++;
    if (this.skip > 0) return;
    if (!this.openText(tag.name)) this.openStructure(tag);
  }

  /** Paragraphs, runs and the characters they stand for; false when `name` is none of them. */
  private openText(name: string): boolean {
    switch (name) {
      case 'w:p':
        this.paragraphs.push('');
        return true;
      case 'w:r':
        this.run++;
        return true;
      case 'w:t':
        this.inText = true;
        return true;
      case 'w:tab':
        this.append('\t');
        return true;
      case 'w:br':
      case 'w:cr':
        this.append('\n');
        return true;
      case 'w:noBreakHyphen':
        this.append('-');
        return true;
      case 'w:txbxContent':
        this.textBoxes.push([]);
        return true;
    }
    return false;
  }

  /** Tables, their rows and cells (spans and vertical merges), and header references. */
  private openStructure(tag: SaxesTagPlain): void {
    const val = tag.attributes['w:val'];
    const cell = this.cell();
    switch (tag.name) {
      case 'w:tbl':
        return this.openTable();
      case 'w:tr':
        return this.openRow();
      case 'w:gridBefore':
        if (this.tables.length > 0) this.table().col += Number(val) || 0;
        return;
      case 'w:tc':
        this.table().cells.push({
          col: this.table().col,
          span: 1,
          merge: 'none',
          paragraphs: [],
          emitted: false,
        });
        return;
      case 'w:gridSpan':
        if (cell) cell.span = Math.max(1, Number(val) || 1);
        return;
      case 'w:vMerge':
        if (cell) cell.merge = val === 'restart' ? 'restart' : 'continue';
        return;
      case 'w:headerReference':
        this.headerRefs.push({
          type: String(tag.attributes['w:type'] ?? 'default'),
          id: String(tag.attributes['r:id'] ?? ''),
        });
        return;
    }
  }

  private close(tag: SaxesTagPlain): void {
    const name = tag.name;
    if (SKIPPED.has(name)) {
      this.skip--;
      return;
    }
    if (this.skip > 0) return;
    switch (name) {
      case 'w:p':
        return this.closeParagraph();
      case 'w:r':
        this.run--;
        return;
      case 'w:t':
        this.inText = false;
        return;
      case 'w:txbxContent':
        this.closeTextBox();
        return;
      case 'w:tc':
        return this.closeCell();
      case 'w:tr':
        this.table().cells = [];
        return;
      case 'w:tbl':
        this.tables.pop();
        return;
      case 'w:sectPr':
        this.sections.push({ end: this.items.length, headers: this.headerRefs });
        this.headerRefs = [];
        return;
    }
  }

  private table(): OpenTable {
    return this.tables[this.tables.length - 1];
  }

  /** The innermost open cell of the innermost table, if the reader is inside one. */
  private cell(): OpenCell | undefined {
    const t = this.tables[this.tables.length - 1];
    return t?.cells[t.cells.length - 1];
  }

  private openTable(): void {
    const outer = this.cell();
    if (outer && !outer.emitted) this.emitCell(outer, this.tables.length - 1);
    this.tables.push({ merges: new Map(), row: 0, col: 0, cells: [] });
  }

  private openRow(): void {
    const t = this.table();
    t.row = this.rowBase + ++this.rows;
    t.col = 0;
    t.cells = [];
  }

  private closeParagraph(): void {
    const text = (this.paragraphs.pop() ?? '').replace(/\u00a0/g, ' ');
    const boxes = this.textBoxes.length > 0 ? this.textBoxes[this.textBoxes.length - 1] : null;
    const cell = this.cell();
    if (boxes) boxes.push(text);
    else if (cell) cell.paragraphs.push(text);
    else this.paragraph(text);
  }

  private closeTextBox(): void {
    const box = this.textBoxes.pop() ?? [];
    const cell = this.cell();
    for (const text of box) {
      if (cell) cell.paragraphs.push(text);
      else this.paragraph(text);
    }
  }

  private paragraph(text: string): void {
    if (text.trim() !== '')
      this.items.push({ kind: 'paragraph', text: text.trim(), line: this.items.length + 1 });
  }

  private closeCell(): void {
    const t = this.table();
    const cell = t.cells[t.cells.length - 1];
    if (!cell.emitted || cell.paragraphs.some((p) => p.trim() !== ''))
      this.emitCell(cell, this.tables.length - 1);
    t.col = cell.col + cell.span;
  }

  private emitCell(cell: OpenCell, depth: number): void {
    const t = this.tables[depth];
    const text = cell.paragraphs
      .filter((p) => p.trim() !== '')
      .join('\n')
      .trim();
    cell.paragraphs = [];
    const base = {
      kind: 'cell' as const,
      text,
      line: this.items.length + 1,
      row: t.row,
      col: cell.col,
      span: cell.span,
    };
    if (cell.merge === 'continue' && !cell.emitted) {
      this.items.push({ ...base, text: '', continues: t.merges.get(cell.col) ?? '' });
    } else {
      if (cell.merge === 'restart') t.merges.set(cell.col, text);
      else if (!cell.emitted) t.merges.delete(cell.col);
      this.items.push(base);
    }
    cell.emitted = true;
  }
}
