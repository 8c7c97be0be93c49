// Records that pino and winston send through the official OpenTelemetry bridges: they carry the
// library's own level name ('warn', 'info') as severity text, and the application already prints
// them through the library's own destinations.
import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/** Instrumentation scopes the bridges emit with (their package names). */
const BRIDGE_SCOPES = new Set([
  '@opentelemetry/instrumentation-pino',
  '@opentelemetry/winston-transport',
]);

const SEVERITY_RANGES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** The OTel short name of a severity number: 13 → `WARN`, 14 → `WARN2`; `undefined` outside 1–24. */
export function severityTextOf(severityNumber: number | undefined): string | undefined {
  if (severityNumber === undefined || !Number.isInteger(severityNumber)) return undefined;
  if (severityNumber < 1 || severityNumber > 24) return undefined;
  const range = SEVERITY_RANGES[Math.floor((severityNumber - 1) / 4)];
  const step = (severityNumber - 1) % 4;
  return step === 0 ? range : `${range}${step + 1}`;
}

const WINSTON_SCOPE = '@opentelemetry/winston-transport';

/**
 * `@opentelemetry/winston-transport` takes the first string argument of `logger.info('password=%s',
 * value)` for an exception, so `exception.message` would hold the raw value (no key beside it for
 * redaction to read) while the body holds it interpolated and redacted. An exception from an
 * Error has a type or a stack: one with neither is that string, already in the body, and goes.
 */
function dropSplatException(record: ReadWriteLogRecord): void {
  const attributes = record.attributes as Record<string, unknown>;
  if (
    typeof attributes['exception.message'] === 'string' &&
    attributes['exception.type'] === undefined &&
    attributes['exception.stacktrace'] === undefined
  ) {
    delete attributes['exception.message'];
  }
}

function isBridgedRecord(record: { instrumentationScope: { name: string } }): boolean {
  return BRIDGE_SCOPES.has(record.instrumentationScope.name);
}

/**
 * Gives bridged records the OTel severity text of their severity number, so `WARN` reads the same
 * whichever logger wrote it (pino says `warn`, a custom pino level its own name, winston `warning`
 * for syslog levels).
 */
export class BridgedRecordLogRecordProcessor implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord): void {
    if (!isBridgedRecord(record)) return;
    const text = severityTextOf(record.severityNumber);
    if (text !== undefined) record.severityText = text;
    if (record.instrumentationScope.name === WINSTON_SCOPE) dropSplatException(record);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Keeps bridged records away from an export path (the console): the application prints them
 * already through pino's or winston's own destinations, and a second copy on stdout would
 * interleave with the first. They still reach every other path.
 */
export function withoutBridgedRecords(inner: LogRecordProcessor): LogRecordProcessor {
  return {
    onEmit(record: ReadWriteLogRecord, context?: Context): void {
      if (!isBridgedRecord(record)) inner.onEmit(record, context);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}
