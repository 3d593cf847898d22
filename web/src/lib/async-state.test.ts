import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import { LoadState, SubmitState, track } from './async-state.svelte';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('track', () => {
  it('sets running around a task that succeeds', async () => {
    const seen: boolean[] = [];
    const onerror = vi.fn();
    const ok = await track((r) => seen.push(r), async () => 'value', onerror);
    expect(ok).toBe(true);
    expect(seen).toEqual([true, false]);
    expect(onerror).not.toHaveBeenCalled();
  });

  it('hands a failure to onerror before it clears running', async () => {
    const seen: unknown[] = [];
    const boom = new Error('boom');
    const ok = await track(
      (r) => seen.push(r),
      () => Promise.reject(boom),
      (e) => seen.push(e),
    );
    expect(ok).toBe(false);
    expect(seen).toEqual([true, boom, false]);
  });

  it('also catches a task that throws synchronously', async () => {
    const onerror = vi.fn();
    const ok = await track(
      () => {},
      () => {
        throw new Error('sync');
      },
      onerror,
    );
    expect(ok).toBe(false);
    expect(onerror).toHaveBeenCalledWith(new Error('sync'));
  });
});

describe('LoadState', () => {
  it('starts loading, and keeps the error of a failed load until the next one', async () => {
    const s = new LoadState();
    expect(s.loading).toBe(true);
    expect(s.error).toBe(null);

    const err = new ApiError(500, 'internal', 'down');
    expect(await s.run(() => Promise.reject(err))).toBe(false);
    expect(s.loading).toBe(false);
    expect(s.error).toBe(err);

    const d = deferred<void>();
    const run = s.run(() => d.promise);
    expect(s.loading).toBe(true);
    expect(s.error).toBe(null);
    d.resolve();
    expect(await run).toBe(true);
    expect(s.loading).toBe(false);
    expect(s.error).toBe(null);
  });
});

describe('SubmitState', () => {
  it('is busy while the task runs', async () => {
    const s = new SubmitState();
    expect(s.busy).toBe(false);
    const d = deferred<void>();
    const run = s.run(() => d.promise);
    expect(s.busy).toBe(true);
    d.resolve();
    expect(await run).toBe(true);
    expect(s.busy).toBe(false);
    expect(s.error).toBe(null);
  });

  it('turns a failure into the message to show, and clears it on the next run', async () => {
    const s = new SubmitState();
    expect(await s.run(() => Promise.reject(new ApiError(409, 'conflict', 'Name taken.')))).toBe(false);
    expect(s.error).toBe('Name taken.');
    expect(s.busy).toBe(false);
    await s.run(async () => {});
    expect(s.error).toBe(null);
  });

  it('leaves the message empty when the caller handled the failure', async () => {
    const s = new SubmitState();
    const handled = vi.fn((e: unknown) => e instanceof ApiError && e.status === 409);
    expect(await s.run(() => Promise.reject(new ApiError(409, 'conflict', 'taken')), handled)).toBe(false);
    expect(handled).toHaveBeenCalledOnce();
    expect(s.error).toBe(null);
    await s.run(() => Promise.reject(new Error('other')), handled);
    expect(s.error).toBe('other');
  });
});
