import { CommandMetadata, DomainEvent, eventMetadata } from '../shared/decider';
import { sameJson } from '../shared/canonical-json';
import { departmentOf } from '../shared/scope';
import { Fen } from '../shared/money';
import {
  evolveTargetStream,
  ExistingTargetStreamState,
  TargetStreamState,
} from '../evaluation/target-stream';
import { CreateTarget, ReviseTarget } from '../performance-target/performance-target.commands';
import { decideTarget } from '../performance-target/performance-target.decide';
import {
  TargetEvent,
  targetId,
  TargetStatus,
} from '../performance-target/performance-target.events';
import { changesToJson } from '../performance-target/target-content';
import { assertExists } from '../performance-target/target-phase';
import { decideUnit, UnitEvent, UnitState } from '../unit/unit';
import { DepartmentGoals } from './department-goals.parse';
import { ParsedDocument, ParsedTable } from './target-document.parse';

export type ImportOutcome = 'created' | 'revised' | 'unchanged' | 'conflict';

export interface TableDecision {
  readonly table: ParsedTable;
  readonly targetId: string;
  readonly outcome: ImportOutcome;
  /** The status the target had before the import ('none' when new). */
  readonly status: TargetStatus | 'none';
  readonly events: readonly TargetEvent[];
  /** The target after the import's events (as it was, for unchanged and conflicts). */
  readonly after: ExistingTargetStreamState;
}

function sameTable(table: ParsedTable, state: ExistingTargetStreamState): boolean {
  return (
    sameJson(changesToJson(table.content), changesToJson(state.content)) &&
    sameJson(table.problems, state.importProblems)
  );
}

/** The CreateTarget of a table whose target does not exist yet, marked with the import run. */
function createFromTable(
  table: ParsedTable,
  fiscalYear: number,
  metadata: CommandMetadata,
  importId?: string,
): CreateTarget {
  const data = {
    fiscalYear,
    unitCode: table.unitCode,
    projectCode: table.projectCode,
    content: table.content,
    source: 'import' as const,
    importProblems: table.problems,
    ...(importId ? { importId } : {}),
  };
  return { type: 'CreateTarget', data, metadata };
}

/** The ReviseTarget of a table whose target is still a draft (or returned). */
function reviseFromTable(table: ParsedTable, id: string, metadata: CommandMetadata): ReviseTarget {
  const data = {
    targetId: id,
    changes: table.content,
    source: 'import' as const,
    importProblems: table.problems,
  };
  return { type: 'ReviseTarget', data, metadata };
}

/**
 * What importing one table does to its target: creates a draft (marked with the import run's
 * `importId`, so that the run can be undone); revises a draft or returned target whose table
 * changed; leaves an identical one alone; and never touches a target that is past draft (a
 * changed table there is a conflict for a person to resolve). A withdrawn target is final: its
 * table is always a conflict, so that the officer sees why it did not come back.
 */
export function decideTableImport(
  table: ParsedTable,
  fiscalYear: number,
  state: TargetStreamState,
  metadata: CommandMetadata,
  importId?: string,
): TableDecision {
  const id = targetId(fiscalYear, table.unitCode, table.projectCode);
  const base = { table, targetId: id, status: state.status };
  const apply = (events: readonly TargetEvent[], outcome: ImportOutcome): TableDecision => ({
    ...base,
    events,
    outcome: events.length === 0 ? 'unchanged' : outcome,
    // a table the import created or revised is a target that exists
    after: assertExists(events.reduce(evolveTargetStream, state)),
  });
  if (state.status === 'none') {
    const command = createFromTable(table, fiscalYear, metadata, importId);
    return apply(decideTarget(command, state), 'created');
  }
  if (state.status === 'draft' || state.status === 'returned') {
    return apply(decideTarget(reviseFromTable(table, id, metadata), state), 'revised');
  }
  return {
    ...base,
    events: [],
    outcome: state.status !== 'withdrawn' && sameTable(table, state) ? 'unchanged' : 'conflict',
    after: state,
  };
}

