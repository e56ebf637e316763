import { InvalidInput } from '@bp/domain';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import JSZip from 'jszip';

type XmlNode = { [tag: string]: XmlNode[] | string } & { '#text'?: string };

/** The largest document.xml we unpack: a zip bomb is refused, not expanded. */
const MAX_XML_BYTES = 64 * 1024 * 1024;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  trimValues: false,
  parseTagValue: false,
  processEntities: true,
});

const SKIPPED = new Set([
  'w:del',
  'w:delText',
  'w:instrText',
  'w:rPr',
  'w:pPr',
  'w:tblPr',
  'w:trPr',
  'w:tcPr',
  'w:tblGrid',
]);

function tagOf(node: XmlNode): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '';
}

function childrenOf(node: XmlNode): XmlNode[] {
  const c = node[tagOf(node)];
  return Array.isArray(c) ? c : [];
}

/** The text of a paragraph: runs, tabs as spaces, breaks as new lines; deletions left out. */
function textOf(nodes: XmlNode[]): string {
  return nodes
    .map((n) => {
      const tag = tagOf(n);
      if (tag === '#text') return String(n['#text'] ?? '');
      if (tag === 'w:tab') return ' ';
      if (tag === 'w:br' || tag === 'w:cr') return '\n';
      if (SKIPPED.has(tag)) return '';
      return textOf(childrenOf(n));
    })
    .join('');
}

/** The paragraphs of a cell or of the body, nested tables flattened into them. */
function paragraphsOf(nodes: XmlNode[]): string[] {
  return nodes.flatMap((n) => {
    const tag = tagOf(n);
    if (tag === 'w:p') return [textOf(childrenOf(n))];
    if (tag === 'w:tbl') return tableLines(n);
    if (tag === 'w:sdt' || tag === 'w:sdtContent' || tag === 'w:tc')
      return paragraphsOf(childrenOf(n));
    return [];
  });
}

/** A table in the text form: each cell's first paragraph after a tab, its other paragraphs after it, a blank line after each row. */
function tableLines(tbl: XmlNode): string[] {
  return childrenOf(tbl)
    .filter((row) => tagOf(row) === 'w:tr')
    .flatMap((row) => [
      ...childrenOf(row)
        .filter((cell) => tagOf(cell) === 'w:tc')
        .flatMap((cell) => {
          const [first = '', ...rest] = paragraphsOf(childrenOf(cell));
          return [`\t${first}`, ...rest.filter((p) => p.trim() !== '')];
        }),
      '',
    ]);
}

function bodyLines(nodes: XmlNode[]): string[] {
  return nodes.flatMap((n) => {
    const tag = tagOf(n);
    if (tag === 'w:tbl') return tableLines(n);
    if (tag === 'w:p') return [textOf(childrenOf(n))];
    return bodyLines(childrenOf(n));
  });
}

const notDocx = (why: string) =>
  new InvalidInput('INVALID_DOCX', `the file is not a readable .docx document: ${why}`, 'file');

/**
 * Turns a .docx into the text form the document parser reads (the same form as the seed's
 * dump): paragraphs as lines, table cells as lines starting with a tab.
 */
export async function docxToText(data: Buffer): Promise<string> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(data);
  } catch (e) {
    throw notDocx((e as Error).message);
  }
  const entry = zip.file('word/document.xml');
  if (!entry) throw notDocx('it has no word/document.xml');
  const xml = await entry.async('string').catch((e: Error) => {
    throw notDocx(e.message);
  });
  if (xml.length > MAX_XML_BYTES) throw notDocx('its document is too large to read');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw notDocx(`its XML is broken (${valid.err.msg}, line ${valid.err.line})`);
  let tree: XmlNode[];
  try {
    tree = parser.parse(xml) as XmlNode[];
  } catch (e) {
    throw notDocx((e as Error).message);
  }
  return bodyLines(tree).join('\n');
}
