// The one way the dashboard talks to epcfleetd: JSON in and out, the CSRF header on every
// unsafe request (the session rides in an HttpOnly cookie), and every failure turned into an
// ApiError carrying the server's {"error":{code,message,request_id}}.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  /** Seconds from a Retry-After header (429/503), when the server sent one. */
  readonly retryAfter: number | null;
  /** The answer's body as parsed JSON (null when it was not JSON), for errors that carry details. */
  readonly body: unknown;

  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | null = null,
    retryAfter: number | null = null,
    body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
    this.body = body;
  }

  get isForbidden(): boolean {
    return this.status === 403;
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

const CSRF_COOKIE = 'ef_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfInMemory: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfInMemory = token;
}

/** The token from the login answer, or after a reload the readable ef_csrf cookie. */
export function csrfToken(): string | null {
  return csrfInMemory ?? readCookie(CSRF_COOKIE);
}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return null;
}

/** Called when a request answers 401: the session has ended under us. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

type QueryValue = string | number | boolean | null | undefined;

/** An array repeats its parameter (`tag=a&tag=b`). */
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

/** `path?k=v&…`, leaving out empty values. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || v === null || v === '') continue;
      params.append(key, String(v));
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Do not treat a 401 as "session ended" (login and the initial session probe). */
  allowUnauthorized?: boolean;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: 'The server could not accept this request.',
  401: 'You are not signed in.',
  403: 'Your role in this tenant does not allow this.',
  404: 'Not found.',
  409: 'This conflicts with something that already exists.',
  413: 'The request is too large.',
  422: 'The server could not process what was sent.',
  429: 'Too many attempts. Wait a moment and try again.',
  500: 'The server hit an internal error.',
  502: 'The server is unreachable.',
  503: 'The server is temporarily unavailable.',
};

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** An ApiError from a failed answer's status, body text and headers (fetch and XHR alike). */
export function errorFromParts(
  status: number,
  bodyText: string,
  header: (name: string) => string | null,
): ApiError {
  let code = `http_${status}`;
  let message = '';
  let requestId = header('X-Request-Id');
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(bodyText);
    const body = parsed as {
      error?: { code?: unknown; message?: unknown; request_id?: unknown };
    };
    const err = body?.error;
    if (err) {
      if (typeof err.code === 'string' && err.code) code = err.code;
      if (typeof err.message === 'string') message = err.message;
      if (typeof err.request_id === 'string' && err.request_id) requestId = err.request_id;
    }
  } catch {
    // Not JSON (a proxy's error page, an empty body): keep the status-based message.
  }
  if (!message) {
    message = FALLBACK_MESSAGES[status] ?? `Request failed (HTTP ${status}).`;
  }
  return new ApiError(status, code, message, requestId, parseRetryAfter(header('Retry-After')), parsed);
}

async function errorFrom(response: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body could not be read; the status still says enough.
  }
  return errorFromParts(response.status, text, (name) => response.headers.get(name));
}

/** For requests made outside request() (uploads): a 401 means the session ended. */
export function reportUnauthorized(): void {
  unauthorizedHandler?.();
}

export const NETWORK_ERROR_MESSAGE = 'Cannot reach the epcfleet server. Check your connection.';

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: opts.signal };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (UNSAFE.has(method)) {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }

  let response: Response;
  try {
    response = await fetch(withQuery(path, opts.query), init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', NETWORK_ERROR_MESSAGE);
  }

  if (!response.ok) {
    const error = await errorFrom(response);
    if (error.status === 401 && !opts.allowUnauthorized) unauthorizedHandler?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'bad_response', 'The server sent an answer the dashboard cannot read.');
  }
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
    request<T>('PATCH', path, { ...opts, body }),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

/** A message for people: the server's text, plus the request id to quote to support. */
export function describeError(e: unknown): { message: string; requestId: string | null } {
  if (e instanceof ApiError) return { message: e.message, requestId: e.requestId };
  if (e instanceof Error) return { message: e.message, requestId: null };
  return { message: String(e), requestId: null };
}