/**
 * Part 1's goals and the names of units speak for the whole department: only an admin's import
 * records them. A unit's import (preparer, unit head) leaves them as they are and says so;
 * department reviewers do not import at all.
 */
export function recordsDepartmentData(metadata: CommandMetadata): boolean {
  return metadata.actor.role === 'admin';
}

/** The recorded units whose name the document would change but the importer may not. */
export function ignoredUnitRenames(
  doc: ParsedDocument,
  units: ReadonlyMap<string, UnitState>,
  metadata: CommandMetadata,
): { code: string; name: string; documentName: string }[] {
  if (recordsDepartmentData(metadata)) return [];
  const seen = new Map(doc.tables.map((t) => [t.unitCode, t.content.unitName]));
  return [...seen]
    .map(([code, documentName]) => ({ code, documentName, state: units.get(code) }))
    .filter(({ state, documentName }) => state?.code && state.name !== documentName)
    .map(({ code, documentName, state }) => ({ code, name: state?.name ?? '', documentName }));
}

/**
 * Units seen in the document, each recorded once (new or renamed). A unit's own import records
 * a unit not yet known (its own, the only one it may import for) but never renames one.
 */
export function decideUnitsOfImport(
  doc: ParsedDocument,
  units: ReadonlyMap<string, UnitState>,
  metadata: CommandMetadata,
): Map<string, UnitEvent[]> {
  const out = new Map<string, UnitEvent[]>();
  for (const t of doc.tables) {
    if (out.has(t.unitCode)) continue;
    const state = units.get(t.unitCode) as UnitState;
    if (state.code && !recordsDepartmentData(metadata)) {
      out.set(t.unitCode, []);
      continue;
    }
    out.set(
      t.unitCode,
      decideUnit(
        { type: 'RecordUnit', data: { code: t.unitCode, name: t.content.unitName }, metadata },
        state,
      ),
    );
  }
  return out;
}

export type DepartmentGoalsRecorded = DomainEvent<
  'DepartmentGoalsRecorded',
  { readonly departmentCode: string; readonly fiscalYear: number } & DepartmentGoals
>;

export const departmentGoalsStreamId = (departmentCode: string, fiscalYear: number) =>
  `departmentgoals-${departmentCode}-${fiscalYear}`;

/** The department of a document is that of its units (the first table's). */
export function departmentOfDocument(doc: ParsedDocument): string | null {
  return doc.tables.length > 0 ? departmentOf(doc.tables[0].unitCode) : null;
}

/** Records part 1's goals for the department and year, unless the same goals are recorded. */
export function decideDepartmentGoals(
  goals: DepartmentGoals,
  departmentCode: string,
  fiscalYear: number,
  recorded: DepartmentGoalsRecorded | null,
  metadata: CommandMetadata,
): DepartmentGoalsRecorded[] {
  if (!recordsDepartmentData(metadata)) return [];
  const data = { departmentCode, fiscalYear, overall: goals.overall, areas: goals.areas };
  if (recorded && sameJson(recorded.data, data)) return [];
  return [
    {
      type: 'DepartmentGoalsRecorded',
      data,
      metadata: eventMetadata({ type: 'RecordDepartmentGoals', metadata }),
    },
  ];
}

export interface ImportTotals {
  readonly units: { code: string; name: string; targets: number; budget: Fen }[];
  readonly total: Fen;
}

/** Budget per unit and overall, from the tables as read. */
export function importTotals(tables: readonly ParsedTable[]): ImportTotals {
  const units = new Map<string, { code: string; name: string; targets: number; budget: Fen }>();
  for (const t of tables) {
    const u = units.get(t.unitCode) ?? {
      code: t.unitCode,
      name: t.content.unitName,
      targets: 0,
      budget: 0n,
    };
    units.set(t.unitCode, {
      ...u,
      targets: u.targets + 1,
      budget: u.budget + t.content.budget.total,
    });
  }
  const list = [...units.values()];
  return { units: list, total: list.reduce((sum, u) => sum + u.budget, 0n) };
}
