// Where startSecurityLogging is running, as far as the bridges' module hooks care. Node's frames
// are read by function name, with the whole stack (a caller's Error.stackTraceLimit of 10 stops
// short of them) and without the application's Error.prepareStackTrace (source-map-support).
import * as workerThreads from 'node:worker_threads';

/**
 * - `module-hooks-thread`: Node's thread for `module.register()` hooks, which runs every
 *   `--require` preload again (Node documents it); the application never runs there.
 * - `require-preload`: a `--require` preload (or NODE_OPTIONS `--require`), on the main thread.
 * - `other`: `--import`, the application's own code, anything else.
 */
export type StartContext = 'module-hooks-thread' | 'require-preload' | 'other';

function callerFunctionNames(): string[] {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- only put back, never called here
  const prepareStackTrace = Error.prepareStackTrace;
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = Infinity;
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    return frames.map((frame) => frame.getFunctionName() ?? '');
  } catch {
    return [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Node's function that runs `--require` preloads (`Module._preloadModules` before it on 20). */
const PRELOAD_FRAMES = new Set(['loadPreloadModules', '_preloadModules']);
/** Node's functions that set up the module hooks thread, on 20 and 22. */
const HOOKS_THREAD_FRAMES = new Set(['initializeHooks', 'customizedModuleWorker']);

export function startContext(): StartContext {
  // Node 22.14+ and 23.7+ say so directly; before them the thread's set-up frames do.
  const internal = (workerThreads as { isInternalThread?: boolean }).isInternalThread;
  const names = callerFunctionNames();
  if (internal === true) return 'module-hooks-thread';
  if (
    !workerThreads.isMainThread &&
    internal === undefined &&
    names.some((n) => HOOKS_THREAD_FRAMES.has(n))
  ) {
    return 'module-hooks-thread';
  }
  return names.some((n) => PRELOAD_FRAMES.has(n)) ? 'require-preload' : 'other';
}
