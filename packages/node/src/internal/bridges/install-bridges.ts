// Bridges pino and winston into the pipeline with the official OpenTelemetry instrumentations,
// which are optional peers: they are loaded only when `bridges` names them. Their module hooks
// cover both module systems: require-in-the-middle (installed by the instrumentations) patches
// CommonJS `require`, and import-in-the-middle's loader, registered here with `module.register`,
// patches ESM `import` of the same packages.
import { createRequire, register } from 'node:module';
import { diag } from '@opentelemetry/api';
import type { Redactor } from '@seclog/redacting-log-record-processor';
import {
  redactingPinoInstrumentation,
  redactingWinstonInstrumentation,
} from './redacting-instrumentations.js';
import { checkLoggerVersions } from './check-logger-versions.js';
import { pathToFileURL } from 'node:url';

export const BRIDGE_NAMES = ['pino', 'winston'] as const;
export type BridgeName = (typeof BRIDGE_NAMES)[number];

interface Instrumentation {
  disable(): void;
}
type InstrumentationClass = new (config?: Record<string, unknown>) => Instrumentation;

interface LoadedBridge {
  readonly name: BridgeName;
  readonly Instrumentation: InstrumentationClass;
  /** Where the instrumentation was found, to resolve its own import-in-the-middle loader. */
  readonly resolvedFrom: string;
}

const INSTRUMENTATIONS: Record<BridgeName, { module: string; exportName: string }> = {
  pino: { module: '@opentelemetry/instrumentation-pino', exportName: 'PinoInstrumentation' },
  winston: {
    module: '@opentelemetry/instrumentation-winston',
    exportName: 'WinstonInstrumentation',
  },
};

/** What `npm install` needs for each bridge. */
const PEERS: Record<BridgeName, readonly string[]> = {
  pino: ['@opentelemetry/instrumentation-pino'],
  winston: ['@opentelemetry/instrumentation-winston', '@opentelemetry/winston-transport'],
};

function missing(name: BridgeName, packageName: string, why = 'is not installed'): never {
  throw new TypeError(
    `@seclog/node: bridges: '${name}' needs ${packageName}, which ${why}; run npm install ${PEERS[name].join(' ')} (the version of your OpenTelemetry line), or remove '${name}' from the bridges option`,
  );
}

/**
 * Finds the instrumentation packages of every bridge, at setup: a missing one throws a TypeError
 * naming the package and the `bridges` option, before anything is started.
 */
export function loadBridges(names: readonly BridgeName[]): LoadedBridge[] {
  const require = createRequire(import.meta.url);
  return names.map((name) => {
    const { module, exportName } = INSTRUMENTATIONS[name];
    let exports: Record<string, unknown>;
    try {
      exports = require(module) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') missing(name, module);
      missing(name, module, `failed to load (${(error as Error).message})`);
    }
    // Where the module was loaded from: require() goes through module hooks, require.resolve not.
    const resolvedFrom =
      Object.values(require.cache).find((m) => m?.exports === exports)?.filename ??
      require.resolve(module);
    if (name === 'winston') {
      // The winston instrumentation requires the transport itself, from where it is installed.
      try {
        createRequire(resolvedFrom).resolve('@opentelemetry/winston-transport');
      } catch {
        missing(name, '@opentelemetry/winston-transport', `${module} cannot find`);
      }
    }
    const Instrumentation = exports[exportName];
    if (typeof Instrumentation !== 'function') {
      missing(name, module, `does not export ${exportName}`);
    }
    return { name, Instrumentation: Instrumentation as InstrumentationClass, resolvedFrom };
  });
}

// The packages a loader of ours already covers in this process: a second startSecurityLogging
// (after a shutdown) adds a loader only for bridges not covered yet.
const LOADER_KEY = Symbol.for('@seclog/node.bridges.esm-loader');

/**
 * ESM `import` of pino and winston goes through import-in-the-middle's loader for the bridged
 * packages only (its `include` list), so the rest of the application loads as it did.
 * Already-loaded modules are not affected: bridges reach loggers created after
 * startSecurityLogging.
 */
