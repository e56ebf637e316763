import { DocumentItem, InvalidInput, PayloadTooLarge } from '@bp/domain';
import { DocxSection, DocxXmlReader } from './docx-xml';
import { DOCX_LIMITS, ZipLimits, ZipPackage, ZipRefused } from './docx-zip';

const notDocx = (why: string) =>
  new InvalidInput('INVALID_DOCX', `该文件不是可读取的 .docx 文档：${why}`, 'file');

/** rId → part name of word/_rels/document.xml.rels, for the page headers. */
function relationships(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]*)"/.exec(m[0])?.[1];
    if (id && target) out.set(id, target.startsWith('/') ? target.slice(1) : `word/${target}`);
  }
  return out;
}

async function readPart(zip: ZipPackage, name: string, rowBase = 0): Promise<DocxXmlReader> {
  const reader = new DocxXmlReader(rowBase);
  await zip.stream(name, (chunk) => reader.write(chunk));
  reader.end();
  return reader;
}

/** Each section's page header text (a section without one keeps the previous section's). */
async function sectionHeaders(
  zip: ZipPackage,
  sections: readonly DocxSection[],
): Promise<string[][]> {
  const rels = zip.has('word/_rels/document.xml.rels')
    ? relationships(await zip.text('word/_rels/document.xml.rels'))
    : new Map<string, string>();
  const read = new Map<string, string[]>();
  let previous: string[] = [];
  const out: string[][] = [];
  for (const s of sections) {
    const ref =
      s.headers.find((h) => h.type === 'default') ?? s.headers.find((h) => h.type === 'first');
    const part = ref ? rels.get(ref.id) : undefined;
    if (part && zip.has(part) && !read.has(part)) {
      read.set(
        part,
        (await readPart(zip, part)).items.map((i) => i.text),
      );
    }
    previous = part ? (read.get(part) ?? []) : s.headers.length > 0 ? [] : previous;
    out.push(previous);
  }
  return out;
}

/** The body's items with each section's page header paragraphs placed at the section's start. */
function withHeaders(
  items: readonly DocumentItem[],
  sections: readonly DocxSection[],
  headers: string[][],
): DocumentItem[] {
  const out: DocumentItem[] = [];
  let at = 0;
  sections.forEach((s, k) => {
    for (const text of headers[k]) out.push({ kind: 'paragraph', text, line: 0, header: true });
    out.push(...items.slice(at, s.end));
    at = s.end;
  });
  out.push(...items.slice(at));
  return out.map((i, n) => ({ ...i, line: n + 1 }));
}

/**
 * Reads a .docx into the items the document parser reads: the body's paragraphs and table
 * cells (rows, grid columns, merges), and the page headers. Parts are inflated as streams under
 * `limits`, so a zip bomb costs at most the cap, never its inflated size.
 */
export async function docxItems(
  data: Buffer,
  limits: ZipLimits = DOCX_LIMITS,
): Promise<DocumentItem[]> {
  let zip: ZipPackage | null = null;
  try {
    zip = await ZipPackage.open(data, limits);
    if (!zip.has('word/document.xml')) throw new ZipRefused('其中没有 word/document.xml');
    const body = await readPart(zip, 'word/document.xml');
    return withHeaders(body.items, body.sections, await sectionHeaders(zip, body.sections));
  } catch (e) {
    if (e instanceof ZipRefused && e.tooLarge) {
      throw new PayloadTooLarge(
        'DOCUMENT_TOO_LARGE',
        `该文件解压后超过 ${limits.maxTotalBytes >> 20} MB，无法读取（${e.message}）`,
      );
    }
    if (e instanceof InvalidInput) throw e;
    // saxes' reasons are English: the document's XML is broken, which is all a person can act on
    throw notDocx(e instanceof ZipRefused ? e.message : 'word/document.xml 不是有效的 XML');
  } finally {
    zip?.close();
  }
}
