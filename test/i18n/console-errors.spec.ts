import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Issue 15, item 8: every error code the API can answer has a Chinese sentence in the console's
 * own table (apps/web/src/errors.ts), so a page never shows a bare code or falls back to a
 * generic "输入有误：…" for a refusal the service names. The codes are read from the sources
 * the same way test/i18n/chinese-texts reads them, with the HTTP layer's own codes added.
 */
const THROWN =
  /new (?:InvalidInput|Unauthenticated|Forbidden|NotFound|IllegalState|VersionConflict|Refused|Throttled|PayloadTooLarge|UnsupportedDocument)\(\s*'([A-Z_]+)'|unauthorized\('([A-Z_]+)'|code: '([A-Z_]+)',\s*message/g;

function codesInSources(): Set<string> {
  const codes = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(p)) {
        for (const m of readFileSync(p, 'utf8').matchAll(THROWN)) codes.add(m[1] ?? m[2] ?? m[3]);
      }
    }
  };
  for (const dir of ['libs/domain/src', 'libs/infra/src', 'apps/api/src']) walk(dir);
  return codes;
}

/** The keys of MESSAGES in errors.ts: `  CODE: (…) => …` lines of the table. */
function consoleCodes(): Set<string> {
  const src = readFileSync('apps/web/src/errors.ts', 'utf8');
  const table = src.slice(
    src.indexOf('const MESSAGES'),
    src.indexOf('\n};', src.indexOf('const MESSAGES')),
  );
  return new Set([...table.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1]));
}

describe("the console's error sentences", () => {
  it('reads codes from the sources, so the check can fail', () => {
    // given codes every version of the service throws
    const codes = codesInSources();
    expect(codes.has('TARGET_NOT_FOUND')).toBe(true);
    expect(codes.has('OVER_BUDGET')).toBe(true);
    expect(codes.size).toBeGreaterThan(50);
  });

  it('has a Chinese sentence for every code thrown in libs/ and apps/api', () => {
    const known = consoleCodes();
    const missing = [...codesInSources()].filter((c) => !known.has(c)).sort();
    expect(missing).toEqual([]);
  });
});
