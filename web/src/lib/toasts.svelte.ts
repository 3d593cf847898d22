// Short-lived notifications in the corner: successes, and API errors with their request id.
import { describeError } from './api';

export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message?: string;
  requestId?: string | null;
}

const LIFETIME_MS: Record<ToastKind, number> = { success: 4000, info: 5000, error: 9000 };
const MAX_VISIBLE = 5;

class Toasts {
  items: Toast[] = $state.raw([]);
  private nextId = 1;

  push(kind: ToastKind, title: string, message?: string, requestId?: string | null): number {
    const id = this.nextId++;
    this.items = [...this.items, { id, kind, title, message, requestId }].slice(-MAX_VISIBLE);
    setTimeout(() => this.dismiss(id), LIFETIME_MS[kind]);
    return id;
  }

  success(title: string, message?: string): number {
    return this.push('success', title, message);
  }

  /** An error toast from whatever was thrown, with the server's message and request id. */
  error(title: string, e: unknown): number {
    const { message, requestId } = describeError(e);
    return this.push('error', title, message, requestId);
  }

  clear(): void {
    this.items = [];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
