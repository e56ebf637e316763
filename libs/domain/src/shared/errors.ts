/**
 * The one error hierarchy of the service. Each class stands for one HTTP status (mapped by the
 * API's exception filter); `code` is stable and part of the contract; `details` says which
 * field or state caused it.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'illegal_state'
  | 'conflict'
  | 'refused'
  | 'throttled'
  | 'too_large'
  | 'unsupported';

/** 400: the input is malformed or invalid; `details.field` names the field. */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid' as const;
  constructor(code: string, message: string, field: string, details: Record<string, unknown> = {}) {
    super(code, message, { field, ...details });
  }
}

/** 401: the credentials do not identify an active user (one answer for every reason). */
export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated' as const;
}

/** 403: the actor's role may not do this. */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** 404: does not exist, or is outside the caller's scope (never confirm existence). */
export class NotFound extends DomainError {
  readonly kind = 'not_found' as const;
}

/** 409: the command does not fit the state the aggregate is in. */
export class IllegalState extends DomainError {
  readonly kind = 'illegal_state' as const;
  constructor(
    code: string,
    message: string,
    status: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { status, ...details });
  }
}

/** 409: optimistic concurrency; the stream moved on since the caller read it. */
export class VersionConflict extends DomainError {
  readonly kind = 'conflict' as const;
}

/** 422: a business rule refuses the command (segregation of duties, over budget...). */
export class Refused extends DomainError {
  readonly kind = 'refused' as const;
}

/** 429: too many attempts in a window (sign-in); `details.retryAfterSeconds` says how long. */
export class Throttled extends DomainError {
  readonly kind = 'throttled' as const;
}

/** 413: the input is larger than the service reads (a document that inflates past its cap). */
export class PayloadTooLarge extends DomainError {
  readonly kind = 'too_large' as const;
}

/** 415: a kind of document that cannot be read here; the message says what to save it as. */
export class UnsupportedDocument extends DomainError {
  readonly kind = 'unsupported' as const;
}
