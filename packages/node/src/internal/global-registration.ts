// Registers the provider with every logs API installed: @opentelemetry/api >= 1.10 (3.x line) keeps
// its own global, @opentelemetry/api-logs (0.223 line, still used by bridges such as
// winston-transport) another; the two never see each other.
import { createRequire } from 'node:module';
import * as api from '@opentelemetry/api';
import { context, createContextKey, diag, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

interface LogsApiLike {
  setGlobalLoggerProvider(provider: unknown): unknown;
  getLoggerProvider(): unknown;
  disable(): void;
}

function installedLogsApis(): LogsApiLike[] {
  const found: LogsApiLike[] = [];
  const fromApi = (api as { logs?: LogsApiLike }).logs;
  if (fromApi !== undefined) found.push(fromApi);
  try {
    const require = createRequire(import.meta.url);
    const apiLogs = require('@opentelemetry/api-logs') as { logs?: LogsApiLike };
    if (apiLogs.logs !== undefined && apiLogs.logs !== fromApi) found.push(apiLogs.logs);
  } catch {
    // @opentelemetry/api-logs is optional: absent on a pure 3.x install.
  }
  return found;
}

/** Registers `provider` globally; returns an undo that unregisters only what we registered. */
export function registerGlobalLoggerProvider(provider: object): () => void {
  const registered: LogsApiLike[] = [];
  const apis = installedLogsApis();
  if (apis.length === 0) {
    diag.warn(
      '@seclog/node: no logs API found (@opentelemetry/api >= 1.10 or @opentelemetry/api-logs); the provider is not registered globally, so bridges will not find it',
    );
  }
  for (const logsApi of apis) {
    // A second registration is refused by the API; the first provider stays.
    logsApi.setGlobalLoggerProvider(provider);
    if (logsApi.getLoggerProvider() === provider) registered.push(logsApi);
    else diag.warn('@seclog/node: a global LoggerProvider was already registered; keeping it');
  }
  return () => {
    for (const logsApi of registered)
      if (logsApi.getLoggerProvider() === provider) logsApi.disable();
  };
}

const PROBE = createContextKey('seclog.context-manager-probe');

/**
 * Makes `context.with` work (needed for trace correlation without a tracing SDK) by registering an
 * AsyncLocalStorage context manager, unless a working one is already registered.
 */
export function ensureContextManager(): () => void {
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  if (context.with(probe, () => context.active().getValue(PROBE) === true)) return () => undefined;
  const manager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(manager)) return () => undefined;
  return () => {
    manager.disable();
    context.disable();
  };
}