function registerEsmLoader(bridges: readonly LoadedBridge[]): void {
  const globals = globalThis as { [LOADER_KEY]?: Set<string> };
  const covered = (globals[LOADER_KEY] ??= new Set());
  const include = bridges.map((b) => b.name).filter((name) => !covered.has(name));
  if (include.length === 0) return;
  const hook = createRequire(bridges[0]!.resolvedFrom).resolve(
    '@opentelemetry/instrumentation/hook.mjs',
  );
  register(pathToFileURL(hook), { data: { include } });
  for (const name of include) covered.add(name);
}

interface LogsApiLike {
  setGlobalLoggerProvider(provider: unknown): unknown;
  getLoggerProvider(): unknown;
  disable(): void;
}

/**
 * The logs APIs the bridges emit through, from where they are installed: an instrumentation of
 * the 0.223 line next to a 3.x SDK brings its own `@opentelemetry/api-logs`, whose global would
 * otherwise stay a no-op and lose every record; the 3.x line's bridges use `@opentelemetry/api`'s.
 */
function bridgeLogsApis(bridges: readonly LoadedBridge[]): LogsApiLike[] {
  const found: LogsApiLike[] = [];
  for (const { resolvedFrom } of bridges) {
    const from = createRequire(resolvedFrom);
    const candidates = [resolvedFrom];
    if (bridges.some((b) => b.name === 'winston')) {
      try {
        candidates.push(from.resolve('@opentelemetry/winston-transport'));
      } catch {
        // Checked at load.
      }
    }
    for (const candidate of candidates) {
      for (const module of ['@opentelemetry/api-logs', '@opentelemetry/api']) {
        try {
          const api = (createRequire(candidate)(module) as { logs?: LogsApiLike }).logs;
          if (api !== undefined && !found.includes(api)) found.push(api);
        } catch {
          // Not installed there: the 3.x line has no @opentelemetry/api-logs.
        }
      }
    }
  }
  return found;
}

/**
 * Said when a logs API the bridges emit through keeps another LoggerProvider: most often an
 * OpenTelemetry NodeSDK started first, whose own pino or winston instrumentation then sends a
 * second copy of each record there too (docs/bridges.md, "With the NodeSDK").
 */
const ANOTHER_PROVIDER =
  "@seclog/node: bridges: another LoggerProvider is registered globally (an OpenTelemetry NodeSDK started before seclog?), so pino's and winston's records go to it, not to seclog's files, and without seclog's redaction processor. Either call startSecurityLogging() before sdk.start() and disable @opentelemetry/instrumentation-pino and @opentelemetry/instrumentation-winston in getNodeAutoInstrumentations(), or leave pino and winston to the NodeSDK and remove the bridges option; see the bridges doc, 'With the NodeSDK'";

/**
 * Enables the bridges' module hooks, after `provider` is registered globally; returns an undo that
 * disables them. With a `redactor`, pino's and winston's own output is redacted too.
 */
export function installBridges(
  bridges: readonly LoadedBridge[],
  provider: object,
  redactor: Redactor | undefined,
): () => void {
  if (bridges.length === 0) return () => undefined;
  checkLoggerVersions(bridges.map((b) => b.name));
  const registered: LogsApiLike[] = [];
  let another = false;
  for (const api of bridgeLogsApis(bridges)) {
    if (api.getLoggerProvider() === provider) continue;
    api.setGlobalLoggerProvider(provider);
    if (api.getLoggerProvider() === provider) registered.push(api);
    else another = true;
  }
  if (another) diag.warn(ANOTHER_PROVIDER);
  try {
    registerEsmLoader(bridges);
  } catch (error) {
    diag.warn(
      `@seclog/node: bridges: the ESM loader could not be registered (${(error as Error).message}); pino and winston imported with import are not bridged, required ones are`,
    );
  }
  // Constructing an instrumentation enables it (its require and import hooks).
  const enabled: Instrumentation[] = [];
  for (const { name, Instrumentation } of bridges) {
    const redacting =
      name === 'pino' ? redactingPinoInstrumentation : redactingWinstonInstrumentation;
    try {
      enabled.push(
        redactor === undefined
          ? new Instrumentation()
          : new (redacting(Instrumentation, redactor))(),
      );
    } catch (error) {
      diag.warn(
        `@seclog/node: bridges: '${name}' could not be enabled (${(error as Error).message}); its records are not bridged`,
      );
    }
  }
  return () => {
    for (const instrumentation of enabled) instrumentation.disable();
    for (const api of registered) if (api.getLoggerProvider() === provider) api.disable();
  };
}
