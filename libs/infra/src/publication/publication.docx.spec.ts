import { writeFileSync } from 'fs';
import { ParsedTable, parseTargetDocument } from '@bp/domain';
import JSZip from 'jszip';
import { seedText } from '../../../../test/support/seed';
import { publicationDocx } from './publication.docx';
import { Publication, PublishedTable } from './publication.layout';

const seed = parseTargetDocument(seedText());

const published = (t: ParsedTable): PublishedTable => ({
  targetId: `2022-${t.unitCode}-${t.projectCode}`,
  unitCode: t.unitCode,
  unitName: t.content.unitName,
  projectCode: t.projectCode,
  projectName: t.content.projectName,
  budget: t.content.budget,
  purpose: t.content.purpose,
  plan: t.content.plan,
  goals: t.content.goals,
  indicators: t.content.indicators,
});

/** The seed's tables that can be approved (all but the cut-off one), as the publication holds them. */
const publication: Publication = {
  departmentCode: '314',
  departmentName: '秦皇岛市山海关区民政局',
  fiscalYear: 2022,
  goals: seed.departmentGoals,
  tables: seed.tables.filter((t) => t.problems.length === 0).map(published),
};

describe('the publication .docx', () => {
  let docx: Buffer;
  beforeAll(async () => {
    docx = await publicationDocx(publication);
    // PUBLICATION_DOCX=/tmp/p.docx keeps the file, to look at it in LibreOffice
    if (process.env.PUBLICATION_DOCX) writeFileSync(process.env.PUBLICATION_DOCX, docx);
  });

  it('merges the 一级 and 二级 cells down their rows with w:vMerge, on an A4 page', async () => {
    const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
    expect(xml).toContain('<w:vMerge w:val="restart"/>');
    expect(xml).toContain('<w:vMerge w:val="continue"/>');
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    expect(xml).toContain('1.汽车保险费绩效目标表');
  });

  it('puts the unit line and 单位：万元 in the first rows of each header table, two tables per target', async () => {
    const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
    const tables = xml.split('<w:tbl>').slice(1);
    expect(tables).toHaveLength(2 * publication.tables.length);
    const first = tables[0].split('<w:tr>').slice(1);
    expect(first[0]).toContain('314001民政部门秦皇岛市山海关区民政局本级');
    expect(first[1]).toContain('单位：万元');
    expect(first[2]).toContain('13030322P00391410001H');
    expect(tables[1].split('<w:tr>')[1]).toContain('<w:tblHeader/>');
  });
});
