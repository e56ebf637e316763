import { canonicalJson, sameJson } from './canonical-json';

describe('canonicalJson', () => {
  it('ignores key order at every depth, as jsonb does', () => {
    expect(
      sameJson({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    ).toBe(true);
    expect(canonicalJson({ total: '1', fiscal: '1', other: '0' })).toBe(
      '{"fiscal":"1","other":"0","total":"1"}',
    );
  });

  it('keeps array order and tells different values apart', () => {
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: null }, { a: 0 })).toBe(false);
  });

  it('writes bigint as a string and drops undefined members', () => {
    expect(canonicalJson({ fen: 10n ** 17n, x: undefined })).toBe('{"fen":"100000000000000000"}');
  });
});
