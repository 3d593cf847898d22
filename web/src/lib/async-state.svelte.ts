// The state of one asynchronous action as the UI shows it: whether it is running, and how it
// last failed. LoadState is a page's or a list's load, SubmitState a form's or a dialog's action.
import { describeError } from './api';

/** Runs task with `setRunning(true)` around it and hands a failure to onerror; resolves to whether it succeeded. */
export async function track(
  setRunning: (running: boolean) => void,
  task: () => Promise<unknown>,
  onerror: (e: unknown) => void,
): Promise<boolean> {
  setRunning(true);
  try {
    await task();
    return true;
  } catch (e) {
    onerror(e);
    return false;
  } finally {
    setRunning(false);
  }
}

/** A load: `loading` from the start (the first load begins on mount), and the error to show. */
export class LoadState {
  loading = $state(true);
  error: unknown = $state(null);

  /** Clears the last error, then runs task, which stores what it loaded. */
  run(task: () => Promise<unknown>): Promise<boolean> {
    this.error = null;
    return track((running) => (this.loading = running), task, (e) => (this.error = e));
  }
}

/** A submit: `busy` while it runs, and the server's message when it failed. */
export class SubmitState {
  busy = $state(false);
  error: string | null = $state(null);

  /**
   * Clears the last error, then runs task. A failure becomes `error`, unless `handled` says it
   * took care of it (e.g. a 409 that a field reports as "already exists").
   */
  run(task: () => Promise<unknown>, handled?: (e: unknown) => boolean): Promise<boolean> {
    this.error = null;
    return track(
      (running) => (this.busy = running),
      task,
      (e) => {
        if (!handled?.(e)) this.error = describeError(e).message;
      },
    );
  }
}
