// Helpers shared by the component tests (*.svelte.test.ts, mounted in jsdom): JSON answers for a
// mocked fetch, letting effects and promises settle, what jsdom lacks (<dialog>'s showModal,
// ResizeObserver), and messages as the events WebSocket would deliver them.
import { flushSync } from 'svelte';
import { events } from './lib/ws';

export const jsonResponse = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** Lets pending fetches, timers of 0 ms and the effects they trigger run, `rounds` times over. */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
  }
}

/** jsdom has <dialog> without showModal/close: the Modal component needs both. */
export function stubDialogs(): void {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
}

/** A ResizeObserver under which every observed element is `width` px wide as soon as it is observed. */
export function fixedWidthResizeObserver(width: number) {
  return class {
    constructor(private readonly callback: ResizeObserverCallback) {}
    observe() {
      queueMicrotask(() => this.callback([{ contentRect: { width } } as ResizeObserverEntry], this as unknown as ResizeObserver));
    }
    unobserve() {}
    disconnect() {}
  };
}

/** A message as the events WebSocket delivers it (through the stream's own parsing and dispatch). */
export function pushServerEvent(message: unknown): void {
  (events as unknown as { dispatch(data: string): void }).dispatch(JSON.stringify(message));
  flushSync();
}
