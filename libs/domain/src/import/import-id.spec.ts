import { seedText } from '../../../../test/support/seed';
import { Actor, CommandMetadata, fold } from '../shared/decider';
import { targetStreamDecider as targetDecider } from '../evaluation/target-stream';
import { TargetStreamEvent as TargetEvent } from '../evaluation/target-stream';
import { decideTableImport } from './import.decide';
import { parseTargetDocument } from './target-document.parse';

const admin: Actor = { id: 'admin1', name: '管理员', role: 'admin' };
const meta: CommandMetadata = { actor: admin, at: '2022-01-05T02:00:00.000Z', requestId: 'imp-1' };
const t1 = parseTargetDocument(seedText()).tables[0];
const run = (events: readonly TargetEvent[], importId?: string, table = t1) =>
  decideTableImport(table, 2022, fold(targetDecider, events), meta, importId);

describe('the import id of a run (issue 13: undo a wrong import)', () => {
  it('marks each target the run creates with its id', () => {
    const d = run([], 'run-1');
    expect(d.events[0]).toMatchObject({ type: 'TargetCreated', data: { importId: 'run-1' } });
    expect(d.after.importId).toBe('run-1');
  });

  it('leaves the id out without one (a dry run, or events before issue 13)', () => {
    const d = run([]);
    expect('importId' in d.events[0].data).toBe(false);
    expect(d.after.importId).toBeNull();
  });

  it('does not mark a target it only revises with its own id', () => {
    const first = run([], 'run-1').events;
    const changed = { ...t1, content: { ...t1.content, goals: '1.保障车辆工作' } };
    const d = run(first, 'run-2', changed);
    expect(d.outcome).toBe('revised');
    expect(d.events[0].data).not.toHaveProperty('importId');
    expect(d.after.importId).toBe('run-1');
  });

  it('reports a withdrawn target as a conflict, even with the same table: it stays withdrawn', () => {
    const first = [...run([], 'run-1').events];
    const withdrawn = targetDecider.decide(
      {
        type: 'WithdrawTarget',
        data: { targetId: run([]).targetId, reason: '年度有误', importId: 'run-1' },
        metadata: meta,
      },
      fold(targetDecider, first),
    );
    const d = run([...first, ...withdrawn], 'run-2');
    expect(d).toMatchObject({ outcome: 'conflict', status: 'withdrawn', events: [] });
  });
});
