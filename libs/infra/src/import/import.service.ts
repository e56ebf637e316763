import {
  actingRole,
  assertFiscalYear,
  decideDepartmentGoals,
  decideTableImport,
  decideUnitsOfImport,
  departmentGoalsStreamId,
  DepartmentGoalsRecorded,
  departmentOfDocument,
  DocumentItem,
  documentYearWarnings,
  evolveUnit,
  Forbidden,
  formatYuan,
  importTotals,
  ignoredUnitRenames,
  initialUnitState,
  mayWrite,
  recordsDepartmentData,
  InvalidInput,
  ParsedDocument,
  parseTargetDocument,
  targetProblems,
  targetStreamId,
  TableDecision,
  UnitEvent,
  UnitState,
  unitStreamId,
} from '@bp/domain';
import { randomUUID } from 'crypto';
import { Database, Sql } from '../database/sql';
import { PostgresEventStore, RecordedEvent } from '../event-store/event-store';
import { appendBatch } from '../event-store/handle';
import { upsertTargetList } from '../performance-target/target-list.projection';
import { Caller, foldTarget, TargetStore, toDomainEvent } from '../performance-target/target-store';
import { CatchUpNotifier } from '../queue/queues';

export interface ImportInput {
  readonly fiscalYear: number;
  /** The document: its text form, or the items of a .docx (a .doc is converted to one first). */
  readonly document: string | readonly DocumentItem[];
  readonly dryRun: boolean;
}

/** The answer of POST /imports and of `cli import --json` (API.md). */
export interface ImportReport {
  readonly fiscalYear: number;
  readonly dryRun: boolean;
  readonly created: number;
  readonly revised: number;
  readonly unchanged: number;
  /** Tables whose target is past draft and whose content differs: left as they were. */
  readonly conflicts: { id: string; table: number; status: string }[];
  readonly targets: {
    id: string;
    table: number;
    name: string;
    budget: string;
    outcome: string;
    status: string;
    problems: string[];
  }[];
  readonly units: { code: string; name: string; targets: number; budget: string }[];
  readonly totalBudget: string;
  readonly departmentGoals: {
    departmentCode: string;
    areas: number;
    outcome: 'recorded' | 'unchanged' | 'ignored';
  } | null;
  readonly problems: readonly string[];
  /** Warnings about the whole document (a heading or codes of another year), shown before committing. */
  readonly warnings: readonly string[];
  /** The run's id, in the TargetCreated events it wrote (POST /imports/:importId/withdraw); null for a dry run. */
  readonly importId?: string | null;
}

interface Plan {
  readonly tables: TableDecision[];
  readonly units: Map<string, UnitEvent[]>;
  readonly goals: {
    streamId: string;
    departmentCode: string;
    areas: number;
    events: DepartmentGoalsRecorded[];
    /** Not the importer's to record (a unit's import): left as they were. */
    ignored: boolean;
  } | null;
  /** Notes on what the importer may not change (department goals, unit names). */
  readonly notes: string[];
  readonly streams: Map<string, RecordedEvent[]>;
}

function parse(document: string | readonly DocumentItem[]): ParsedDocument {
  const empty =
    typeof document === 'string'
      ? document.trim() === ''
      : document.every((i) => i.text.trim() === '');
  if (empty) throw new InvalidInput('EMPTY_DOCUMENT', '文件是空的', 'file');
  const doc = parseTargetDocument(document);
  if (doc.tables.length === 0 && !doc.departmentGoals) {
    throw new InvalidInput(
      'NOT_A_TARGET_DOCUMENT',
      '文件中没有找到项目绩效目标表（带“项目编码”的表格）或部门整体绩效目标',
      'file',
      {
        problems: doc.problems,
      },
    );
  }
  return doc;
}

/**
 * Imports a performance-target document: each table becomes a draft target (or a revision of
 * one), units are recorded from the unit lines and part 1's goals for the department. All of it
 * is written in one transaction, or nothing is; a dry run writes nothing and answers the same.
 */
