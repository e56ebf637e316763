import fc from 'fast-check';
import { seedText } from '../../../../test/support/seed';
import { parseTargetDocument } from './target-document.parse';

/** The document parser never throws, whatever it is given (issue 8: abuse of the parser). */
describe('parseTargetDocument under fuzzing', () => {
  const seed = seedText();
  const lines = seed.split('\n');

  it('never throws on arbitrary text, with tabs and table titles sprinkled in', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constant('\t'),
      fc.constant('\n'),
      fc.constant('1.汽车保险费绩效目标表\n'),
      fc.constant('\t项目编码\n'),
      fc.constant('\t314001民政局\n'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), (parts) => {
        parseTargetDocument(parts.join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on the seed with lines dropped, duplicated or garbled', () => {
    const edit = fc.record({
      at: fc.nat({ max: lines.length - 1 }),
      kind: fc.constantFrom('drop', 'dup', 'garble'),
      junk: fc.string({ maxLength: 20 }),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 30 }), (edits) => {
        const copy = [...lines];
        for (const e of edits) {
          if (e.kind === 'drop') copy.splice(e.at % copy.length, 1);
          else if (e.kind === 'dup') copy.splice(e.at % copy.length, 0, copy[e.at % copy.length]);
          else copy[e.at % copy.length] = `\t${e.junk}`;
        }
        const doc = parseTargetDocument(copy.join('\n'));
        // whatever survives is still a well-formed table identity
        for (const t of doc.tables)
          expect(`${t.unitCode}-${t.projectCode}`).toMatch(/^\d{6}-[0-9A-Za-z]{1,40}$/);
      }),
      { numRuns: 150 },
    );
  });
});
