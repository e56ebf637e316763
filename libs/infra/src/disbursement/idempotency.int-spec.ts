import { DomainError, targetStreamId } from '@bp/domain';
import { callerOf, commandSide, CommandSide } from '../../../../test/support/command-side';
import {
  DisbursementInput,
  RecordDisbursementCommand,
  RecordDisbursementHandler,
} from './disbursement.commands';
import { bodyHash } from '../event-store/idempotency-keys';

const input = (amount: bigint, voucherNo = 'V-1'): DisbursementInput => ({
  amount,
  date: '2022-05-01',
  voucherNo,
  source: 'fiscal',
  note: '',
});
const body = (amount: bigint, voucherNo?: string) => ({
  ...input(amount, voucherNo),
  amount: amount.toString(),
});

describe('Idempotency-Key store (real PostgreSQL and Redis)', () => {
  let side: CommandSide;
  beforeAll(async () => {
    side = await commandSide('idempotency');
  });
  afterAll(() => side.close());

  /** One request as one API process would handle it: a handler of its own over its own cache. */
  const request = (targetId: string, amount: bigint, key?: string, voucherNo?: string) =>
    new RecordDisbursementHandler(side.process()).execute(
      new RecordDisbursementCommand(
        callerOf(),
        targetId,
        input(amount, voucherNo),
        bodyHash(body(amount, voucherNo)),
        key,
      ),
    );

  const recorded = async (targetId: string) =>
    (await side.store.readStream(targetStreamId(targetId))).filter(
      (e) => e.type === 'DisbursementRecorded',
    );

  it('the same key with the same body answers the first result and writes nothing more', async () => {
    const id = await side.approvedTarget();
    const first = await request(id, 100000n, 'k-1');
    const again = await request(id, 100000n, 'k-1');
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await recorded(id)).toHaveLength(1);
  });

  it('the same key with another body is a 422 IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const id = await side.approvedTarget();
    await request(id, 100000n, 'k-2');
    const refused = await request(id, 200000n, 'k-2').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'refused', code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await recorded(id)).map((e) => (e.data as { amount: string }).amount)).toEqual([
      '100000',
    ]);
  });

  it('another key is another payment, as is a request without a key', async () => {
    const id = await side.approvedTarget();
    await request(id, 100000n, 'k-a', 'V-1');
    await request(id, 100000n, 'k-b', 'V-2');
    await request(id, 100000n, undefined, 'V-3');
    expect(await recorded(id)).toHaveLength(3);
  });

  // the losers fail inside in several ways (the key's primary key, a version conflict, the
  // voucher now taken); the store turns each into the winner's answer, none reaches the client
  it('a race of eight retries with one key: one write, every answer the winner', async () => {
    const id = await side.approvedTarget();
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(id, 100000n, 'k-3')));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.answer.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.position)).size).toBe(1);
    expect(await recorded(id)).toHaveLength(1);
    const { rows } = await side.db.query(`SELECT key FROM idempotency_keys WHERE target_id = $1`, [
      id,
    ]);
    expect(rows).toEqual([{ key: 'k-3' }]);
  });
});
