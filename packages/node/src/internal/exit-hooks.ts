// Flushes on SIGTERM/SIGINT and beforeExit without changing how the process ends. When nobody
// else handles the signal, we shut down and raise it again; when the application handles it (a
// graceful close that may still log), we only flush and leave the provider running.
export function installExitHooks(hooks: {
  shutdown: () => Promise<void>;
  flush: () => Promise<void>;
  hasPending: () => boolean;
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
    if (hooks.hasPending()) void hooks.flush();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.on('beforeExit', onBeforeExit);
  function uninstall(): void {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('beforeExit', onBeforeExit);
  }
  return uninstall;
}
