import { canonicalJson, Refused } from '@bp/domain';
import { createHash } from 'crypto';
import { Database, Sql } from '../database/sql';

export interface Remembered<T> {
  readonly response: T;
  readonly position: bigint;
}

/** What a command carries of its request body: its SHA-256 over the canonical JSON. */
export const bodyHash = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body)).digest('hex');

/**
 * The store of Idempotency-Keys (`idempotency_keys`): the same key with the same body answers
 * the first result; with another body it is a 422. `handleOnce` (handle.ts) is the flow.
 */
export class IdempotencyKeys {
  constructor(private readonly db: Database) {}

  /** The first answer under the key, if any; a 422 when it was stored for another body. */
  async find<T>(scope: string, key: string, hash: string): Promise<Remembered<T> | null> {
    const { rows } = await this.db.query<{ request_hash: string; response: T; position: string }>(
      `SELECT request_hash, response, position FROM idempotency_keys WHERE target_id = $1 AND key = $2`,
      [scope, key],
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

  /**
   * After a failed run: a retry racing the first request loses in one of several ways (the key's
   * primary key, a version conflict, the voucher now taken); if the first one has committed,
   * its answer (a winner with another body is the 422 of a reused key, not the loser's error).
   */
  async afterRace<T>(scope: string, key: string, hash: string): Promise<Remembered<T> | null> {
    return this.find<T>(scope, key, hash).catch((f: unknown) => {
      if (f instanceof Refused) throw f;
      return null;
    });
  }

  /** Stores the answer under the key, in the transaction of the command's events. */
  async remember(
    sql: Sql,
    at: { scope: string; key?: string; bodyHash: string },
    response: unknown,
    position: bigint,
  ): Promise<void> {
    await sql.query(
      `INSERT INTO idempotency_keys (target_id, key, request_hash, response, position) VALUES ($1, $2, $3, $4, $5)`,
      [at.scope, at.key, at.bodyHash, JSON.stringify(response), position.toString()],
    );
  }
}
