import { ReadinessTimeoutError } from './errors.ts';

export interface PollOptions {
  /** How long to keep trying, in milliseconds. */
  timeoutMs: number;
  /** Pause between tries, in milliseconds. */
  intervalMs?: number;
  /** What is waited for, for the error message. */
  condition: string;
  /** Checked before each try: an error it returns ends the wait at once (a process died). */
  abortIf?: () => Error | undefined;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, or throws
 * `ReadinessTimeoutError` at the deadline with the last state `describe` gave. The pause
 * between tries is a poll interval, not a guess at how long something takes.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: PollOptions & { describe?: () => string },
): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const interval = options.intervalMs ?? 100;
  let lastError = '';
  for (;;) {
    const abort = options.abortIf?.();
    if (abort) throw abort;
    try {
      const value = await probe();
      if (value !== undefined) return { value, elapsedMs: performance.now() - started };
      lastError = '';
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    const elapsed = performance.now() - started;
    if (elapsed >= options.timeoutMs) {
      const state = options.describe?.() ?? (lastError || 'condition false');
      throw new ReadinessTimeoutError(options.condition, Math.round(elapsed), state);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
