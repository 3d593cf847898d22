// Uploads one file as the raw request body with XMLHttpRequest, because fetch() cannot report
// upload progress. Same rules as api.ts: CSRF header, errors as ApiError, 401 ends the session.
import { ApiError, csrfToken, errorFromParts, NETWORK_ERROR_MESSAGE, reportUnauthorized } from './api';

export interface UploadProgress {
  loaded: number;
  /** null when the browser cannot tell (no length known). */
  total: number | null;
}

export interface UploadResult<T> {
  status: number;
  body: T;
}

export interface UploadOptions {
  contentType: string;
  onprogress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
}

/** The part of XMLHttpRequest this module uses (a fake stands in for it in tests). */
export interface XhrLike {
  upload: { onprogress: ((ev: ProgressEvent) => void) | null };
  onload: ((ev: ProgressEvent) => void) | null;
  onerror: ((ev: ProgressEvent) => void) | null;
  onabort: ((ev: ProgressEvent) => void) | null;
  status: number;
  responseText: string;
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(body: Blob): void;
  abort(): void;
}

export function uploadFile<T>(
  url: string,
  file: Blob,
  opts: UploadOptions,
  makeXhr: () => XhrLike = () => new XMLHttpRequest(),
): Promise<UploadResult<T>> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
      return;
    }
    const xhr = makeXhr();
    const onAbortSignal = () => xhr.abort();
    const done = () => opts.signal?.removeEventListener('abort', onAbortSignal);

    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', opts.contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);

    xhr.upload.onprogress = (ev) => {
      opts.onprogress?.({ loaded: ev.loaded, total: ev.lengthComputable ? ev.total : null });
    };
    xhr.onload = () => {
      done();
      const status = xhr.status;
      if (status >= 200 && status < 300) {
        let body: T;
        try {
          body = (xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T;
        } catch {
          reject(new ApiError(status, 'bad_response', 'The server sent an answer the dashboard cannot read.'));
          return;
        }
        resolve({ status, body });
        return;
      }
      const error = errorFromParts(status, xhr.responseText, (h) => xhr.getResponseHeader(h));
      if (status === 401) reportUnauthorized();
      reject(error);
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError(0, 'network_error', NETWORK_ERROR_MESSAGE));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
    };
    opts.signal?.addEventListener('abort', onAbortSignal);
    xhr.send(file);
  });
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
