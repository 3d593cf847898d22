// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, csrfToken, onUnauthorized, setCsrfToken, withQuery } from './api';

function respond(status: number, body?: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

describe('api', () => {
  const fetchMock = vi.fn<typeof fetch>();

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock);
    setCsrfToken(null);
    document.cookie = 'ef_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  });
  afterEach(() => {
    fetchMock.mockReset();
    onUnauthorized(null);
    vi.unstubAllGlobals();
  });

  it('sends JSON with the CSRF token on unsafe requests only', async () => {
    setCsrfToken('tok123');
    fetchMock.mockResolvedValue(respond(201, { ok: true }));
    await api.post('/api/v1/x', { a: 1 });
    const [, init] = fetchMock.mock.calls[0]!;
    const headers = init!.headers as Record<string, string>;
    expect(headers['X-CSRF-Token']).toBe('tok123');
    expect(headers['Content-Type']).toBe('application/json');
    expect(init!.body).toBe('{"a":1}');

    fetchMock.mockResolvedValue(respond(200, { items: [] }));
    await api.get('/api/v1/x');
    expect((fetchMock.mock.calls[1]![1]!.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
  });

  it('falls back to the ef_csrf cookie after a reload', () => {
    document.cookie = 'ef_csrf=from%20cookie; path=/';
    expect(csrfToken()).toBe('from cookie');
    setCsrfToken('mem');
    expect(csrfToken()).toBe('mem');
  });

  it('maps error bodies, request ids and Retry-After', async () => {
    fetchMock.mockResolvedValue(
      respond(429, { error: { code: 'rate_limited', message: 'slow down', request_id: 'req-9' } }, { 'Retry-After': '17' }),
    );
    const err = (await api.post('/api/v1/auth/login', {}).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(429);
    expect(err.code).toBe('rate_limited');
    expect(err.message).toBe('slow down');
    expect(err.requestId).toBe('req-9');
    expect(err.retryAfter).toBe(17);
  });

  it('gives a readable message when the body is not JSON', async () => {
    fetchMock.mockResolvedValue(new Response('<html>bad gateway</html>', { status: 502 }));
    const err = (await api.get('/api/v1/x').catch((e) => e)) as ApiError;
    expect(err.code).toBe('http_502');
    expect(err.message).toMatch(/unreachable/);
  });

  it('turns network failures into network_error', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const err = (await api.get('/api/v1/x').catch((e) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.code).toBe('network_error');
  });

  it('reports 401 as a lost session unless told otherwise', async () => {
    const lost = vi.fn();
    onUnauthorized(lost);
    fetchMock.mockResolvedValue(respond(401, { error: { code: 'unauthenticated' } }));
    await api.get('/api/v1/x').catch(() => {});
    expect(lost).toHaveBeenCalledTimes(1);
    fetchMock.mockResolvedValue(respond(401, { error: { code: 'invalid_credentials' } }));
    await api.post('/api/v1/auth/login', {}, { allowUnauthorized: true }).catch(() => {});
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('returns undefined for 204', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    expect(await api.del('/api/v1/x')).toBeUndefined();
  });

  it('builds query strings without empty values', () => {
    expect(withQuery('/a', { x: 'y z', empty: '', none: null, n: 5 })).toBe('/a?x=y+z&n=5');
    expect(withQuery('/a', {})).toBe('/a');
  });

  it('repeats a parameter for each value of an array, leaving out empty ones', () => {
    expect(withQuery('/a', { tag: ['site:north', '', null, 'rack:4'], n: 1 })).toBe('/a?tag=site%3Anorth&tag=rack%3A4&n=1');
    expect(withQuery('/a', { tag: [] })).toBe('/a');
  });

  it('keeps the parsed body of an error for the details it carries', async () => {
    const body = { error: { code: 'invalid_argument', message: 'import refused' }, errors: [{ line: 3, error: 'bad' }] };
    fetchMock.mockResolvedValue(respond(422, body));
    const err = (await api.post('/api/v1/x', {}).catch((e) => e)) as ApiError;
    expect(err.message).toBe('import refused');
    expect(err.body).toEqual(body);
    fetchMock.mockResolvedValue(respond(502, '<html>bad gateway</html>'));
    expect(((await api.get('/api/v1/x').catch((e) => e)) as ApiError).body).toBeNull();
  });
});
