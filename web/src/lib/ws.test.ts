import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, eventsUrl, EventStream, type SocketLike } from './ws';

class FakeSocket implements SocketLike {
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  closed = false;
  constructor(public url: string) {}
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event('open'));
  }
  drop() {
    this.onclose?.({} as CloseEvent);
  }
  message(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) } as MessageEvent);
  }
}

describe('backoffDelay', () => {
  it('doubles up to the cap, within the jitter', () => {
    const opts = { initialMs: 1000, maxMs: 30000, jitter: 0.3 };
    expect(backoffDelay(0, opts, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(8000);
    expect(backoffDelay(10, opts, () => 0.5)).toBe(30000);
    expect(backoffDelay(0, opts, () => 0)).toBe(700);
    expect(backoffDelay(0, opts, () => 1)).toBe(1300);
  });
});

describe('eventsUrl', () => {
  it('uses wss for https pages', () => {
    expect(eventsUrl({ protocol: 'https:', host: '127.0.0.1:8443' })).toBe('wss://127.0.0.1:8443/api/v1/events');
    expect(eventsUrl({ protocol: 'http:', host: 'localhost:5173' })).toBe('ws://localhost:5173/api/v1/events');
  });
});

describe('EventStream', () => {
  let sockets: FakeSocket[];
  let stream: EventStream;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    stream = new EventStream(
      () => 'wss://x/api/v1/events',
      (u) => {
        const s = new FakeSocket(u);
        sockets.push(s);
        return s;
      },
      { initialMs: 100, maxMs: 1000, jitter: 0 },
    );
  });
  afterEach(() => {
    stream.stop();
    vi.useRealTimers();
  });

  it('delivers messages by type and ignores garbage', () => {
    const audit = vi.fn();
    stream.on('audit', audit);
    stream.start();
    sockets[0]!.open();
    sockets[0]!.message({ type: 'audit', tenant: 'acme', data: { seq: 1 } });
    sockets[0]!.message({ type: 'other' });
    sockets[0]!.message('not json');
    expect(audit).toHaveBeenCalledTimes(1);
    expect(audit.mock.calls[0]![0]).toMatchObject({ tenant: 'acme' });
    expect(stream.state).toBe('live');
  });

  it('reconnects with growing delays and announces each reopening', () => {
    const opened = vi.fn();
    stream.onOpen(opened);
    stream.start();
    sockets[0]!.drop();
    expect(stream.state).toBe('reconnecting');
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.open();
    expect(opened).toHaveBeenCalledTimes(1);
    expect(stream.state).toBe('live');
    // A successful open resets the backoff.
    sockets[2]!.drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(4);
  });

  it('stops for good on stop()', () => {
    stream.start();
    sockets[0]!.open();
    stream.stop();
    expect(sockets[0]!.closed).toBe(true);
    expect(stream.state).toBe('idle');
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });
});
