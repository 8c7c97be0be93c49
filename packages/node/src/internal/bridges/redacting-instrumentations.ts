// pino's and winston's own output (stdout, files, transports) is the application's, outside the OTel
// pipeline: without this, a password logged with them is masked in seclog's files but printed in
// clear by the logger. Each redaction runs before any of the logger's destinations, the bridge's
// included, so it covers both.
import { diag } from '@opentelemetry/api';
import type { Redactor } from '@seclog/redacting-log-record-processor';

type PinoFactory = ((...args: unknown[]) => PinoLogger) & {
  symbols?: { hooksSym?: symbol };
  pino?: unknown;
  default?: unknown;
};
type PinoLogger = Record<symbol, unknown>;
interface ModuleDefinition {
  patch?: (exports: unknown, version?: string) => unknown;
}
type InstrumentationClass = new (config?: Record<string, unknown>) => { disable(): void };
type Write = (this: unknown, info: Record<string | symbol, unknown>, ...rest: unknown[]) => unknown;

/** Redacts one serialized pino line; returns it unchanged (same string) when nothing matched. */
function redactLine(redactor: Redactor, line: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    // Not JSON (a custom serializer): the pattern rules still apply to it as text.
    const text = redactor.redact(line);
    return typeof text === 'string' ? text : line;
  }
  const redacted = redactor.redact(parsed);
  return redacted === parsed ? line : `${JSON.stringify(redacted)}\n`;
}

let warnedOldPino = false;

function redactOwnOutput(logger: PinoLogger, hooksSym: symbol | undefined, redactor: Redactor) {
  const hooks = hooksSym === undefined ? undefined : (logger[hooksSym] as Record<string, unknown>);
  if (hooksSym === undefined || hooks === undefined) {
    if (!warnedOldPino) {
      diag.warn(
        "@seclog/node: bridges: this pino version has no streamWrite hook, so pino's own output is not redacted (seclog's files and OTLP are); upgrade pino to redact it too",
      );
      warnedOldPino = true;
    }
    return;
  }
  const appHook = hooks.streamWrite as ((s: string) => string) | undefined;
  // A new hooks object: pino shares its default one between loggers.
  logger[hooksSym] = {
    ...hooks,
    streamWrite: (s: string) => redactLine(redactor, appHook === undefined ? s : appHook(s)),
  };
}

/**
 * The pino instrumentation, with every logger it patches also redacting its own output. Wraps
 * the factory the instrumentation's patch returns, as the instrumentation wraps pino's, for the
 * CommonJS exports and the ESM namespace alike.
 */
export function redactingPinoInstrumentation(
  Base: InstrumentationClass,
  redactor: Redactor,
): InstrumentationClass {
  return class RedactingPinoInstrumentation extends Base {
    init(): ModuleDefinition[] {
      const definitions = (Base.prototype as { init(): ModuleDefinition[] }).init.call(this);
      for (const definition of definitions) {
        const patch = definition.patch;
        if (patch === undefined) continue;
        definition.patch = (exports, version) => {
          const patched = patch(exports, version) as PinoFactory;
          if (typeof patched !== 'function') return patched;
          const hooksSym = patched.symbols?.hooksSym;
          const wrapped: PinoFactory = Object.assign((...args: unknown[]) => {
            const logger = patched(...args);
            redactOwnOutput(logger, hooksSym, redactor);
            return logger;
          }, patched);
          if (typeof wrapped.pino === 'function') wrapped.pino = wrapped;
          if (typeof wrapped.default === 'function') wrapped.default = wrapped;
          const namespace = exports as { [Symbol.toStringTag]?: string } & Record<string, unknown>;
          if (namespace[Symbol.toStringTag] === 'Module') {
            if (namespace.pino !== undefined) namespace.pino = wrapped;
            namespace.default = wrapped;
          }
          return wrapped;
        };
      }
      return definitions;
    }
  };
}

/** winston's `%s` arguments, interpolated into the message later by `format.splat()`. */
const SPLAT = Symbol.for('splat');

/**
 * A winston info object with every string-keyed field redacted (field names as keys, so
 * `password` is masked whatever its value) and its splat arguments by value; copied only when
 * something matched. `logger.error(err)` makes the Error itself the info object: its `message`
 * and `stack` are own but not enumerable, and winston's formats print them.
 */
function redactInfo(
  redactor: Redactor,
  info: Record<string | symbol, unknown>,
): Record<string | symbol, unknown> {
  let out = info;
  const keys = Object.keys(info);
  if (info instanceof Error) {
    for (const key of ['message', 'stack']) if (!keys.includes(key)) keys.push(key);
  }
  for (const key of keys) {
    const value = info[key];
    const redacted = redactor.redact(value, key);
    if (redacted === value) continue;
    if (out === info) out = copyInfo(info);
    if (redacted === undefined) delete out[key];
    else out[key] = redacted;
  }
  const splat = info[SPLAT];
  if (Array.isArray(splat)) {
    const redacted = redactor.redact(splat);
    if (redacted !== splat) {
      if (out === info) out = copyInfo(info);
      out[SPLAT] = redacted;
    }
  }
  return out;
}

/**
 * A copy that winston reads as the original: every own field, symbols (level, message, splat)
 * included, and for an Error its prototype, so `format.errors()` still sees an Error.
 */
function copyInfo(info: Record<string | symbol, unknown>): Record<string | symbol, unknown> {
  if (!(info instanceof Error)) return { ...info };
  return Object.defineProperties(
    Object.create(Object.getPrototypeOf(info) as object) as Record<string | symbol, unknown>,
    Object.getOwnPropertyDescriptors(info),
  );
}

/**
 * The winston instrumentation, with every log call redacted before winston's formats and
 * transports see it: `Logger.prototype.write`, which the instrumentation already wraps for
 * correlation, gets the redaction inside that wrapper.
 */
export function redactingWinstonInstrumentation(
  Base: InstrumentationClass,
  redactor: Redactor,
): InstrumentationClass {
  return class RedactingWinstonInstrumentation extends Base {
    _getPatchedWrite(): (original: Write) => Write {
      const correlate = (
        Base.prototype as { _getPatchedWrite(): (original: Write) => Write }
      )._getPatchedWrite.call(this);
      return (original) =>
        correlate(function redactedWrite(this: unknown, info, ...rest) {
          const safe =
            typeof info === 'object' && info !== null ? redactInfo(redactor, info) : info;
          return original.call(this, safe, ...rest);
        });
    }
  };
}