export class ImportService {
  constructor(
    private readonly db: Database,
    private readonly store: PostgresEventStore,
    private readonly targets: TargetStore,
    private readonly notifier: CatchUpNotifier,
  ) {}

  async run(
    caller: Caller,
    input: ImportInput,
  ): Promise<{ report: ImportReport; position: bigint }> {
    assertFiscalYear(input.fiscalYear);
    const doc = parse(input.document);
    const role = actingRole(caller.principal, ['admin', 'preparer', 'unit_head']);
    if (!role)
      throw new Forbidden('ROLE_FORBIDDEN', 'only an admin, preparer or unit head may import');
    const outside = doc.tables.find((t) => !mayWrite(caller.principal, role, t.unitCode));
    if (outside) {
      throw new Forbidden(
        'UNIT_OUT_OF_SCOPE',
        `table ${outside.table} belongs to unit ${outside.unitCode}, outside yours`,
        { unitCode: outside.unitCode },
      );
    }
    // the run's id is made here, outside the domain; a dry run writes nothing to undo
    const importId = input.dryRun ? null : randomUUID();
    const metadata = this.targets.metadata(caller, role);
    const plan = await this.plan(doc, input.fiscalYear, metadata, importId);
    const position = input.dryRun ? 0n : await this.write(plan);
    if (position > 0n) this.notifier.notify();
    return { report: { ...report(doc, input, plan), importId }, position };
  }

  private async plan(
    doc: ParsedDocument,
    fiscalYear: number,
    metadata: ReturnType<TargetStore['metadata']>,
    importId: string | null,
  ): Promise<Plan> {
    const department = departmentOfDocument(doc);
    const goalsStream = department ? departmentGoalsStreamId(department, fiscalYear) : null;
    const targetStreams = doc.tables.map((t) =>
      targetStreamId(`${fiscalYear}-${t.unitCode}-${t.projectCode}`),
    );
    const unitStreams = [...new Set(doc.tables.map((t) => t.unitCode))].map(unitStreamId);
    const streams = await this.store.readStreams([
      ...targetStreams,
      ...unitStreams,
      ...(goalsStream ? [goalsStream] : []),
    ]);
    const tables = doc.tables.map((t, i) =>
      decideTableImport(
        t,
        fiscalYear,
        foldTarget(streams.get(targetStreams[i]) ?? []),
        metadata,
        importId ?? undefined,
      ),
    );
    const unitStates = unitStatesOf(unitStreams, streams);
    const units = decideUnitsOfImport(doc, unitStates, metadata);
    const goals =
      department && goalsStream
        ? goalsPlan(doc, { department, fiscalYear, streamId: goalsStream }, streams, metadata)
        : null;
    const notes = ignoredNotes(
      goals?.ignored ?? false,
      ignoredUnitRenames(doc, unitStates, metadata),
    );
    return { tables, units, goals, notes, streams };
  }

  /** Writes every stream's new events, the target list and the units in one transaction. */
  private async write(plan: Plan): Promise<bigint> {
    const batches: {
      streamId: string;
      events: readonly { type: string; data: unknown; metadata: unknown }[];
    }[] = [
      ...plan.tables.map((d) => ({ streamId: targetStreamId(d.targetId), events: d.events })),
      ...[...plan.units].map(([code, events]) => ({ streamId: unitStreamId(code), events })),
      ...(plan.goals ? [{ streamId: plan.goals.streamId, events: plan.goals.events }] : []),
    ].filter((b) => b.events.length > 0);
    if (batches.length === 0) return 0n;
    const items = batches.map((b) => ({
      ...b,
      expectedVersion: plan.streams.get(b.streamId)?.length ?? 0,
    }));
    return this.db.transaction(async (sql) => {
      const positions = await appendBatch({ db: this.db, store: this.store }, sql, items);
      for (const d of plan.tables.filter((t) => t.events.length > 0)) {
        await upsertTargetList(sql, d.after, positions.get(targetStreamId(d.targetId)) as bigint);
      }
      await upsertUnits(sql, plan.units);
      return [...positions.values()].reduce((max, p) => (p > max ? p : max), 0n);
    });
  }
}

