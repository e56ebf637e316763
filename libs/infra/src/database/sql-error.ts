import { QueryFailedError } from 'typeorm';

/** SQLSTATE codes the service reacts to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/**
 * A statement PostgreSQL refused, or a connection lost while it ran: the one error shape
 * `Database` throws for a failed statement, so no caller unwraps a driver's or TypeORM's error.
 * `code` is the SQLSTATE (absent when the connection, not the server, failed); the message is
 * the server's.
 */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly code?: string;
  readonly constraint?: string;
  readonly detail?: string;
  readonly table?: string;
  readonly column?: string;

  constructor(
    message: string,
    fields: Omit<Partial<SqlError>, 'name' | 'message'>,
    cause?: unknown,
  ) {
    super(message, { cause });
    Object.assign(this, fields);
  }
}

type DriverFields = {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  table?: unknown;
  column?: unknown;
};

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A failed statement as a `SqlError`; any other error (say, no connection to be had) unchanged. */
export function toSqlError(e: unknown): unknown {
  if (!(e instanceof QueryFailedError)) return e;
  const d = (e.driverError ?? {}) as DriverFields;
  return new SqlError(
    e.message,
    {
      code: text(d.code),
      constraint: text(d.constraint),
      detail: text(d.detail),
      table: text(d.table),
      column: text(d.column),
    },
    e.driverError,
  );
}

/** Whether `e` is a unique violation (of `constraint`, when one is named). */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  return (
    e instanceof SqlError &&
    e.code === SQLSTATE.uniqueViolation &&
    (constraint === undefined || e.constraint === constraint)
  );
}
