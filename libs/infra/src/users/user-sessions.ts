import { Unauthenticated } from '@bp/domain';
import { Database } from '../database/sql';

/** How long a process trusts what it read of a user (a disable takes effect within this). */
const FRESH_MS = 5_000;

interface Known {
  readonly version: number | null; // null: no such user, or disabled
  readonly readAt: number;
}

/**
 * Tokens from `POST /auth/login` carry `sv`, the user's version (`users.updated_at` in ms) when
 * they were issued. Any change by the admin (roles, scope, password, disabling) moves the
 * version on, so older tokens stop working; CLI tokens for scripts carry none and are not
 * checked. What a process read of a user is kept for 5 s.
 */
export class UserSessions {
  private readonly known = new Map<string, Known>();
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** After a change of the user in this process: read it again on its next request. */
  forget(userId: string): void {
    this.known.delete(userId);
  }

  async check(userId: string, version: number): Promise<void> {
    let k = this.known.get(userId);
    if (!k || this.now() - k.readAt > FRESH_MS) {
      const { rows } = await this.db.query<{ v: string; disabled: boolean }>(
        `SELECT (extract(epoch FROM updated_at) * 1000)::bigint::text AS v, disabled FROM users WHERE id = $1`,
        [userId],
      );
      const row = rows[0];
      k = { version: row && !row.disabled ? Number(row.v) : null, readAt: this.now() };
      this.known.set(userId, k);
      if (this.known.size > 10_000) this.known.delete(this.known.keys().next().value!);
    }
    if (k.version === null || k.version !== version) {
      throw new Unauthenticated('TOKEN_REVOKED', '登录已失效：账号已被停用或修改，请重新登录', {});
    }
  }
}
