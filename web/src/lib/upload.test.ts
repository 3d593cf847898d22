import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, onUnauthorized, setCsrfToken } from './api';
import { isAbort, uploadFile, type XhrLike } from './upload';

class FakeXhr implements XhrLike {
  upload: { onprogress: ((ev: ProgressEvent) => void) | null } = { onprogress: null };
  onload: ((ev: ProgressEvent) => void) | null = null;
  onerror: ((ev: ProgressEvent) => void) | null = null;
  onabort: ((ev: ProgressEvent) => void) | null = null;
  status = 0;
  responseText = '';
  method = '';
  url = '';
  headers: Record<string, string> = {};
  responseHeaders: Record<string, string> = {};
  sent: Blob | null = null;
  aborted = false;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name] ?? null;
  }
  send(body: Blob) {
    this.sent = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.({} as ProgressEvent);
  }
  progress(loaded: number, total: number, lengthComputable = true) {
    this.upload.onprogress?.({ loaded, total, lengthComputable } as ProgressEvent);
  }
  answer(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.responseHeaders = headers;
    this.onload?.({} as ProgressEvent);
  }
}

const file = new Blob(['!<arch>\n'], { type: '' });
const opts = { contentType: 'application/vnd.debian.binary-package' };

describe('uploadFile', () => {
  afterEach(() => {
    setCsrfToken(null);
    onUnauthorized(null);
  });

  it('POSTs the raw file with its content type and the CSRF token, reporting progress', async () => {
    setCsrfToken('csrf-1');
    const xhr = new FakeXhr();
    const seen: unknown[] = [];
    const p = uploadFile('/api/v1/x?component=main', file, { ...opts, onprogress: (e) => seen.push(e) }, () => xhr);
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/x?component=main');
    expect(xhr.headers['Content-Type']).toBe('application/vnd.debian.binary-package');
    expect(xhr.headers['X-CSRF-Token']).toBe('csrf-1');
    expect(xhr.sent).toBe(file);
    xhr.progress(4, 8);
    xhr.progress(5, 0, false);
    xhr.answer(201, { name: 'a' });
    await expect(p).resolves.toEqual({ status: 201, body: { name: 'a' } });
    expect(seen).toEqual([
      { loaded: 4, total: 8 },
      { loaded: 5, total: null },
    ]);
  });

  it('keeps the 200 of an identical re-upload apart from 201', async () => {
    const xhr = new FakeXhr();
    const p = uploadFile('/u', file, opts, () => xhr);
    xhr.answer(200, { name: 'a' });
    expect((await p).status).toBe(200);
  });

  it('turns error answers into ApiError with the server message', async () => {
    const xhr = new FakeXhr();
    const p = uploadFile('/u', file, opts, () => xhr);
    xhr.answer(409, { error: { code: 'conflict', message: 'a 1.0 amd64 exists with other bytes', request_id: 'r-1' } });
    const err = (await p.catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.message).toBe('a 1.0 amd64 exists with other bytes');
    expect(err.requestId).toBe('r-1');
  });

  it('falls back to a status message for non-JSON errors', async () => {
    const xhr = new FakeXhr();
    const p = uploadFile('/u', file, opts, () => xhr);
    xhr.answer(413, '<html>too big</html>', { 'X-Request-Id': 'rid' });
    const err = (await p.catch((e) => e)) as ApiError;
    expect(err.message).toMatch(/too large/);
    expect(err.requestId).toBe('rid');
  });

  it('reports 401 as a lost session', async () => {
    const lost = vi.fn();
    onUnauthorized(lost);
    const xhr = new FakeXhr();
    const p = uploadFile('/u', file, opts, () => xhr);
    xhr.answer(401, { error: { code: 'unauthenticated', message: 'no' } });
    await p.catch(() => {});
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('maps network failures and cancellation', async () => {
    const xhr = new FakeXhr();
    const p = uploadFile('/u', file, opts, () => xhr);
    xhr.onerror?.({} as ProgressEvent);
    expect(((await p.catch((e) => e)) as ApiError).code).toBe('network_error');

    const ctl = new AbortController();
    const xhr2 = new FakeXhr();
    const p2 = uploadFile('/u', file, { ...opts, signal: ctl.signal }, () => xhr2);
    ctl.abort();
    expect(xhr2.aborted).toBe(true);
    expect(isAbort(await p2.catch((e) => e))).toBe(true);

    const xhr3 = new FakeXhr();
    const p3 = uploadFile('/u', file, { ...opts, signal: ctl.signal }, () => xhr3);
    expect(isAbort(await p3.catch((e) => e))).toBe(true);
    expect(xhr3.sent).toBeNull();
  });
});
