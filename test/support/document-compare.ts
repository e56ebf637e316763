import { ParsedDocument } from '@bp/domain';

/**
 * The targets a parsed document yields, field by field, keyed by their id: what two producers'
 * files of the same tables must agree on (the raw cell texts in `imported` may differ by width).
 */
export function targetsOf(doc: ParsedDocument, fiscalYear = 2022) {
  return Object.fromEntries(
    doc.tables.map((t) => [
      `${fiscalYear}-${t.unitCode}-${t.projectCode}`,
      {
        table: t.table,
        unitCode: t.unitCode,
        unitName: t.content.unitName,
        projectName: t.content.projectName,
        budget: t.content.budget,
        purpose: t.content.purpose,
        plan: t.content.plan,
        goals: t.content.goals,
        indicators: t.content.indicators,
        problems: t.problems.map((p) => p.field),
      },
    ]),
  );
}
