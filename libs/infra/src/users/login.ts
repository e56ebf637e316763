import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { Principal, Role, Throttled, Unauthenticated } from '@bp/domain';
import { Database, Sql } from '../database/sql';
import { Clock, CLOCK } from '../shared/clock';
import { verifyPassword } from './password';

/**
 * Failed sign-ins allowed in a window of LOGIN_WINDOW_MINUTES: per (username, address), the
 * next one from that address is a 429 until the window ends; per address, across usernames.
 * Per username from anywhere there is no lock-out (that would let anyone lock out anyone):
 * past USER_DELAY_AFTER failures each attempt waits, doubling up to USER_MAX_DELAY_MS.
 */
export const MAX_FAILED_LOGINS = 5;
export const MAX_FAILED_LOGINS_PER_ADDRESS = 30;
export const USER_DELAY_AFTER = 10;
export const USER_MAX_DELAY_MS = 8_000;
export const LOGIN_WINDOW_MINUTES = 15;

export class LoginCommand extends Command<{ user: Principal; sessionVersion: number }> {
  constructor(
    readonly username: string,
    readonly password: string,
    /** The client's address (Express `req.ip`, see TRUST_PROXY). */
    readonly ip: string = 'unknown',
  ) {
    super();
  }
}

/** One name however it is typed: fullwidth letters (NFKC), case and spaces do not matter. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** How long an attempt waits once the username failed `failures` times from anywhere. */
export function userDelayMs(failures: number): number {
  if (failures <= USER_DELAY_AFTER) return 0;
  return Math.min(USER_MAX_DELAY_MS, 250 * 2 ** (failures - USER_DELAY_AFTER - 1));
}

interface CredentialRow {
  id: string;
  name: string;
  roles: Role[];
  unit_code: string | null;
  department_code: string | null;
  password_hash: string;
  disabled: boolean;
  service: boolean;
  /** The user's version, `updated_at` in ms: the token's `sv` claim (see UserSessions). */
  sv: string;
}

const invalid = () => new Unauthenticated('INVALID_CREDENTIALS', '用户名或密码错误');

/**
 * POST /auth/login. Every attempt first takes one failure of its (username, address) pair, of
 * its address and of its username, in one transaction with conditional upserts (racing
 * requests cannot check more passwords than allowed); a success gives them back. A full pair
 * or address is a 429 and writes nothing; a username failing from everywhere only slows down.
 * Unknown user, wrong password, service account and disabled user are one 401, after the same
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
    ip,
  }: LoginCommand): Promise<{ user: Principal; sessionVersion: number }> {
    const id = normalizeUsername(username);
    const keys = { pair: `pair:${id}|${ip}`, address: `ip:${ip}`, user: `user:${id}` };
    const failures = await this.takeAttempt(keys, this.clock.now());
    const delay = userDelayMs(failures);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const { rows } = await this.db.query<CredentialRow>(
      `SELECT id, name, roles, unit_code, department_code, password_hash, disabled, service,
              (extract(epoch FROM updated_at) * 1000)::bigint::text AS sv
         FROM users WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    const ok = await verifyPassword(password, row?.password_hash ?? null);
    if (!ok || !row || row.disabled || row.service) throw invalid();
    await this.giveBack(keys, id, this.clock.now());
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

  /** A success: the pair and the username start afresh; the address gets its attempt back. */
  private async giveBack(keys: Keys, id: string, now: Date): Promise<void> {
    await this.db.transaction(async (sql) => {
      await sql.query(`DELETE FROM login_throttle WHERE key = ANY($1::text[])`, [
        [keys.pair, keys.user],
      ]);
      await sql.query(
        `UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1`,
        [keys.address],
      );
      await sql.query(`UPDATE users SET last_login_at = $2 WHERE id = $1`, [id, now]);
    });
  }

  /** Counts this attempt as a failure until it succeeds: the username's count from anywhere. */
  private takeAttempt(keys: Keys, now: Date): Promise<number> {
    return this.db.transaction(async (sql) => {
      for (const [key, limit] of [
        [keys.pair, MAX_FAILED_LOGINS],
        [keys.address, MAX_FAILED_LOGINS_PER_ADDRESS],
      ] as const) {
        if ((await take(sql, key, limit, now)) === null) await refuse(sql, key, now);
      }
      return (await take(sql, keys.user, 2 ** 31 - 1, now)) ?? 0;
    });
  }
}

interface Keys {
  readonly pair: string;
  readonly address: string;
  readonly user: string;
}

/** One more failure under `key`, a fresh window once the last ended; null when it is full. */
async function take(sql: Sql, key: string, limit: number, now: Date): Promise<number | null> {
  const expired = `t.window_start <= $2::timestamptz - make_interval(mins => $4)`;
  const { rows } = await sql.query<{ failures: number }>(
    `INSERT INTO login_throttle AS t (key, failures, window_start) VALUES ($1, 1, $2)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN ${expired} THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN ${expired} THEN EXCLUDED.window_start ELSE t.window_start END
     WHERE t.failures < $3 OR ${expired}
     RETURNING failures`,
    [key, now, limit, LOGIN_WINDOW_MINUTES],
  );
  return rows[0]?.failures ?? null;
}

/** The 429 of a full key, with the seconds until its window ends (the transaction rolls back). */
async function refuse(sql: Sql, key: string, now: Date): Promise<never> {
  const { rows } = await sql.query<{ until: Date }>(
    `SELECT window_start + make_interval(mins => $2) AS until FROM login_throttle WHERE key = $1`,
    [key, LOGIN_WINDOW_MINUTES],
  );
  const until = rows[0]?.until ?? now;
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  throw new Throttled(
    'TOO_MANY_ATTEMPTS',
    `登录失败次数过多，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`,
    { retryAfterSeconds },
  );
}
