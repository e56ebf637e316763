import { ledgerOf, TargetCommand, targetStreamId, VersionConflict } from '@bp/domain';
import { callerOf, commandSide, CommandSide } from '../../../../test/support/command-side';
import { TargetStore } from './target-store';

/**
 * The command cache: each process keeps the state it last wrote of a target. Two TargetStores
 * on one database are two API processes; the other one's append leaves this one's cache stale.
 */
describe('TargetStore command cache (real PostgreSQL and Redis)', () => {
  let side: CommandSide;
  beforeAll(async () => {
    side = await commandSide('command_cache');
  });
  afterAll(() => side.close());

  const record = (
    p: TargetStore,
    targetId: string,
    id: string,
    amount: bigint,
    version?: number,
  ) => {
    const caller = callerOf();
    const command = (): TargetCommand => ({
      type: 'RecordDisbursement',
      data: {
        targetId,
        disbursementId: id,
        amount,
        date: '2022-05-01',
        voucherNo: `V-${id}`,
        source: 'fiscal',
        note: '',
      },
      metadata: p.metadata(caller, 'preparer'),
    });
    return p.run(targetId, caller, command, { expectedVersion: version });
  };

  const reverse = (p: TargetStore, targetId: string, disbursementId: string, amount: bigint) => {
    const caller = callerOf();
    return p.run(targetId, caller, () => ({
      type: 'ReverseDisbursement',
      data: { targetId, disbursementId, reversalId: `${disbursementId}-r`, amount, reason: '退款' },
      metadata: p.metadata(caller, 'preparer'),
    }));
  };

  const versions = async (id: string) =>
    (await side.store.readStream(targetStreamId(id))).map((e) => [e.streamVersion, e.type]);

  it('a cache gone stale by another process: the conflict is retried on fresh state', async () => {
    const id = await side.approvedTarget();
    const a = side.process();
    const b = side.process();
    await record(a, id, 'd-1', 100n); // a caches version 6
    await record(b, id, 'd-2', 20n); // the stream is at 7; a does not know
    const out = await record(a, id, 'd-3', 3n);
    expect(out.state.version).toBe(8);
    expect(ledgerOf(out.state).disbursements.map((d) => d.id)).toEqual(['d-1', 'd-2', 'd-3']);
    expect(ledgerOf(out.state).netDisbursed).toBe(123n);
    expect((await versions(id)).slice(5)).toEqual([
      [6, 'DisbursementRecorded'],
      [7, 'DisbursementRecorded'],
      [8, 'DisbursementRecorded'],
    ]);
  });

  it('a refusal that comes of the stale cache is decided again on fresh state', async () => {
    const id = await side.approvedTarget();
    const a = side.process();
    const b = side.process();
    await record(a, id, 'd-1', 100n);
    await record(b, id, 'd-2', 50n);
    // a's cache has no d-2: on it the reversal is refused; on a fresh read it applies
    const out = await reverse(a, id, 'd-2', 50n);
    expect(ledgerOf(out.state).netDisbursed).toBe(100n);
    expect((await versions(id)).at(-1)).toEqual([8, 'DisbursementReversed']);
  });

  it('a pinned version that is current applies even when this process cached an older one', async () => {
    const id = await side.approvedTarget();
    const a = side.process();
    await record(a, id, 'd-1', 1n); // a caches version 6
    await record(side.process(), id, 'd-2', 2n); // the client reads version 7 elsewhere
    const out = await record(a, id, 'd-3', 4n, 7);
    expect(out.state.version).toBe(8);
    expect(ledgerOf(out.state).netDisbursed).toBe(7n);
  });

  it('a version the client pinned (If-Match) that is stale is a 409, never retried, nothing written', async () => {
    const id = await side.approvedTarget();
    const a = side.process();
    await record(side.process(), id, 'd-1', 100n); // version 6 by another process
    const refused = await record(a, id, 'd-2', 1n, 5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VersionConflict);
    expect(refused).toMatchObject({ details: { currentVersion: 6, expectedVersion: 5 } });
    expect(await versions(id)).toHaveLength(6);
  });
});
