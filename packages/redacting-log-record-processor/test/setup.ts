// Shared test setup: a real LoggerProvider with the redacting processor first and an in-memory exporter
// after it, plus serializers for the leak checks (plain JSON and OTLP/JSON).
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { RedactingLogRecordProcessor } from '@seclog/redacting-log-record-processor';
import type { RedactingLogRecordProcessorOptions } from '@seclog/redacting-log-record-processor';

export interface Emitted {
  body?: unknown;
  attributes?: Record<string, unknown>;
  eventName?: string;
  exception?: unknown;
}

export function setup(
  options?: RedactingLogRecordProcessorOptions,
  limits?: { attributeValueLengthLimit?: number; attributeCountLimit?: number },
): {
  emit: (record: Emitted) => ReadableLogRecord;
  exporter: InMemoryLogRecordExporter;
  provider: LoggerProvider;
} {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [
      new RedactingLogRecordProcessor(options),
      new SimpleLogRecordProcessor({ exporter }),
    ],
    ...(limits !== undefined ? { logRecordLimits: limits } : {}),
  });
  const logger = provider.getLogger('redaction-test');
  const emit = (record: Emitted): ReadableLogRecord => {
    logger.emit(record as never);
    const records = exporter.getFinishedLogRecords();
    return records[records.length - 1]!;
  };
  return { emit, exporter, provider };
}

/** Everything a record carries that an exporter could write, as one string. */
export function serialize(records: readonly ReadableLogRecord[]): string {
  const plain = JSON.stringify(
    records.map((r) => ({ body: r.body, attributes: r.attributes, eventName: r.eventName })),
    (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
  );
  const bytes = JsonLogsSerializer.serializeRequest(records as ReadableLogRecord[]);
  const otlp = bytes === undefined ? '' : new TextDecoder().decode(bytes);
  return `${plain}\n${otlp}`;
}

/** The forbidden substrings found in a serialized output, as is or percent-encoded. */
export function leaks(output: string, forbidden: readonly string[]): string[] {
  return forbidden.filter(
    (f) => f.length > 0 && (output.includes(f) || output.includes(encodeURIComponent(f))),
  );
}

/**
 * Emits `text` as a body, a nested body, plain, URL, exception and JSON-string attributes through
 * a fresh setup, and returns the forbidden substrings found in what was exported.
 */
export function leaksInEveryPosition(text: string, forbidden: readonly string[]): string[] {
  const { emit, exporter } = setup();
  emit({ body: text, attributes: { 'app.msg': text } });
  emit({ body: { log: { lines: [text] } }, attributes: { 'url.full': text } });
  emit({
    attributes: { 'exception.message': text, 'app.json': JSON.stringify({ m: text }) },
  });
  return leaks(serialize(exporter.getFinishedLogRecords()), forbidden);
}
