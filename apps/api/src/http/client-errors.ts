import { Server, STATUS_CODES } from 'http';
import { Duplex } from 'stream';

/** Authorization headers longer than this are refused by the guard (ours are under 1 KB). */
export const MAX_AUTHORIZATION_LENGTH = 8192;

const MESSAGES: Record<number, { code: string; message: string }> = {
  431: {
    code: 'HEADERS_TOO_LARGE',
    message: '请求头过大（如登录令牌过长），请检查 Authorization 等请求头',
  },
  413: { code: 'PAYLOAD_TOO_LARGE', message: '请求内容过大' },
  408: { code: 'REQUEST_TIMEOUT', message: '请求超时，请重试' },
  400: { code: 'BAD_REQUEST', message: 'HTTP 请求格式不正确' },
};

/** The status Node itself would answer for a request its parser refused. */
function statusOf(err: NodeJS.ErrnoException): number {
  if (err.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 413;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * Node refuses a request whose headers exceed `maxHeaderSize` (16 KB) before Express sees it,
 * answering 431 with an empty body. With this listener the answer has the API's error shape,
 * like every other 4xx, and the connection is closed as Node would.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = statusOf(err);
    const body = JSON.stringify({ error: { ...MESSAGES[status], details: {} } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
