/**
 * Finds English in a text a person reads. Allowed: codes and abbreviations in capitals (`UUID`,
 * `YYYY-MM-DD`, `P1`), single letters, product and format names, the HTTP headers a message
 * names, and anything in backticks (a literal value to send, e.g. `accepted`). Everything else
 * of two or more Latin letters is a word of English: a sentence such as "is below" is found.
 */
const ALLOWED_WORDS = new Set([
  'PostgreSQL',
  'Redis',
  'LibreOffice',
  'Word',
  'Excel',
  'docx',
  'doc',
  'xlsx',
  'csv',
  'txt',
  'pp',
  'http',
  'https',
]);
const HEADERS = /Authorization: Bearer|If-Match|Idempotency-Key|Content-Type|X-Event-Position/g;

/** The English words of `text`, after taking out the `values` the test itself put in. */
export function englishWords(text: string, values: readonly string[] = []): string[] {
  let rest = text.replace(/`[^`]*`/g, ' ').replace(HEADERS, ' ');
  for (const v of [...values].sort((a, b) => b.length - a.length)) rest = rest.split(v).join(' ');
  return (rest.match(/[A-Za-z]{2,}/g) ?? []).filter(
    (w) => !ALLOWED_WORDS.has(w) && !/^[A-Z]+$/.test(w),
  );
}

/** Every string inside a JSON value (messages, problems, reasons, nested anywhere). */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}
