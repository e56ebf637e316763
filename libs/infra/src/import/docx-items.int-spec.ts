import { InvalidInput, parseTargetDocument } from '@bp/domain';
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import JSZip from 'jszip';
import { readFileSync } from 'fs';
import { join } from 'path';
import { targetsOf } from '../../../../test/support/document-compare';
import { seedText } from '../../../../test/support/seed';
import { docxItems } from './docx-items';
import { convertToDocx, findSoffice } from './libreoffice';

const FIXTURES = join(__dirname, '../../../../test/fixtures/documents');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** The XML of a fixture's body, to check that it really has the Word features it stands for. */
async function bodyXml(name: string): Promise<string> {
  return (await JSZip.loadAsync(fixture(name))).file('word/document.xml')!.async('string');
}

describe('docxItems on Word files from several producers', () => {
  const fromText = parseTargetDocument(seedText());
  const want = targetsOf(fromText);

  it.each([
    [
      'seed-paragraph-unit.docx',
      'the docx package: unit paragraphs, a page header, merges, splits, revisions',
    ],
    ['seed-table-unit.docx', 'the docx package: the unit as the first row of each table'],
    ['seed-print-form.docx', 'the docx package: the 预算管理一体化 print form'],
  ])('%s (%s) gives the targets of the seed text, field by field', async (name) => {
    const doc = parseTargetDocument(await docxItems(fixture(name)));
    expect(doc.problems).toEqual([]);
    expect(Object.keys(targetsOf(doc))).toEqual(Object.keys(want));
    for (const [id, target] of Object.entries(targetsOf(doc)))
      expect([id, target]).toEqual([id, want[id]]);
  });

  it('LibreOffice Writer’s .docx gives the same targets; its short last row is padded, so table 36 is not cut off', async () => {
    const got = targetsOf(parseTargetDocument(await docxItems(fixture('seed-libreoffice.docx'))));
    const cut = '2022-314004-13030322P00385310012G';
    expect(got[cut]).toEqual({ ...want[cut], problems: [] });
    expect({ ...got, [cut]: null }).toEqual({ ...want, [cut]: null });
  });

  it('the paragraph-unit fixture has the Word features it stands for', async () => {
    const xml = await bodyXml('seed-paragraph-unit.docx');
    for (const tag of [
      'w:ins',
      'w:del',
      'w:hyperlink',
      'w:fldSimple',
      'w:txbxContent',
      'w:vMerge',
      'w:gridSpan',
      'w:tblHeader',
      'w:headerReference',
    ])
      expect([tag, xml.includes(`<${tag}`)]).toEqual([tag, true]);
    expect(xml).toMatch(/[０-９]/);
    expect(xml).toContain('单位：元');
    const lo = await bodyXml('seed-libreoffice.docx');
    expect(lo).toContain('<w:vMerge');
  });

  it('reads the department goals of part 1 from the paragraphs', async () => {
    const doc = parseTargetDocument(await docxItems(fixture('seed-paragraph-unit.docx')));
    expect(doc.departmentGoals).toEqual(fromText.departmentGoals);
  });

  const soffice = findSoffice();
  (soffice ? it : it.skip)(
    'a Word 97–2003 .doc converted by LibreOffice gives the same targets as its .docx',
    async () => {
      const items = await docxItems(
        await convertToDocx(soffice!, fixture('seed-libreoffice.doc'), 'doc'),
      );
      const fromDocx = targetsOf(
        parseTargetDocument(await docxItems(fixture('seed-libreoffice.docx'))),
      );
      expect(targetsOf(parseTargetDocument(items))).toEqual(fromDocx);
    },
  );
});

describe('docxItems on a table nested in a cell', () => {
  it('reads an indicator table nested in the 绩效指标 cell of the outer table', async () => {
    const [t] = parseTargetDocument(seedText()).tables;
    const c = t.content;
    const cell = (text: string, columnSpan?: number) =>
      new TableCell({ children: text.split('\n').map((l) => new Paragraph(l)), columnSpan });
    const row = (...cells: TableCell[]) => new TableRow({ children: cells });
    const header = ['一级指标', '二级指标', '三级指标', '绩效指标描述', '指标值', '指标值确定依据'];
    const nested = new Table({
      rows: [
        row(...header.map((h) => cell(h))),
        ...c.indicators.map((i) =>
          row(
            ...[i.level1, i.level2, i.name, i.description, i.target, i.basis].map((x) => cell(x)),
          ),
        ),
      ],
    });
    const outer = new Table({
      rows: [
        row(cell(`${t.unitCode}${c.unitName}`, 4)),
        row(cell('项目编码'), cell(t.projectCode), cell('项目名称'), cell(c.projectName)),
        row(cell('预算数'), cell('0.40'), cell('其中：财政资金'), cell('0.40')),
        row(cell('其他资金'), cell(''), cell('资金用途'), cell(c.purpose)),
        row(
          cell('资金支出计划（%）'),
          cell('3月底'),
          cell('6月底'),
          cell('10月底'),
          cell('12月底'),
        ),
        row(cell(''), ...c.imported!.plan.map((p) => cell(p))),
        row(cell('绩效目标'), cell(c.goals, 3)),
        row(cell('绩效指标'), new TableCell({ children: [nested], columnSpan: 3 })),
      ],
    });
    const data = await Packer.toBuffer(new Document({ sections: [{ children: [outer] }] }));
    const [read] = parseTargetDocument(await docxItems(data)).tables;
    expect(read.problems).toEqual([]);
    expect(read.content).toEqual({ ...c, imported: read.content.imported });
  });
});

describe('docxItems on broken files', () => {
  it('refuses a file that is not a zip, and a zip without a Word document', async () => {
    await expect(
      docxItems(Buffer.from('PK\u0003\u0004 but not really a zip')),
    ).rejects.toMatchObject({
      code: 'INVALID_DOCX',
    });
    const zip = new JSZip();
    zip.file('hello.txt', 'hi');
    const err = (await docxItems(await zip.generateAsync({ type: 'nodebuffer' })).catch(
      (e: Error) => e,
    )) as Error;
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toContain('word/document.xml');
  });

  it('refuses a Word document whose XML is broken', async () => {
    const zip = new JSZip();
    zip.file('word/document.xml', '<w:document><w:body><w:p><w:r><w:t>text</w:body>');
    await expect(docxItems(await zip.generateAsync({ type: 'nodebuffer' }))).rejects.toMatchObject({
      code: 'INVALID_DOCX',
    });
  });
});
