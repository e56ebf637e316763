import { convertToDocx, ConversionFailed, docxItems, findSoffice } from '@bp/infra';
import { DocumentItem, InvalidInput, UnsupportedDocument } from '@bp/domain';
import { cleanItems, hasBadText } from '../http/text-guard';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const DOC_MIME = 'application/msword';
/** Media types whose body is read raw as a document: the text form, Word, WPS, OpenDocument, RTF. */
export const DOCUMENT_MIMES = [
  'text/plain',
  DOCX_MIME,
  DOC_MIME,
  'application/vnd.ms-works',
  'application/wps-office.wps',
  'application/wps-office.doc',
  'application/kswps',
  'application/vnd.oasis.opendocument.text',
  'application/rtf',
  'text/rtf',
  'application/octet-stream',
];
/** The largest document accepted: the seed is 98 KB as text; a Word file with images is more. */
export const IMPORT_LIMIT_BYTES = 10 * 1024 * 1024;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An OLE compound file: Word 97–2003 .doc, and WPS Office's .wps. */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ODT_MIME = 'application/vnd.oasis.opendocument.text';

/** The legacy kind of a file LibreOffice may turn into a .docx, or null. */
function legacyKind(data: Buffer, mediaType: string | undefined): string | null {
  if (data.subarray(0, 8).equals(OLE_MAGIC)) return mediaType?.includes('wps') ? 'wps' : 'doc';
  if (data.subarray(0, 5).toString('latin1') === '{\\rtf') return 'rtf';
  const zipMime = data.subarray(30, 30 + 8 + ODT_MIME.length).toString('latin1');
  if (data.subarray(0, 4).equals(ZIP_MAGIC) && zipMime === `mimetype${ODT_MIME}`) return 'odt';
  return null;
}

async function converted(data: Buffer, kind: string): Promise<DocumentItem[]> {
  const soffice = findSoffice();
  const names: Record<string, string> = {
    doc: 'Word 97–2003（.doc）',
    wps: 'WPS',
    odt: 'OpenDocument（.odt）',
    rtf: 'RTF',
  };
  if (!soffice) {
    throw new UnsupportedDocument(
      'UNSUPPORTED_DOCUMENT',
      `这是${names[kind]}文件，本服务器没有安装 LibreOffice，无法读取：请在 Word 或 WPS 中“另存为” Word 文档（.docx）后再导入`,
      { kind },
    );
  }
  try {
    return await docxItems(await convertToDocx(soffice, data, kind));
  } catch (e) {
    if (!(e instanceof ConversionFailed)) throw e;
    throw new InvalidInput(
      'UNREADABLE_DOCUMENT',
      `${names[kind]}文件无法转换（${e.message}）：请在 Word 或 WPS 中“另存为” .docx 后再导入`,
      'file',
    );
  }
}

/**
 * The document from an upload: a .docx (by its zip signature or media type) is read into its
 * items; a .doc, WPS, .odt or .rtf file is converted by LibreOffice first where it is installed
 * (415 otherwise); anything else must be UTF-8 text, the text form. A binary that is neither is a 400.
 */
export async function readDocument(
  data: Buffer | undefined,
  mediaType: string | undefined,
): Promise<string | DocumentItem[]> {
  if (!data || data.length === 0) throw new InvalidInput('EMPTY_DOCUMENT', '文件是空的', 'file');
  const legacy = legacyKind(data, mediaType);
  if (legacy) return cleanItems(await converted(data, legacy));
  if (data.subarray(0, 4).equals(ZIP_MAGIC) || mediaType?.startsWith(DOCX_MIME))
    return cleanItems(await docxItems(data));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new InvalidInput(
      'NOT_A_TEXT_DOCUMENT',
      '该文件既不是 UTF-8 文本，也不是 .docx 文档',
      'file',
    );
  }
  // a NUL is no text (a UTF-16 file without its mark reads so) and PostgreSQL cannot store it
  if (hasBadText(text))
    throw new InvalidInput(
      'NOT_A_TEXT_DOCUMENT',
      '该文件含有空字符（\\u0000），不是 UTF-8 文本；请另存为 UTF-8 文本或 .docx 文档',
      'file',
    );
  return text;
}
