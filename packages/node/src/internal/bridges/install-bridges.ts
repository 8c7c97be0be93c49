// Bridges pino and winston into the pipeline with the official OpenTelemetry instrumentations,
// which are optional peers: they are loaded only when `bridges` names them. Their module hooks
// cover both module systems: require-in-the-middle (installed by the instrumentations) patches
// CommonJS `require`, and import-in-the-middle's loader, registered here, patches ESM `import` of
// the same packages.
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { createRequire, register } from 'node:module';
import { dirname, join, resolve as resolvePath, sep } from 'node:path';
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

interface SyncHooks {
  supportsSyncHooks: () => boolean;
  register: (options: { include: string[] }) => void;
}

/**
 * import-in-the-middle's in-thread loader (`module.registerHooks`), from the copy the
 * instrumentation's own `Hook()` calls use: undefined when that copy predates it (3.1.0) or Node
 * cannot run it (import-in-the-middle says which: 22.22.3+, 24.11.1+, 25.1+, 26+; before them
 * `module.registerHooks` exists but rejects what the loader returns for CommonJS).
 */
function syncHooksOf(iitm: NodeJS.Require): SyncHooks | undefined {
  try {
    const { supportsSyncHooks } = iitm('import-in-the-middle/supports-sync-hooks.mjs') as SyncHooks;
    if (!supportsSyncHooks()) return undefined;
    return iitm('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  } catch {
    // Not in this copy, or require() of ESM unavailable (Node < 20.19, < 22.12).
    return undefined;
  }
}

interface ResolveResult {
  url: string;
  format?: string | null;
}
type RegisterHooks = (hooks: {
  resolve: (
    specifier: string,
    context: unknown,
    next: (specifier: string, context: unknown) => ResolveResult,
  ) => ResolveResult;
}) => void;

/**
 * import-in-the-middle 3.6's in-thread loader gives a builtin required from a module without a
 * parent URL (an `--eval` script, CommonJS an `--import` preload imports) the format
 * `commonjs`, and Node then reads `node:module` from disk: ENOENT, the process ends. Outside it
 * (registered after, so it runs first), a `node:` URL gets back the format `builtin`.
 */
let builtinFormatFixed = false;

function registerBuiltinFormatFix(): void {
  if (builtinFormatFixed) return;
  builtinFormatFixed = true;
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  registerHooks?.({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      return result.url.startsWith('node:') && result.format !== 'builtin'
        ? { ...result, format: 'builtin' }
        : result;
    },
  });
}

/**
 * import-in-the-middle's in-thread loader for `include`, with the fix above; false when this
 * Node or copy of it cannot run one.
 */
function registerInThread(iitm: NodeJS.Require, include: string[]): boolean {
  const sync = syncHooksOf(iitm);
  if (sync === undefined) return false;
  sync.register({ include });
  registerBuiltinFormatFix();
  return true;
}

/** The application's entry point is an ES module (`.mjs`, or `.js` under `"type": "module"`). */
function entryIsEsm(): boolean {
  const entry = process.argv[1];
  if (entry === undefined || entry === '' || entry.endsWith('.cjs')) return false;
  if (entry.endsWith('.mjs')) return true;
  let dir = dirname(resolvePath(entry));
  for (;;) {
    try {
      const { type } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        type?: unknown;
      };
      return type === 'module';
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return false;
      dir = parent;
    }
  }
}

/**
 * Said when seclog starts from a `--require` preload on a Node without in-thread module hooks:
 * `module.register()` from there makes Node start its hooks thread, which runs every `--require`
 * preload again (the application's too), so the ESM hooks are left out. Only pino loses by it:
 * instrumentation-winston patches a file winston itself `require()`s, instrumentation-pino the
 * `pino` module an `import` loads. Said only for an ESM entry point: a CommonJS app's
 * `require('pino')` is bridged.
 */
