import { canonicalJson, Refused } from '@bp/domain';
import { createHash } from 'crypto';
import { Database, Sql } from '../database/sql';

export interface Remembered<T> {
  readonly response: T;
  readonly position: bigint;
}

const hashOf = (body: unknown) => createHash('sha256').update(canonicalJson(body)).digest('hex');

/**
 * Retries with an Idempotency-Key: the same key with the same body answers the first result and
 * writes nothing; with another body it is a 422. The key is stored in the transaction of the
 * command's events, under a primary key, so two racing retries still apply once.
 */
export class Idempotency {
  constructor(private readonly db: Database) {}

  async once<T>(
    targetId: string,
    key: string | undefined,
    body: unknown,
    run: (
      remember: (sql: Sql, response: T, position: bigint) => Promise<void>,
    ) => Promise<Remembered<T>>,
  ): Promise<Remembered<T> & { replayed: boolean }> {
    if (!key) return { ...(await run(async () => undefined)), replayed: false };
    const hash = hashOf(body);
    const earlier = await this.find<T>(targetId, key, hash);
    if (earlier) return { ...earlier, replayed: true };
    const remember = async (sql: Sql, response: T, position: bigint) => {
      await sql.query(
        `INSERT INTO idempotency_keys (target_id, key, request_hash, response, position) VALUES ($1, $2, $3, $4, $5)`,
        [targetId, key, hash, JSON.stringify(response), position.toString()],
      );
    };
    try {
      return { ...(await run(remember)), replayed: false };
    } catch (e) {
      // a retry racing the first request loses in one of several ways (the key's primary key, a
      // version conflict, the voucher now taken): if the first one has committed, answer it
      // (a winner with another body is the 422 of a reused key, not the loser's own error)
      const raced = await this.find<T>(targetId, key, hash).catch((f: unknown) => {
        if (f instanceof Refused) throw f;
        return null;
      });
      if (raced) return { ...raced, replayed: true };
      throw e;
    }
  }

  private async find<T>(
    targetId: string,
    key: string,
    hash: string,
  ): Promise<Remembered<T> | null> {
    const { rows } = await this.db.query<{ request_hash: string; response: T; position: string }>(
      `SELECT request_hash, response, position FROM idempotency_keys WHERE target_id = $1 AND key = $2`,
      [targetId, key],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.request_hash !== hash) {
      throw new Refused(
        'IDEMPOTENCY_KEY_REUSED',
        '该 Idempotency-Key 已用于内容不同的另一次提交，请刷新后重新填写',
        { key },
      );
    }
    return { response: row.response, position: BigInt(row.position) };
  }
}
