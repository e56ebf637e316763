import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError } from '@bp/domain';
import { Response } from 'express';

const STATUS_OF: Record<DomainError['kind'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  illegal_state: 409,
  conflict: 409,
  refused: 422,
  throttled: 429,
  too_large: 413,
  unsupported: 415,
};

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details: Record<string, unknown>;
  };
}

const body = (code: string, message: string, details: Record<string, unknown> = {}): ErrorBody => ({
  error: { code, message, details },
});

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  428: 'PRECONDITION_REQUIRED',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** What a status means, in Chinese, where no message of ours exists (Nest's and express's own are English). */
const HTTP_MESSAGES: Record<number, string> = {
  400: '请求无效',
  401: '请先登录',
  403: '您的角色无权执行此操作',
  404: '未找到',
  405: '不支持该请求方法',
  409: '当前状态不允许此操作',
  413: '提交的内容过大',
  415: '不支持的内容类型：请将文件另存为 .docx 后上传',
  422: '业务规则不允许此操作',
  428: '缺少必需的请求头',
  429: '请求过于频繁，请稍后再试',
  503: '服务暂不可用，请稍后重试',
};

/** Nest's 404 for an unknown route says "Cannot GET /path": the route, in Chinese. */
function httpMessage(status: number, english: string): string {
  const route = /^Cannot ([A-Z]+) (.*)$/.exec(english);
  if (status === 404 && route) return `接口不存在：${route[1]} ${route[2]}`;
  return HTTP_MESSAGES[status] ?? `请求失败（HTTP ${status}）`;
}

/** Errors of the body parser (express) carry `type` and `status`. */
interface ParserError {
  readonly type?: string;
  readonly status?: number;
  readonly message: string;
  readonly limit?: number;
}

const DEPENDENCY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

function isDependencyDown(e: unknown): boolean {
  // a failed statement is a SqlError with the SQLSTATE as its code; a lost socket has its errno
  const err = e as { code?: string; message?: string };
  const code = err?.code;
  return (
    (code !== undefined && DEPENDENCY_CODES.has(code)) ||
    // the last three are ioredis failing fast (the API's producer connection) while Redis is down
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Connection is closed|enableOfflineQueue options is false|Reached the max retries per request|Cluster isn't ready/i.test(
      err?.message ?? '',
    )
  );
}

/** Maps every error to the API's one shape: {"error": {code, message, details}}. */
export function toErrorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof DomainError)
    return { status: STATUS_OF[e.kind], body: body(e.code, e.message, e.details) };
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const res = e.getResponse();
    if (
      typeof res === 'object' &&
      res !== null &&
      'error' in res &&
      typeof (res as ErrorBody).error === 'object'
    ) {
      return { status, body: res as ErrorBody };
    }
    return {
      status,
      body: body(HTTP_CODES[status] ?? `HTTP_${status}`, httpMessage(status, e.message)),
    };
  }
  const pe = e as ParserError;
  if (pe?.type === 'entity.too.large')
    return {
      status: 413,
      body: body(
        'PAYLOAD_TOO_LARGE',
        pe.limit ? `请求内容过大：上限 ${pe.limit} 字节` : '请求内容过大',
        pe.limit ? { limit: pe.limit } : {},
      ),
    };
  if (pe?.type === 'entity.parse.failed')
    return {
      status: 400,
      // the reviver's own refusal (a prototype key) is Chinese already; JSON.parse's is English
      body: body(
        'MALFORMED_JSON',
        /[\u4e00-\u9fff]/.test(pe.message)
          ? `请求体被拒绝：${pe.message}`
          : '请求体不是有效的 JSON，请检查括号、引号和逗号',
      ),
    };
  if (pe?.type === 'forbidden.key') return { status: 400, body: body('FORBIDDEN_KEY', pe.message) };
  if (typeof pe?.status === 'number' && pe.status >= 400 && pe.status < 500 && pe.type) {
    return {
      status: pe.status,
      body: body(HTTP_CODES[pe.status] ?? `HTTP_${pe.status}`, httpMessage(pe.status, pe.message)),
    };
  }
  if (isDependencyDown(e)) {
    return {
      status: 503,
      body: body(
        'DEPENDENCY_DOWN',
        '服务暂不可用：数据库（PostgreSQL）或 Redis 无法连接，请稍后重试',
      ),
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: body('INTERNAL', '服务内部错误，请稍后重试；如持续出现请联系系统管理员'),
  };
}

/**
 * Express error middleware placed right after the body parser: its errors (malformed JSON,
 * too large) are answered here in our shape, before Nest turns them into generic 400s.
 */
export function bodyErrors(
  err: unknown,
  _req: unknown,
  res: Response,
  next: (e: unknown) => void,
): void {
  if (!(err as ParserError)?.type) return next(err);
  const { status, body: payload } = toErrorResponse(err);
  res.status(status).json(payload);
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body: payload } = toErrorResponse(exception);
    if (status >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(status).json(payload);
  }
}
