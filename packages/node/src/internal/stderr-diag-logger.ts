// seclog's warnings and errors (and the SDK's) must reach a person even when the application never
// installed an OTel diag logger, which is the common case: without one, `diag` discards
// everything. This fallback writes them to stderr, one line each, once per condition, and steps
// aside as soon as the application installs a diag logger of its own.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { escapeForLine } from '@seclog/security-logger';

/** The API's global registry key (stable across @opentelemetry/api 1.x, both OTel JS lines). */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/** How long a condition stays quiet after it was printed; repeats are counted meanwhile. */
const QUIET_MS = 60_000;
/** Distinct conditions remembered; the least recently seen is forgotten first. */
const MAX_CONDITIONS = 256;
/** Lines per burst window, whatever the conditions; the rest are counted and summed up later. */
const BURST_LINES = 20;
const BURST_MS = 10_000;
const MAX_LINE = 2000;

/** The API's own message to a logger being replaced by `diag.setLogger`. */
const REPLACED = 'Current logger will be overwritten from';

/**
 * SDK messages that read as failures to a person but are not one, with what they mean. The SDK
 * says this when a record is written before resource detection finished: at exit, or when the
 * application exits right after setup.
 */
const UNSETTLED = 'Accessing resource attributes before async attributes settled';
const UNSETTLED_MEANING =
  'Resource attributes read before resource detection finished (the process ended, or wrote records, right after setup); those records carry the resource attributes known so far';

export interface LineSink {
  write(line: string): unknown;
}

interface Seen {
  printedAt: number;
  repeats: number;
}

/** True when some diag logger (the application's, or this fallback) is registered with the API. */
export function diagLoggerInstalled(): boolean {
  const registry = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[API_GLOBAL];
  return registry?.diag !== undefined;
}

/**
 * A `DiagLogger` for warnings and errors that prints each condition once per minute (a
 * condition is the message with its numbers blanked, so "dropped 3 records" and "dropped 7
 * records" are one), at most 20 lines per 10 s in all, each escaped to one line.
 */
export class StderrDiagLogger implements DiagLogger {
  private readonly _sink: LineSink;
  private readonly _now: () => number;
  private readonly _seen = new Map<string, Seen>();
  private _burstStart = 0;
  private _burstLines = 0;
  private _suppressed = 0;

  constructor(options: { sink: LineSink; now?: () => number }) {
    this._sink = options.sink;
    this._now = options.now ?? Date.now;
  }

  error(message: string, ...args: unknown[]): void {
    if (typeof message === 'string' && message.startsWith(UNSETTLED)) {
      this._print('warn', UNSETTLED_MEANING, []);
      return;
    }
    this._print('error', message, args);
  }

  warn(message: string, ...args: unknown[]): void {
    // Being replaced by the application's logger is the hand-over this fallback waits for.
    if (typeof message === 'string' && message.startsWith(REPLACED)) return;
    this._print('warn', message, args);
  }

  info(): void {}
  debug(): void {}
  verbose(): void {}

  private _print(level: string, message: unknown, args: unknown[]): void {
    try {
      const text = [message, ...args].map(describe).join(' ');
      const key = text.replace(/\d+/g, '#').slice(0, 200);
      const now = this._now();
      const seen = this._seen.get(key);
      if (seen !== undefined && now - seen.printedAt < QUIET_MS) {
        seen.repeats++;
        return;
      }
      if (now - this._burstStart >= BURST_MS) {
        this._burstStart = now;
        this._burstLines = 0;
      }
      if (this._burstLines >= BURST_LINES) {
        this._suppressed++;
        return;
      }
      this._burstLines++;
      let suffix = '';
      if (seen !== undefined && seen.repeats > 0) suffix = ` (and ${seen.repeats} more since)`;
      if (this._suppressed > 0) {
        suffix += ` (${this._suppressed} other seclog messages were suppressed by the rate limit)`;
        this._suppressed = 0;
      }
      this._seen.delete(key);
      this._seen.set(key, { printedAt: now, repeats: 0 });
      if (this._seen.size > MAX_CONDITIONS) {
        this._seen.delete(this._seen.keys().next().value as string);
      }
      const prefix = /^@?seclog\b|^@seclog\//.test(text) ? '' : 'OpenTelemetry: ';
      const line = escapeForLine(`${prefix}${text}`).slice(0, MAX_LINE);
      this._sink.write(`[seclog] ${level}: ${line}${suffix}\n`);
    } catch {
      // Reporting must never throw into the application.
    }
  }
}

/** Error objects and the JSON the SDK's loggingErrorHandler makes of them, as `name: message`. */
function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') {
    if (value.startsWith('{"')) {
      try {
        const parsed = JSON.parse(value) as { message?: unknown; name?: unknown };
        if (typeof parsed.message === 'string') {
          const name = typeof parsed.name === 'string' ? parsed.name : 'Error';
          return parsed.message.startsWith('@seclog/')
            ? parsed.message
            : `${name}: ${parsed.message}`;
        }
      } catch {
        // not the SDK's error JSON: printed as it is
      }
    }
    return value;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The fallback this module registered, and how many setups still use it. */
let registered: unknown;
let users = 0;

function currentDiag(): unknown {
  return (globalThis as Record<symbol, { diag?: unknown } | undefined>)[API_GLOBAL]?.diag;
}

/**
 * Registers a {@link StderrDiagLogger} (warnings and errors) unless a diag logger is installed.
 * Returns an undo; the fallback is removed when the last setup that uses it undoes, and only if
 * it is still the registered logger.
 */
export function installStderrFallback(sink: LineSink = process.stderr): () => void {
  const current = currentDiag();
  if (current !== undefined && current !== registered) return () => undefined;
  if (current === undefined) {
    const fallback = new StderrDiagLogger({ sink });
    diag.setLogger(fallback, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    registered = currentDiag();
  }
  users++;
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    users--;
    if (users === 0 && currentDiag() === registered) {
      diag.disable();
      registered = undefined;
    }
  };
}
