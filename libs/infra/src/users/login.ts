import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { Principal, Role, Throttled, Unauthenticated } from '@bp/domain';
import { Database } from '../database/sql';
import { Clock, CLOCK } from '../shared/clock';
import { verifyPassword } from './password';

/** Failed sign-ins allowed per username in a window; the next one is a 429 until it ends. */
export const MAX_FAILED_LOGINS = 5;
export const LOGIN_WINDOW_MINUTES = 15;

export class LoginCommand extends Command<{ user: Principal; sessionVersion: number }> {
  constructor(
    readonly username: string,
    readonly password: string,
  ) {
    super();
  }
}

interface CredentialRow {
  id: string;
  name: string;
  roles: Role[];
  unit_code: string | null;
  department_code: string | null;
  password_hash: string;
  disabled: boolean;
  /** The user's version, `updated_at` in ms: the token's `sv` claim (see UserSessions). */
  sv: string;
}

const invalid = () => new Unauthenticated('INVALID_CREDENTIALS', '用户名或密码错误');

/**
 * POST /auth/login. Every attempt first takes one of the username's failures in the window
 * (one conditional upsert, so racing requests cannot check more than five passwords); a
 * success gives it back by clearing the row. Once five are taken, the answer is 429 and nothing
 * is written. Unknown user, wrong password and disabled user are one 401, after the same
 * bcrypt work. Failures are not events; a success sets `users.last_login_at`.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    username,
    password,
  }: LoginCommand): Promise<{ user: Principal; sessionVersion: number }> {
    const id = username.trim().toLowerCase();
    const now = this.clock.now();
    await this.takeAttempt(id, now);
    const { rows } = await this.db.query<CredentialRow>(
      `SELECT id, name, roles, unit_code, department_code, password_hash, disabled,
              (extract(epoch FROM updated_at) * 1000)::bigint::text AS sv
         FROM users WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    const ok = await verifyPassword(password, row?.password_hash ?? null);
    if (!ok || !row || row.disabled) throw invalid();
    await this.db.transaction(async (sql) => {
      await sql.query(`DELETE FROM login_throttle WHERE username = $1`, [id]);
      await sql.query(`UPDATE users SET last_login_at = $2 WHERE id = $1`, [id, now]);
    });
    return {
      user: {
        id: row.id,
        name: row.name,
        roles: row.roles,
        unit: row.unit_code ?? undefined,
        department: row.department_code ?? undefined,
      },
      sessionVersion: Number(row.sv),
    };
  }

  /** Counts this attempt as a failure until it succeeds; a 429 when the window is full. */
  private async takeAttempt(id: string, now: Date): Promise<void> {
    const expired = `t.window_start <= $2::timestamptz - make_interval(mins => $4)`;
    const { rows } = await this.db.query(
      `INSERT INTO login_throttle AS t (username, failures, window_start) VALUES ($1, 1, $2)
       ON CONFLICT (username) DO UPDATE SET
         failures = CASE WHEN ${expired} THEN 1 ELSE t.failures + 1 END,
         window_start = CASE WHEN ${expired} THEN EXCLUDED.window_start ELSE t.window_start END
       WHERE t.failures < $3 OR ${expired}
       RETURNING failures`,
      [id, now, MAX_FAILED_LOGINS, LOGIN_WINDOW_MINUTES],
    );
    if (rows.length > 0) return;
    const { rows: held } = await this.db.query<{ until: Date }>(
      `SELECT window_start + make_interval(mins => $2) AS until FROM login_throttle WHERE username = $1`,
      [id, LOGIN_WINDOW_MINUTES],
    );
    const until = held[0]?.until ?? now;
    const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    throw new Throttled(
      'TOO_MANY_ATTEMPTS',
      `登录失败次数过多，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`,
      { retryAfterSeconds },
    );
  }
}
