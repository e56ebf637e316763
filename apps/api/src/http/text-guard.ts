import { DocumentItem, fieldNameZh } from '@bp/domain';
import { NextFunction, Request, Response } from 'express';

/**
 * Text PostgreSQL cannot store: a NUL (text columns and jsonb refuse U+0000) or a lone UTF-16
 * surrogate (not encodable as UTF-8). Either in a request used to surface as a 500 from the
 * database (issue 14.12); refused here, once, before any handler sees the request.
 */
// eslint-disable-next-line no-control-regex -- the NUL is exactly what this looks for
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasBadText(s: string): boolean {
  return BAD_TEXT.test(s);
}

const MESSAGE = '不能含空字符（U+0000）或不成对的代理字符（如 U+D800）';

/** The path of the first bad string in a parsed query (strings, arrays, nested objects), or null. */
function badPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return hasBadText(value) ? path : null;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (hasBadText(k)) return p;
      const found = badPath(v, p);
      if (found) return found;
    }
  }
  return null;
}

function refuse(res: Response, field: string): void {
  res.status(400).json({
    error: { code: 'INVALID_TEXT', message: `${fieldNameZh(field)}${MESSAGE}`, details: { field } },
  });
}

/**
 * Middleware over every request, after the body parsers: the query string, the decoded path
 * and a parsed JSON body (keys and string values at any depth).
 */
export function refuseBadText(req: Request, res: Response, next: NextFunction): void {
  const field = badPath(req.query, '') ?? (isJson(req) ? badPath(req.body, '') : null);
  if (field !== null) return refuse(res, field || 'body');
  let path = req.path;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    // a malformed escape is the router's to refuse; nothing of it reaches the database
  }
  if (hasBadText(path)) return refuse(res, 'path');
  next();
}

/** A body the JSON parser made (a raw document upload is a Buffer, checked as it is read). */
const isJson = (req: Request) =>
  req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body);

/** Strips what PostgreSQL cannot store from the items of a Word document (a cell's `&#0;`). */
export function cleanItems(items: DocumentItem[]): DocumentItem[] {
  const clean = (s: string) => s.replace(new RegExp(BAD_TEXT.source, 'g'), '');
  return items.map((i) =>
    i.kind === 'cell' && i.continues !== undefined
      ? { ...i, text: clean(i.text), continues: clean(i.continues) }
      : { ...i, text: clean(i.text) },
  );
}
