import type { User } from './types';

/** An error answered by the API (`{"error": {code, message, details}}`) or by the network. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The field the API names as the cause, if any. */
  get field(): string | undefined {
    const f = this.details.field;
    return typeof f === 'string' ? f : undefined;
  }
}

const TOKEN_KEY = 'bp.token';
const USER_KEY = 'bp.user';

/** The session lives in sessionStorage: it ends with the tab, and is not shared between tabs. */
export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  user(): User | null {
    const raw = sessionStorage.getItem(USER_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as User;
    } catch {
      return null;
    }
  },
  save(token: string, user: User): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  saveUser(user: User): void {
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
};

let unauthorized: () => void = () => undefined;

/** What happens on a 401 outside the sign-in form: the app signs out and shows the sign-in page. */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  readonly method?: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** A 401 is the caller's own business (the sign-in form), not "session expired". */
  readonly anonymous?: boolean;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const token = session.token();
  if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || options.body instanceof Blob) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
    });
  } catch {
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  if (res.ok) return res;
  throw await errorOf(res, options);
}

async function errorOf(res: Response, options: RequestOptions): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText;
  let details: Record<string, unknown> = {};
  try {
    const json = (await res.json()) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    if (json.error) {
      code = json.error.code ?? code;
      message = json.error.message ?? message;
      details = json.error.details ?? {};
    }
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401 && !options.anonymous) unauthorized();
  return new ApiError(res.status, code, message, details);
}

/** A JSON request to the API. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * Downloads a file the API answers (with the bearer token, so not a plain link): the answer
 * becomes a Blob and an `<a download>` is clicked, which the browser treats as a download.
 */
export async function download(
  path: string,
  name: string,
  options: { query?: Query; serverName?: boolean } = {},
): Promise<void> {
  const { query, serverName = true } = options;
  const res = await send(withQuery(path, query), {
    headers: { Accept: 'application/octet-stream, text/csv, */*' },
  });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = (serverName && fileNameOf(res.headers.get('Content-Disposition'))) || name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `filename*=UTF-8''…` first (Chinese names), then `filename="…"`. */
function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : undefined;
}
