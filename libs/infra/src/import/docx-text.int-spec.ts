import { InvalidInput, parseTargetDocument } from '@bp/domain';
import JSZip from 'jszip';
import { docxOf } from '../../../../test/support/docx-fixture';
import { seedText } from '../../../../test/support/seed';
import { docxToText } from './docx-text';

describe('docxToText', () => {
  const fromText = parseTargetDocument(seedText());

  it('gives a .docx of the seed tables the same parse as the seed text', async () => {
    const fromDocx = parseTargetDocument(await docxToText(await docxOf(fromText)));
    const strip = (d: typeof fromText) => ({
      ...d,
      tables: d.tables.map(({ line: _line, ...t }) => t),
    });
    expect(strip(fromDocx)).toEqual(strip(fromText));
  });

  it('refuses a file that is not a zip, and a zip without a Word document', async () => {
    await expect(
      docxToText(Buffer.from('PK\u0003\u0004 but not really a zip')),
    ).rejects.toMatchObject({ code: 'INVALID_DOCX' });
    const zip = new JSZip();
    zip.file('hello.txt', 'hi');
    const err = await docxToText(await zip.generateAsync({ type: 'nodebuffer' })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toContain('word/document.xml');
  });

  it('refuses a Word document whose XML is broken', async () => {
    const zip = new JSZip();
    zip.file('word/document.xml', '<w:document><w:body><w:p><w:r><w:t>text</w:body>');
    await expect(docxToText(await zip.generateAsync({ type: 'nodebuffer' }))).rejects.toMatchObject(
      { code: 'INVALID_DOCX' },
    );
  });
});
