import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

interface FieldError {
  readonly field: string;
  readonly reasons: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, reasons: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates every body and query against its DTO: unknown fields are refused, nothing is
 * coerced, and the 400 names each field and why.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const first = fields[0];
      return new BadRequestException({
        error: {
          code: 'VALIDATION_FAILED',
          message: first ? `${first.field}: ${first.reasons.join('; ')}` : 'the input is invalid',
          details: { field: first?.field, fields },
        },
      });
    },
  });
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A JSON reviver for the body parser: keys that could pollute prototypes are refused. */
export function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) {
    throw Object.assign(new Error(`the key "${key}" is not allowed`), {
      type: 'forbidden.key',
      status: 400,
    });
  }
  return value;
}
