import { seedText } from '../../../../test/support/seed';
import { Actor, CommandMetadata, fold } from '../shared/decider';
import { targetStreamDecider as targetDecider } from '../evaluation/target-stream';
import { TargetStreamEvent as TargetEvent } from '../evaluation/target-stream';
import { targetProblems } from '../performance-target/performance-target.state';
import { assertExists } from '../performance-target/target-phase';
import { initialUnitState, evolveUnit, decideUnit } from '../unit/unit';
import {
  decideDepartmentGoals,
  decideTableImport,
  decideUnitsOfImport,
  ignoredUnitRenames,
} from './import.decide';
import { parseTargetDocument } from './target-document.parse';

const admin: Actor = { id: 'admin1', name: '管理员', role: 'admin' };
const meta: CommandMetadata = { actor: admin, at: '2022-01-05T02:00:00.000Z', requestId: 'imp-1' };
const doc = parseTargetDocument(seedText());
const t1 = doc.tables[0];
const t36 = doc.tables[35];

const importOnce = (events: TargetEvent[], table = t1) =>
  decideTableImport(table, 2022, fold(targetDecider, events), meta);

describe('decideTableImport', () => {
  it('creates a draft for a new table, made by the importing user', () => {
    const d = importOnce([]);
    expect(d).toMatchObject({
      targetId: '2022-314001-13030322P00391410001H',
      outcome: 'created',
      status: 'none',
    });
    expect(d.events.map((e) => e.type)).toEqual(['TargetCreated']);
    expect(d.after).toMatchObject({ status: 'draft', createdBy: admin });
    expect(d.after.content).toEqual(t1.content);
  });

  it('changes nothing when the same table is imported again', () => {
    const created = [...importOnce([]).events];
    expect(importOnce(created)).toMatchObject({ outcome: 'unchanged', events: [] });
  });

  it('revises a draft whose table changed, recording only what changed', () => {
    const created = [...importOnce([]).events];
    const changed = { ...t1, content: { ...t1.content, goals: '1.保障车辆工作' } };
    const d = importOnce(created, changed);
    expect(d.outcome).toBe('revised');
    expect(d.events[0]).toMatchObject({
      type: 'TargetRevised',
      data: { changes: { goals: '1.保障车辆工作' }, source: 'import', importProblems: [] },
    });
  });

  it('reports a changed table of a target past draft as a conflict and leaves it alone', () => {
    const reviewer = (id: string, role: Actor['role']): CommandMetadata => ({
      ...meta,
      actor: { id, name: id, role },
    });
    let events: TargetEvent[] = [...importOnce([]).events];
    const run = (cmd: Parameters<typeof targetDecider.decide>[0]) => {
      events = [...events, ...targetDecider.decide(cmd, fold(targetDecider, events))];
    };
    run({ type: 'SubmitTarget', data: { targetId: importOnce([]).targetId }, metadata: meta });
    run({
      type: 'ReviewTarget',
      data: { targetId: '', grade: '优', opinion: '' },
      metadata: reviewer('d1', 'department_reviewer'),
    });
    const changed = { ...t1, content: { ...t1.content, goals: 'x' } };
    expect(importOnce(events, changed)).toMatchObject({
      outcome: 'conflict',
      status: 'department_approved',
      events: [],
    });
    expect(importOnce(events)).toMatchObject({
      outcome: 'unchanged',
      status: 'department_approved',
    });
  });

  it('keeps the problems of a cut-off table on the draft until its indicators are revised', () => {
    const created = [...importOnce([], t36).events];
    const state = assertExists(fold(targetDecider, created));
    expect(targetProblems(state)).toEqual(['第9个指标不完整：表格在它的单元格写完之前就结束了']);
    expect(() =>
      targetDecider.decide(
        { type: 'SubmitTarget', data: { targetId: state.id }, metadata: meta },
        state,
      ),
    ).toThrow('还有问题需要修改');
    const fixed = t36.content.indicators.map((i, n) =>
      n === 8 ? { ...i, basis: '年度工作计划' } : i,
    );
    const revised = targetDecider.decide(
      {
        type: 'ReviseTarget',
        data: { targetId: state.id, changes: { indicators: fixed }, source: 'api' },
        metadata: meta,
      },
      state,
    );
    expect(targetProblems(fold(targetDecider, [...created, ...revised]))).toEqual([]);
  });
});

describe('units and department goals of an import', () => {
  it('records a unit once, and again only when renamed', () => {
    const cmd = {
      type: 'RecordUnit' as const,
      data: { code: '314004', name: '特困人口集中供养中心' },
      metadata: meta,
    };
    const [recorded] = decideUnit(cmd, initialUnitState());
    expect(recorded.data).toEqual({
      code: '314004',
      name: '特困人口集中供养中心',
      departmentCode: '314',
    });
    const state = evolveUnit(initialUnitState(), recorded);
    expect(decideUnit(cmd, state)).toEqual([]);
    expect(decideUnit({ ...cmd, data: { ...cmd.data, name: '新名称' } }, state)).toHaveLength(1);
  });

  it('records the department goals once per year', () => {
    const [recorded] = decideDepartmentGoals(doc.departmentGoals!, '314', 2022, null, meta);
    expect(recorded.data.areas).toHaveLength(6);
    expect(decideDepartmentGoals(doc.departmentGoals!, '314', 2022, recorded, meta)).toEqual([]);
  });

  it('a unit’s import records neither the department goals nor a new name of a known unit', () => {
    const unitMeta: CommandMetadata = {
      ...meta,
      actor: { id: 'p1', name: '填报人', role: 'preparer', unit: '314001' },
    };
    expect(decideDepartmentGoals(doc.departmentGoals!, '314', 2022, null, unitMeta)).toEqual([]);
    const known = new Map(
      [...new Set(doc.tables.map((t) => t.unitCode))].map((code) => [
        code,
        { ...initialUnitState(), code, name: '旧名称', departmentCode: '314' },
      ]),
    );
    const units = decideUnitsOfImport(doc, known, unitMeta);
    expect([...units.values()].flat()).toEqual([]);
    expect(ignoredUnitRenames(doc, known, unitMeta).map((r) => r.name)).toContain('旧名称');
    expect(ignoredUnitRenames(doc, known, meta)).toEqual([]);
    expect([...decideUnitsOfImport(doc, known, meta).values()].flat().length).toBeGreaterThan(0);
  });
});
