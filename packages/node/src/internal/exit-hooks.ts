// How the process ends is the application's business: these hooks deliver what is queued without
// changing the exit code, the signal, other handlers or the --unhandled-rejections mode.
//
// - `exit` (process.exit(), an uncaught exception, an unhandled rejection that ends the process,
//   the event loop running dry): Node runs no async work here, so `lastWords` writes what is
//   queued with synchronous I/O (files and console; OTLP cannot be reached that way).
// - SIGTERM, SIGINT, SIGHUP: when nobody else handles the signal, we shut down (async, bounded,
//   so OTLP gets its turn) and raise it again; when the application handles it (a graceful close
//   that may still log), we only flush and leave the provider running.
// - beforeExit: flush while records remain, bounded; on timeout the rest goes the `exit` way.
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export function installExitHooks(hooks: {
  shutdown: () => Promise<void>;
  flush: () => Promise<void>;
  /** The flush at beforeExit: bounded, then what is left goes the synchronous way. */
  exitFlush: () => Promise<void>;
  hasPending: () => boolean;
  lastWords: () => void;
}): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    // `once` already removed this listener: any listener left is the application's.
    if (process.listenerCount(signal) > 0) {
      process.once(signal, onSignal);
      void hooks.flush();
      return;
    }
    void hooks.shutdown().finally(() => {
      uninstall();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  // beforeExit fires again after the flush's own async work ends; only flush while records remain.
  const onBeforeExit = (): void => {
    if (hooks.hasPending()) void hooks.exitFlush();
  };
  const onExit = (): void => {
    try {
      hooks.lastWords();
    } catch {
      // An exit handler that throws would replace the application's exit code.
    }
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  function uninstall(): void {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
  }
  return uninstall;
}
