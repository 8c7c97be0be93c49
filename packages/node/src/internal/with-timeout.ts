// The one bounded wait of the Node setup: flush and shutdown (bounded by `shutdownTimeoutMillis`)
// and the resource's async detectors (bounded before the first export) both go through it.

/** What a bounded wait does when its time is up, or when the work fails. */
export interface TimeoutHandlers {
  /** Called once at the deadline, when `work` has not settled by then. */
  readonly onTimeout?: () => void;
  /** Called with the error when `work` rejects or throws; without it the error is ignored. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Waits for `work()` at most `timeoutMillis`: resolves when it settles, or at the deadline after
 * `onTimeout`. Never rejects. The timer is unref'd, so a bounded wait never keeps the process
 * alive by itself, and it is cleared as soon as the work settles.
 */
export function withTimeout(
  work: () => PromiseLike<unknown>,
  timeoutMillis: number,
  handlers: TimeoutHandlers = {},
): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      handlers.onTimeout?.();
      resolve();
    }, timeoutMillis);
    timer.unref();
    const settle = (error?: unknown, failed = false): void => {
      clearTimeout(timer);
      if (failed) handlers.onError?.(error);
      resolve();
    };
    try {
      work().then(
        () => settle(),
        (error: unknown) => settle(error, true),
      );
    } catch (error) {
      settle(error, true);
    }
  });
}
