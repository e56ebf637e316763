import {
  AlignmentType,
  HeadingLevel,
  IStylesOptions,
  LineRuleType,
  Paragraph,
  TextRun,
} from 'docx';
import { GoalArea } from '@bp/domain';
import { Publication } from './publication.layout';

/** Latin text in Times New Roman, Chinese in the font the style names (Word, WPS and LibreOffice read eastAsia). */
const font = (eastAsia: string) => ({
  ascii: 'Times New Roman',
  hAnsi: 'Times New Roman',
  eastAsia,
});

/**
 * The styles of a government publication: body 仿宋 三号 (16 pt) on a 28 pt line, headings
 * 黑体 and 楷体, the title 宋体 二号 bold; table cells 宋体 10 pt, single-spaced.
 */
export const PUBLICATION_STYLES: IStylesOptions = {
  default: {
    document: {
      run: { font: font('仿宋'), size: 32 },
      paragraph: {
        spacing: { line: 560, lineRule: LineRuleType.EXACT },
        indent: { firstLine: 640 },
        alignment: AlignmentType.JUSTIFIED,
      },
    },
    title: {
      run: { font: font('宋体'), size: 44, bold: true, color: '000000' },
      paragraph: {
        alignment: AlignmentType.CENTER,
        indent: { firstLine: 0 },
        spacing: { before: 480, after: 480, line: 720, lineRule: LineRuleType.AT_LEAST },
      },
    },
    heading1: {
      run: { font: font('黑体'), size: 32, bold: false, color: '000000' },
      paragraph: {
        alignment: AlignmentType.CENTER,
        indent: { firstLine: 0 },
        spacing: { before: 240, after: 240, line: 560, lineRule: LineRuleType.EXACT },
        keepNext: true,
      },
    },
    heading2: {
      run: { font: font('黑体'), size: 32, bold: false, color: '000000' },
      paragraph: { keepNext: true, spacing: { line: 560, lineRule: LineRuleType.EXACT } },
    },
    heading3: {
      run: { font: font('楷体'), size: 32, bold: true, color: '000000' },
      paragraph: { keepNext: true, spacing: { line: 560, lineRule: LineRuleType.EXACT } },
    },
  },
  paragraphStyles: [
    {
      id: 'TableTitle',
      name: 'Table Title',
      basedOn: 'Heading2',
      next: 'Normal',
      run: { font: font('黑体'), size: 28, bold: false, color: '000000' },
      paragraph: {
        alignment: AlignmentType.CENTER,
        indent: { firstLine: 0 },
        spacing: { before: 0, after: 200, line: 400, lineRule: LineRuleType.AT_LEAST },
        keepNext: true,
      },
    },
    {
      id: 'TableText',
      name: 'Table Text',
      basedOn: 'Normal',
      run: { font: font('宋体'), size: 20 },
      paragraph: {
        indent: { firstLine: 0 },
        spacing: { before: 0, after: 0, line: 280, lineRule: LineRuleType.AT_LEAST },
      },
    },
    {
      id: 'TableGap',
      name: 'Table Gap',
      basedOn: 'Normal',
      run: { size: 8 },
      paragraph: { indent: { firstLine: 0 }, spacing: { line: 120, lineRule: LineRuleType.EXACT } },
    },
  ],
};

const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一: the numbering of the areas, as （一）…（十二）. */
export function chineseNumeral(n: number): string {
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : DIGITS[tens]}十${DIGITS[n % 10]}`;
}

/** 主要职责：…, a bold label then the text, one paragraph as the importer reads it. */
const field = (name: string, text: string) =>
  new Paragraph({ children: [new TextRun({ text: `${name}：`, bold: true }), new TextRun(text)] });

function area(a: GoalArea, i: number): Paragraph[] {
  return [
    new Paragraph({
      heading: HeadingLevel.HEADING_3,
      text: `（${chineseNumeral(i + 1)}）${a.title}`,
    }),
    field('主要职责', a.duties),
    field('绩效目标', a.goals),
    field('绩效指标', a.indicatorsText),
  ];
}

/** The title, then part 1: 一、总体绩效目标 and 二、分项绩效目标 by area, as recorded at import. */
export function partOne(p: Publication): Paragraph[] {
  const title = new Paragraph({
    heading: HeadingLevel.TITLE,
    text: `${p.departmentName}${p.fiscalYear}年预算绩效目标`,
  });
  const heading = new Paragraph({
    heading: HeadingLevel.HEADING_1,
    children: [new TextRun('第一部分'), new TextRun({ text: '部门整体绩效目标', break: 1 })],
  });
  const g = p.goals;
  if (!g) return [title, heading, new Paragraph('（本年度尚未录入部门整体绩效目标。）')];
  return [
    title,
    heading,
    new Paragraph({ heading: HeadingLevel.HEADING_2, text: '一、总体绩效目标' }),
    ...g.overall
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => new Paragraph(line)),
    new Paragraph({ heading: HeadingLevel.HEADING_2, text: '二、分项绩效目标' }),
    ...g.areas.flatMap(area),
  ];
}
