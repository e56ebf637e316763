import { LoggerService } from '@nestjs/common';

const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
type Level = (typeof LEVELS)[number];

/**
 * Structured logs: one JSON object per line (time, level, context, msg, and the fields of an
 * object message such as requestId), for a log shipper to index. LOG_LEVEL is the most verbose
 * level written.
 */
export class JsonLogger implements LoggerService {
  private readonly max: number;

  constructor(
    level: string,
    private readonly out: (line: string) => void = (l) => process.stdout.write(l),
  ) {
    const i = LEVELS.indexOf(level as Level);
    this.max = i < 0 ? LEVELS.indexOf('log') : i;
  }

  private write(
    level: Level,
    message: unknown,
    context?: unknown,
    extra: Record<string, unknown> = {},
  ): void {
    if (LEVELS.indexOf(level) > this.max) return;
    const fields =
      typeof message === 'object' && message !== null && !(message instanceof Error)
        ? (message as Record<string, unknown>)
        : { msg: String(message) };
    const ctx = typeof context === 'string' ? { context } : {};
    this.out(
      `${JSON.stringify({ time: new Date().toISOString(), level, ...ctx, ...fields, ...extra })}\n`,
    );
  }

  log(message: unknown, context?: string): void {
    this.write('log', message, context);
  }

  error(message: unknown, stack?: string, context?: string): void {
    this.write('error', message, context, stack ? { stack } : {});
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('verbose', message, context);
  }
}
