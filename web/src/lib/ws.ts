// The live-event stream: one WebSocket to /api/v1/events per signed-in tab, authenticated by
// the session cookie, reconnecting with capped exponential backoff and jitter. Listeners
// subscribe by message type; "open" listeners hear about every (re)connection so that views
// can refetch what they may have missed while the socket was down.
import type { ServerEvent } from './types';

export type StreamState = 'idle' | 'connecting' | 'live' | 'reconnecting';

type Listener = (event: ServerEvent) => void;

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay drawn at random, so that many tabs don't reconnect in step. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30000, jitter: 0.3 };

export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, rand = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt));
  const spread = base * opts.jitter;
  return Math.round(base - spread + rand() * 2 * spread);
}

export function eventsUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api/v1/events`;
}

export interface SocketLike {
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  close(code?: number, reason?: string): void;
}

export class EventStream {
  private socket: SocketLike | null = null;
  private listeners = new Map<string, Set<Listener>>();
  private openListeners = new Set<() => void>();
  private stateListeners = new Set<(s: StreamState) => void>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wanted = false;
  private _state: StreamState = 'idle';

  constructor(
    private readonly url: () => string,
    private readonly makeSocket: (url: string) => SocketLike = (u) => new WebSocket(u),
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  get state(): StreamState {
    return this._state;
  }

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    this.wanted = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = s.onerror = s.onmessage = s.onopen = null;
      s.close(1000, 'signed out');
    }
    this.setState('idle');
  }

  /** Subscribe to one message type ("audit", …). Returns the unsubscribe function. */
  on(type: string, listener: Listener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onOpen(listener: () => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  onState(listener: (s: StreamState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this._state);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: StreamState): void {
    if (s === this._state) return;
    this._state = s;
    for (const l of this.stateListeners) l(s);
  }

  private connect(): void {
    this.timer = null;
    if (!this.wanted) return;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: SocketLike;
    try {
      socket = this.makeSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState('live');
      for (const l of this.openListeners) l();
    };
    socket.onmessage = (ev) => this.dispatch(ev.data);
    socket.onerror = () => {
      // The close event follows and schedules the reconnect.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (!this.wanted) return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt++;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let event: ServerEvent;
    try {
      event = JSON.parse(data) as ServerEvent;
    } catch {
      return;
    }
    if (!event || typeof event.type !== 'string') return;
    const set = this.listeners.get(event.type);
    if (!set) return;
    for (const l of set) {
      try {
        l(event);
      } catch (e) {
        console.warn('event listener failed', e);
      }
    }
  }
}

/** The tab's one stream. */
export const events = new EventStream(() => eventsUrl(window.location));
