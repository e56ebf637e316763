import { InvalidInput } from './errors';
import { formatWan, formatYuan, parseWan, parseYuan } from './money';

describe('money', () => {
  it.each([
    ['4000.00', 400000n],
    ['0', 0n],
    ['0.5', 50n],
    ['12.34', 1234n],
    ['10000000000000', 10n ** 15n],
  ])('parses %s 元 into fen', (text, fen) => {
    expect(parseYuan(text, 'amount')).toBe(fen);
  });

  it.each(['1.234', '-1.00', '1e3', '', ' 1', '01.00', '1.', '.5', '10000000000000.01'])(
    'refuses %p and names the field',
    (text) => {
      expect(() => parseYuan(text, 'budget.total')).toThrow(InvalidInput);
      try {
        parseYuan(text, 'budget.total');
      } catch (e) {
        expect((e as InvalidInput).details.field).toBe('budget.total');
      }
    },
  );

  it('refuses numbers: amounts travel as strings', () => {
    expect(() => parseYuan(4000 as unknown as string, 'amount')).toThrow(InvalidInput);
  });

  it('reads 万元 of the documents exactly', () => {
    expect(parseWan('0.40')).toBe(400000n);
    expect(parseWan(' 126.50 ')).toBe(126500000n);
    expect(parseWan('abc')).toBeNull();
  });

  it('formats fen as 元 with two decimals', () => {
    expect(formatYuan(400000n)).toBe('4000.00');
    expect(formatYuan(5n)).toBe('0.05');
    expect(formatYuan(-150n)).toBe('-1.50');
  });

  it("formats fen as the documents' 万元: two decimals, up to six when needed, exact", () => {
    expect(formatWan(400000n)).toBe('0.40');
    expect(formatWan(20590000n)).toBe('20.59');
    expect(formatWan(400050n)).toBe('0.40005');
    expect(formatWan(1n)).toBe('0.000001');
    expect(formatWan(0n)).toBe('0.00');
    expect(formatWan(126500000n)).toBe('126.50');
    for (const fen of [1n, 99n, 400050n, 123456789n, 10n ** 15n])
      expect(parseWan(formatWan(fen))).toBe(fen);
  });
});