type Streams = Plan['streams'];

/** Each unit of the document as its stream says it is now (by unit code). */
function unitStatesOf(unitStreams: readonly string[], streams: Streams): Map<string, UnitState> {
  return new Map<string, UnitState>(
    unitStreams.map((s) => [
      s.slice('unit-'.length),
      (streams.get(s) ?? [])
        .map((e) => toDomainEvent<UnitEvent>(e))
        .reduce(evolveUnit, initialUnitState()),
    ]),
  );
}

/** What the document's 部门整体绩效目标 do to the department's goals stream; null when it has none. */
function goalsPlan(
  doc: ParsedDocument,
  at: { department: string; fiscalYear: number; streamId: string },
  streams: Streams,
  metadata: ReturnType<TargetStore['metadata']>,
): Plan['goals'] {
  if (!doc.departmentGoals) return null;
  const recorded =
    (streams.get(at.streamId) ?? []).map((e) => toDomainEvent<DepartmentGoalsRecorded>(e)).pop() ??
    null;
  const events = decideDepartmentGoals(
    doc.departmentGoals,
    at.department,
    at.fiscalYear,
    recorded,
    metadata,
  );
  return {
    streamId: at.streamId,
    departmentCode: at.department,
    areas: doc.departmentGoals.areas.length,
    events,
    ignored: !recordsDepartmentData(metadata),
  };
}

async function upsertUnits(sql: Sql, units: Map<string, UnitEvent[]>): Promise<void> {
  for (const events of units.values()) {
    for (const e of events) {
      await sql.query(
        `INSERT INTO units (code, name, department_code, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at`,
        [e.data.code, e.data.name, e.data.departmentCode, e.metadata.at],
      );
    }
  }
}

/** What a unit's import leaves alone, in words for the importer. */
function ignoredNotes(
  goals: boolean,
  renames: { code: string; name: string; documentName: string }[],
): string[] {
  const notes = goals
    ? ['部门整体绩效目标只在系统管理员导入时记录，本次导入未记录文件中的部门整体绩效目标']
    : [];
  for (const r of renames) {
    notes.push(
      `单位名称只在系统管理员导入时更改：单位 ${r.code} 仍名为“${r.name}”，文件中的“${r.documentName}”未记录`,
    );
  }
  return notes;
}

/** The report's line on the department's goals: recorded, unchanged, or ignored (a unit's import). */
function goalsReport(goals: Plan['goals']) {
  return (
    goals && {
      departmentCode: goals.departmentCode,
      areas: goals.areas,
      outcome: goals.ignored
        ? ('ignored' as const)
        : goals.events.length > 0
          ? ('recorded' as const)
          : ('unchanged' as const),
    }
  );
}

function report(doc: ParsedDocument, input: ImportInput, plan: Plan): ImportReport {
  const count = (o: string) => plan.tables.filter((t) => t.outcome === o).length;
  const totals = importTotals(doc.tables);
  return {
    fiscalYear: input.fiscalYear,
    dryRun: input.dryRun,
    created: count('created'),
    revised: count('revised'),
    unchanged: count('unchanged'),
    conflicts: plan.tables
      .filter((t) => t.outcome === 'conflict')
      .map((t) => ({ id: t.targetId, table: t.table.table, status: t.status })),
    targets: plan.tables.map((t) => ({
      id: t.targetId,
      table: t.table.table,
      name: t.table.content.projectName,
      budget: formatYuan(t.table.content.budget.total),
      outcome: t.outcome,
      status: t.after.status,
      problems: targetProblems(t.after),
    })),
    units: totals.units.map((u) => ({
      code: u.code,
      name: u.name,
      targets: u.targets,
      budget: formatYuan(u.budget),
    })),
    totalBudget: formatYuan(totals.total),
    departmentGoals: goalsReport(plan.goals),
    problems: doc.problems,
    warnings: [...documentYearWarnings(doc, input.fiscalYear), ...plan.notes],
  };
}
