// Flushes on SIGTERM/SIGINT and beforeExit without changing how the process ends: after our flush
// the signal is raised again unless the application handles it itself.
export function installExitHooks(hooks: {
  shutdown: () => Promise<void>;
  flush: () => Promise<void>;
  hasPending: () => boolean;
}): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
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