const PRELOAD_WITHOUT_SYNC_HOOKS = `@seclog/node: bridges: started from a --require preload on Node ${process.versions.node}, which has no in-thread module hooks for import-in-the-middle, so pino loaded with import is not bridged (winston, and pino loaded with require, are). Start with node --import ./telemetry.mjs instead (an ES module calling startSecurityLogging), or use Node 22.22.3+ / 24.11.1+`;

/**
 * ESM `import` of pino and winston goes through import-in-the-middle's loader for the bridged
 * packages only (its `include` list), so the rest of the application loads as it did.
 * `module.register` puts it on Node's hooks thread, as OpenTelemetry's own set-up does (sharing
 * that kind keeps it working beside a NodeSDK's loader: import-in-the-middle's in-thread and
 * thread loaders in one process miss hooks, nodejs/import-in-the-middle#274). From a `--require`
 * preload that thread would run the preload again, so there the loader runs in-thread
 * (`module.registerHooks`) where Node can, else not at all. Already-loaded modules are not
 * affected: bridges reach loggers created after startSecurityLogging.
 */
function registerEsmLoader(bridges: readonly LoadedBridge[], fromRequirePreload: boolean): void {
  const globals = globalThis as { [LOADER_KEY]?: Set<string> };
  const covered = (globals[LOADER_KEY] ??= new Set());
  const include = bridges.map((b) => b.name).filter((name) => !covered.has(name));
  if (include.length === 0) return;
  const instrumentation = createRequire(bridges[0]!.resolvedFrom).resolve(
    '@opentelemetry/instrumentation',
  );
  const iitm = createRequire(instrumentation);
  if (!fromRequirePreload) {
    try {
      register(pathToFileURL(iitm.resolve('import-in-the-middle/hook.mjs')), {
        data: { include },
      });
    } catch (error) {
      // Node 22.15 to 24.11.0 refuse a thread loader after in-thread hooks (another tool's):
      // "The resolveSync() method is not implemented" (nodejs/node#59666). In-thread it is then.
      if (!registerInThread(iitm, include)) throw error;
    }
  } else if (!registerInThread(iitm, include) && include.includes('pino') && entryIsEsm()) {
    diag.warn(PRELOAD_WITHOUT_SYNC_HOOKS);
  }
  for (const name of include) covered.add(name);
}

/**
 * The files of `name` the application loaded already: pino and winston are CommonJS, so an ESM
 * `import` of them lands in the require cache too.
 */
function loadedAlready(name: BridgeName): boolean {
  const marker = `${sep}node_modules${sep}${name}${sep}`;
  return Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(marker));
}

/**
 * Says, once per package, that pino or winston was loaded before seclog started: the factory the
 * application holds is the unpatched one, so its loggers never reach seclog. A package this
 * process bridged before (a second startSecurityLogging) is not checked.
 */
function checkStartOrder(bridges: readonly LoadedBridge[]): void {
  const covered = (globalThis as { [LOADER_KEY]?: Set<string> })[LOADER_KEY];
  for (const { name } of bridges) {
    if (covered?.has(name) === true || !loadedAlready(name)) continue;
    diag.warn(
      `@seclog/node: bridges: ${name} was loaded before startSecurityLogging() ran, so the ${name} loggers the application creates from it are not bridged (their records do not reach seclog). Start seclog before the application loads ${name}: node --import ./telemetry.mjs app.js (or --require ./telemetry.cjs), or import the telemetry file before ${name}`,
    );
  }
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
export function installBridges({
  bridges,
  provider,
  redactor,
  fromRequirePreload,
}: {
  bridges: readonly LoadedBridge[];
  provider: object;
  redactor: Redactor | undefined;
  /** Started from a `--require` preload, where `module.register()` is not used. */
  fromRequirePreload: boolean;
}): () => void {
  if (bridges.length === 0) return () => undefined;
  checkLoggerVersions(bridges.map((b) => b.name));
  checkStartOrder(bridges);
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
    registerEsmLoader(bridges, fromRequirePreload);
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
