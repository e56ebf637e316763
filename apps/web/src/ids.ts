/**
 * A fresh Idempotency-Key. `crypto.randomUUID` exists only in secure contexts (https,
 * localhost, 127.0.0.1); a console opened over plain http on an intranet address falls back to
 * `getRandomValues`, which every browser has.
 */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The decimal string of 元 typed in a form (commas and spaces allowed), or null. */
export function amountOf(text: string): string | null {
  const t = text.replace(/[,，\s]/g, '');
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(t)) return null;
  if (/^0+(\.0*)?$/.test(t)) return null;
  return t;
}
