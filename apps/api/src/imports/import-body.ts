import { docxToText } from '@bp/infra';
import { InvalidInput } from '@bp/domain';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** The largest document accepted: the seed is 98 KB as text; a Word file with images is more. */
export const IMPORT_LIMIT_BYTES = 10 * 1024 * 1024;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The document's text form from an upload: a .docx (by its zip signature or media type) is
 * converted; anything else must be UTF-8 text. A binary that is neither is a 400.
 */
export async function documentText(
  data: Buffer | undefined,
  mediaType: string | undefined,
): Promise<string> {
  if (!data || data.length === 0)
    throw new InvalidInput('EMPTY_DOCUMENT', 'the document is empty', 'file');
  const looksZip = data.subarray(0, 4).equals(ZIP_MAGIC);
  if (looksZip || mediaType?.startsWith(DOCX_MIME)) return docxToText(data);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new InvalidInput(
      'NOT_A_TEXT_DOCUMENT',
      'the file is neither UTF-8 text nor a .docx document',
      'file',
    );
  }
}
