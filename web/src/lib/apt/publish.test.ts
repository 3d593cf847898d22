import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import type { AptRepo, ServerEvent } from '../types';
import { PublishJob } from './publish.svelte';

class FakeEvents {
  listeners = new Map<string, Set<(e: ServerEvent) => void>>();
  on(type: string, l: (e: ServerEvent) => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
    return () => this.listeners.get(type)!.delete(l);
  }
  emit(e: ServerEvent) {
    for (const l of this.listeners.get(e.type) ?? []) l(e);
  }
}

const repo = { name: 'stable', published_at: '2026-01-01T00:00:00.000Z' } as AptRepo;
const progress = (r: string, stage: string, done = 1, total = 2): ServerEvent => ({
  type: 'apt.publish.progress',
  tenant: 'acme',
  data: { repo: r, stage, done, total },
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('PublishJob', () => {
  it('follows progress for its repository while the request runs', async () => {
    const ev = new FakeEvents();
    const d = deferred<AptRepo>();
    const publish = vi.fn(() => d.promise);
    const job = new PublishJob('acme', 'stable', {}, ev, publish).listen();
    const run = job.run('testing-1');
    expect(publish).toHaveBeenCalledWith('acme', 'stable', 'testing-1');
    expect(job.status).toBe('running');
    ev.emit(progress('stable', 'index'));
    ev.emit(progress('other', 'sign'));
    expect(job.progress?.stage).toBe('index');
    d.resolve(repo);
    expect(await run).toBe(repo);
    expect(job.status).toBe('succeeded');
    expect(job.result).toBe(repo);
    expect(job.snapshot).toBe('testing-1');
  });

  it('keeps the error and refuses a second run meanwhile', async () => {
    const d = deferred<AptRepo>();
    const publish = vi.fn(() => d.promise);
    const job = new PublishJob('acme', 'stable', {}, new FakeEvents(), publish);
    const first = job.run();
    expect(await job.run()).toBeNull();
    expect(publish).toHaveBeenCalledTimes(1);
    d.reject(new ApiError(409, 'conflict', 'create a signing key first'));
    expect(await first).toBeNull();
    expect(job.status).toBe('failed');
    expect((job.error as ApiError).message).toBe('create a signing key first');
    job.reset();
    expect(job.status).toBe('idle');
  });

  it('notices a publish started elsewhere and says when it is done', () => {
    const ev = new FakeEvents();
    const done = vi.fn();
    const job = new PublishJob('acme', 'stable', { onElsewhereDone: done }, ev).listen();
    ev.emit(progress('stable', 'compress'));
    expect(job.elsewhere).toBe(true);
    expect(job.status).toBe('idle');
    ev.emit(progress('stable', 'done', 2, 2));
    expect(job.elsewhere).toBe(false);
    expect(done).toHaveBeenCalledTimes(1);
    job.stop();
    ev.emit(progress('stable', 'index'));
    expect(job.elsewhere).toBe(false);
  });
});
