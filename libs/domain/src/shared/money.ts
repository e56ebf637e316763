import { InvalidInput } from './errors';
import { fieldNameZh } from './names.zh';

/** Money inside the domain: integer 分 (fen) as bigint, so no amount is ever a float. */
export type Fen = bigint;

/** 10^13 元, the largest amount the API accepts. */
export const MAX_FEN: Fen = 10n ** 15n;

const YUAN_TEXT = /^(0|[1-9]\d*)(\.\d{1,2})?$/;
const WAN_TEXT = /^(0|[1-9]\d*)(\.\d{1,6})?$/;

/** Parses a decimal string of 元 with at most two decimals ("4000.00") into fen. */
export function parseYuan(text: unknown, field: string): Fen {
  if (typeof text !== 'string' || !YUAN_TEXT.test(text)) {
    throw new InvalidInput(
      'INVALID_AMOUNT',
      `${fieldNameZh(field)}应为以元为单位的金额文本，最多两位小数，例如 "4000.00"`,
      field,
    );
  }
  const fen = decimalToScaled(text, 2);
  if (fen > MAX_FEN) {
    throw new InvalidInput('AMOUNT_TOO_LARGE', `${fieldNameZh(field)}超过上限 10^13 元`, field);
  }
  return fen;
}

/** Parses a document's 万元 figure ("0.40", up to six decimals) into fen; null if it is not one. */
export function parseWan(text: string): Fen | null {
  const t = text.trim();
  if (!WAN_TEXT.test(t)) return null;
  return decimalToScaled(t, 6);
}

/** Formats fen as the API's decimal string of 元 ("4000.00"). */
export function formatYuan(fen: Fen): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${sign}${abs / 100n}.${cents}`;
}

/**
 * Formats fen as the documents' 万元 (1 万元 = 1,000,000 fen): two decimals, more (up to six)
 * only when needed, so it reads back exactly with parseWan: 400,000 fen → "0.40", 400,050 → "0.40005".
 */
export function formatWan(fen: Fen): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  const frac = (abs % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}${abs / 1_000_000n}.${frac}`;
}

/** Fen from an event payload or database column (a string of digits). */
export function fenOf(stored: string | number | bigint): Fen {
  return BigInt(stored);
}

function decimalToScaled(text: string, decimals: number): bigint {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}
