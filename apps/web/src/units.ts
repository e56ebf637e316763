import { api } from './api';

interface ListAnswer {
  items: { unitCode: string; unitName: string }[];
}

const cache = new Map<string, Promise<string>>();

/** A unit's name, from its first target in the list (the API has no unit directory to read). */
export function unitName(code: string, fiscalYear: number): Promise<string> {
  const key = `${fiscalYear}:${code}`;
  let name = cache.get(key);
  if (!name) {
    name = api<ListAnswer>('/targets', { query: { unit: code, fiscalYear, limit: 1 } })
      .then((a) => a.items[0]?.unitName ?? '')
      .catch(() => {
        cache.delete(key);
        return '';
      });
    cache.set(key, name);
  }
  return name;
}

export async function unitNames(
  codes: string[],
  fiscalYear: number,
): Promise<Record<string, string>> {
  const names = await Promise.all(codes.map((c) => unitName(c, fiscalYear)));
  return Object.fromEntries(codes.map((c, i) => [c, names[i]]));
}
