import { Principal, Unauthenticated } from '@bp/domain';
import { Database } from '../database/sql';

/** How long a process trusts what it read of a user: a revoked token acts at most this long. */
export const USER_FRESH_MS = 5_000;

interface UserNow {
  readonly version: number; // users.updated_at in ms
  readonly disabled: boolean;
  readonly roles: readonly string[];
  readonly unit: string | null;
  readonly department: string | null;
}

interface Known {
  readonly user: UserNow | null; // null: no such user
  readonly readAt: number;
}

const revoked = () =>
  new Unauthenticated('TOKEN_REVOKED', '登录已失效：账号已被停用或修改，请重新登录', {});

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Whether a token of `principal` (with `sv` = version, if any) is one of `user` as it is. */
function fits(user: UserNow | null, principal: Principal, version?: number): boolean {
  if (!user) return version === undefined; // no such user: only sign-in tokens name one
  return (
    !user.disabled &&
    (version === undefined || version === user.version) &&
    sameRoles(user.roles, principal.roles) &&
    user.unit === (principal.unit ?? null) &&
    user.department === (principal.department ?? null)
  );
}

/**
 * Every token whose `sub` is a user (people and the service accounts `cli token` makes) is
 * checked against that user on each request: disabled, or roles, unit or department other than
 * the token says, is a 401 TOKEN_REVOKED. Tokens from `POST /auth/login` also carry `sv`, the
 * user's version when they were issued, so any change (a new password too) ends them. A token
 * whose `sub` is no user at all was signed by whoever holds the secret, and is taken as it says.
 * What a process read of a user is kept for 5 s (the process that changes a user forgets it), so
 * a revoked token may act for up to 5 s on another API process; a token that does not fit what
 * was kept is checked against a fresh read before it is refused.
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

  /** Refuses the token of `principal` (with `sv` if it has one) when its user says otherwise. */
  async check(principal: Principal, version?: number): Promise<void> {
    if (fits(await this.read(principal.id), principal, version)) return;
    // what was kept may be older than the token (another process changed the user): ask again
    if (!fits(await this.read(principal.id, true), principal, version)) throw revoked();
  }

  private async read(userId: string, fresh = false): Promise<UserNow | null> {
    const k = this.known.get(userId);
    if (!fresh && k && this.now() - k.readAt <= USER_FRESH_MS) return k.user;
    const { rows } = await this.db.query<{
      v: string;
      disabled: boolean;
      roles: string[];
      unit_code: string | null;
      department_code: string | null;
    }>(
      `SELECT (extract(epoch FROM updated_at) * 1000)::bigint::text AS v, disabled, roles,
              unit_code, department_code
         FROM users WHERE id = $1`,
      [userId],
    );
    const r = rows[0];
    const user = r
      ? {
          version: Number(r.v),
          disabled: r.disabled,
          roles: r.roles,
          unit: r.unit_code,
          department: r.department_code,
        }
      : null;
    this.known.set(userId, { user, readAt: this.now() });
    if (this.known.size > 10_000) this.known.delete(this.known.keys().next().value!);
    return user;
  }
}
