import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ITableCellBorders,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  VerticalMergeType,
  WidthType,
} from 'docx';
import {
  amountText,
  indicatorLayout,
  planTexts,
  Publication,
  PublishedTable,
} from './publication.layout';
import { partOne, PUBLICATION_STYLES } from './publication.styles';

/** A4 in twips, 2.54 cm top and bottom, 2 cm left and right: 9,638 twips of text width. */
const PAGE = {
  size: { width: 11906, height: 16838 },
  margin: { top: 1440, bottom: 1440, left: 1134, right: 1134, header: 720, footer: 720 },
};
const TEXT_WIDTH = 9638;
/**
 * The header block's grid: the label column, then 预算数 | amount | 其中：财政资金 | amount |
 * 其他资金 | amount, whose pairs also carry the four plan cells (3月底 over the first two
 * columns, 6月底 over the third, 10月底 over the fourth and fifth, 12月底 over the last).
 */
const HEADER_COLUMNS = [1400, 900, 1160, 2060, 1000, 1060, 2058];
const INDICATOR_COLUMNS = [1200, 1400, 1600, 1838, 1200, 2400];
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'auto' };
const NONE: ITableCellBorders = {
  top: NO_BORDER,
  bottom: NO_BORDER,
  left: NO_BORDER,
  right: NO_BORDER,
};

type Align = 'left' | 'center' | 'right';
interface CellSpec {
  readonly text: string;
  readonly span?: number;
  readonly merge?: 'restart' | 'continue';
  readonly align?: Align;
  readonly borders?: ITableCellBorders;
}

const ALIGN = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
};

/** A cell whose lines are paragraphs, as Word writes a multi-line cell. */
function cell(spec: CellSpec): TableCell {
  const lines = spec.merge === 'continue' ? [''] : spec.text.split('\n');
  return new TableCell({
    columnSpan: spec.span,
    verticalMerge:
      spec.merge === 'restart'
        ? VerticalMergeType.RESTART
        : spec.merge === 'continue'
          ? VerticalMergeType.CONTINUE
          : undefined,
    verticalAlign: VerticalAlignTable.CENTER,
    borders: spec.borders,
    children: lines.map(
      (line) =>
        new Paragraph({ style: 'TableText', alignment: ALIGN[spec.align ?? 'center'], text: line }),
    ),
  });
}

const label = (text: string, extra: Partial<CellSpec> = {}): CellSpec => ({ text, ...extra });
const prose = (text: string, span: number): CellSpec => ({ text, span, align: 'left' });
const row = (cells: CellSpec[], header = false) =>
  new TableRow({ children: cells.map(cell), cantSplit: true, tableHeader: header });

function table(columns: number[], rows: TableRow[]): Table {
  return new Table({
    rows,
    columnWidths: columns,
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    margins: { left: 80, right: 80, top: 30, bottom: 30 },
  });
}

/** The unit line and 单位：万元 as the table's first rows, without borders, as the bureau's tables have them. */
function captionRows(t: PublishedTable): TableRow[] {
  return [
    row([{ text: `${t.unitCode}${t.unitName}`, span: 7, align: 'left', borders: NONE }]),
    row([{ text: '单位：万元', span: 7, align: 'right', borders: NONE }]),
  ];
}

function budgetRows(t: PublishedTable): TableRow[] {
  const b = t.budget;
  return [
    row([
      label('预算规模及资金用途', { merge: 'restart' }),
      label('预算数'),
      label(amountText(b.total)),
      label('其中：财政资金'),
      label(amountText(b.fiscal, true)),
      label('其他资金'),
      label(amountText(b.other, true)),
    ]),
    row([label('', { merge: 'continue' }), prose(t.purpose, 6)]),
  ];
}

function planRows(t: PublishedTable): TableRow[] {
  const spans = [2, 1, 2, 1];
  const values = planTexts(t.plan);
  return [
    row([
      label('资金支出计划（%）', { merge: 'restart' }),
      ...['3月底', '6月底', '10月底', '12月底'].map((text, i) => label(text, { span: spans[i] })),
    ]),
    row([
      label('', { merge: 'continue' }),
      ...values.map((text, i) => label(text, { span: spans[i] })),
    ]),
  ];
}

/** The header block of one 项目绩效目标表: unit, codes, budget and purpose, plan, goals. */
function headerTable(t: PublishedTable): Table {
  return table(HEADER_COLUMNS, [
    ...captionRows(t),
    row([
      label('项目编码'),
      label(t.projectCode, { span: 3 }),
      label('项目名称'),
      label(t.projectName, { span: 2 }),
    ]),
    ...budgetRows(t),
    ...planRows(t),
    row([label('绩效目标'), prose(t.goals, 6)]),
  ]);
}

/** The indicator table, 一级 and 二级 merged down their rows; its header repeats on each page. */
function indicatorTable(t: PublishedTable): Table {
  const layout = indicatorLayout(t.indicators);
  const rows = t.indicators.map((ind, i) =>
    row([
      label(ind.level1, { merge: layout[i].startsLevel1 ? 'restart' : 'continue' }),
      label(ind.level2, { merge: layout[i].startsLevel2 ? 'restart' : 'continue' }),
      label(ind.name, { align: 'left' }),
      label(ind.description, { align: 'left' }),
      label(ind.target),
      label(ind.basis, { align: 'left' }),
    ]),
  );
  const header = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据'];
  return table(INDICATOR_COLUMNS, [
    row(
      header.map((h) => label(h)),
      true,
    ),
    ...rows,
  ]);
}

/** One table of part 2: its numbered title (a new page but for the first), the header block, the indicators. */
function tableBlock(t: PublishedTable, n: number): (Paragraph | Table)[] {
  return [
    new Paragraph({
      style: 'TableTitle',
      pageBreakBefore: n > 1,
      keepNext: true,
      text: `${n}.${t.projectName}绩效目标表`,
    }),
    headerTable(t),
    new Paragraph({ style: 'TableGap', text: '' }),
    indicatorTable(t),
  ];
}

function partTwo(p: Publication): (Paragraph | Table)[] {
  const heading = new Paragraph({
    heading: HeadingLevel.HEADING_1,
    pageBreakBefore: true,
    children: [new TextRun('第二部分'), new TextRun({ text: '项目绩效目标表', break: 1 })],
  });
  if (p.tables.length === 0)
    return [heading, new Paragraph('（本年度尚无已批复的项目绩效目标表。）')];
  return [heading, ...p.tables.flatMap((t, i) => tableBlock(t, i + 1))];
}

const pageNumberFooter = () =>
  new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: 28 })],
      }),
    ],
  });

/**
 * The department's publication as a .docx in the layout of the bureau's own (the seed): part 1
 * the department-wide goals, part 2 each approved 项目绩效目标表. It imports back through
 * POST /imports to the same targets (the round-trip test holds it to that).
 */
export function publicationDocx(p: Publication): Promise<Buffer> {
  const doc = new Document({
    title: `${p.fiscalYear}年${p.departmentName}预算绩效目标`,
    creator: 'budget-performance',
    styles: PUBLICATION_STYLES,
    sections: [
      {
        properties: { page: PAGE },
        footers: { default: pageNumberFooter() },
        children: [...partOne(p), ...partTwo(p)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
