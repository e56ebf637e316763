import { ParsedDocument, ParsedTable } from '@bp/domain';
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** A cell whose lines are paragraphs, as Word writes a multi-line cell. */
function cell(text: string): TableCell {
  return new TableCell({ children: text.split('\n').map((line) => new Paragraph(line)) });
}

const row = (...texts: string[]) => new TableRow({ children: texts.map(cell) });

/** The header part of a 项目绩效目标表, laid out as the bureau's Word template lays it out. */
function headerTable(t: ParsedTable): Table {
  const c = t.content;
  const raw = c.imported!;
  return new Table({
    rows: [
      row(`${t.unitCode}${c.unitName}`),
      row(`单位：${raw.amountUnit}`),
      row('项目编码', t.projectCode, '项目名称', c.projectName),
      row(
        '预算规模及资金用途',
        '预算数',
        raw.budget.total,
        '其中：财政资金',
        raw.budget.fiscal,
        '其他资金',
        raw.budget.other,
      ),
      row('', c.purpose),
      row('资金支出计划（%）', '3月底', '6月底', '10月底', '12月底'),
      row('', ...raw.plan),
      row('绩效目标', c.goals),
    ],
  });
}

/** The indicator table: a 一级 cell left blank where it continues the row above (merged in Word). */
function indicatorTable(t: ParsedTable): Table {
  const cutOff = t.problems.some((p) => p.message.includes('不完整'));
  const rows = t.content.indicators.map((ind, i, all) => {
    const l1 = i > 0 && all[i - 1].level1 === ind.level1 ? '' : ind.level1;
    const cells = [l1, ind.level2, ind.name, ind.description, ind.target, ind.basis];
    return row(...(cutOff && i === all.length - 1 ? cells.slice(0, 5) : cells));
  });
  return new Table({
    rows: [
      row('一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据'),
      ...rows,
    ],
  });
}

function partOne(doc: ParsedDocument): Paragraph[] {
  const goals = doc.departmentGoals;
  if (!goals) return [];
  return [
    '第一部分',
    '部门整体绩效目标',
    '一、总体绩效目标',
    ...goals.overall.split('\n'),
    '二、分项绩效目标',
    ...goals.areas.flatMap((a, i) => [
      `（${NUMERALS[i]}）${a.title}`,
      `主要职责：${a.duties}`,
      `绩效目标：${a.goals}`,
      `绩效指标：${a.indicatorsText}`,
    ]),
    '三、工作保障措施',
  ].map((text) => new Paragraph(text));
}

/** A .docx holding the same tables (and part 1) as a parsed document, built in code. */
export async function docxOf(doc: ParsedDocument): Promise<Buffer> {
  const children = [
    ...partOne(doc),
    ...doc.tables.flatMap((t) => [
      new Paragraph(`${t.table}.${t.title}绩效目标表`),
      headerTable(t),
      new Paragraph(' '),
      indicatorTable(t),
    ]),
  ];
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}
