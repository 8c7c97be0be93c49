// Prints one line per record: aligned and readable on a TTY, JSON otherwise. Unlike the SDK's
// ConsoleLogRecordExporter (multi-line console.dir), every record is exactly one line, escaped by
// seclog's one policy (@seclog/security-logger's escapeJsonLine) in every field.
import { ExportResultCode, hrTimeToTimeStamp } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { formatPrettyLine, jsonLine } from '@seclog/rotating-file-log-record-exporter/verify';

export interface LineStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export class ConsoleLineLogRecordExporter implements LogRecordExporter {
  private readonly _stream: LineStream;
  private readonly _pretty: boolean;

  constructor(options: { stream: LineStream; format: 'pretty' | 'json' }) {
    this._stream = options.stream;
    this._pretty = options.format === 'pretty';
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    resultCallback(this.exportSync(records));
  }

  /**
   * Writes `records` at once. The process's stdout and stderr are written synchronously on Linux
   * (files, TTYs and pipes), so this is also the last-words path at exit.
   */
  exportSync(records: readonly ReadableLogRecord[]): ExportResult {
    try {
      if (records.length > 0) this._stream.write(this._render(records));
      return { code: ExportResultCode.SUCCESS };
    } catch (error) {
      return { code: ExportResultCode.FAILED, error: error as Error };
    }
  }

  private _render(records: readonly ReadableLogRecord[]): string {
    let out = '';
    for (const record of records) out += this._line(record) + '\n';
    return out;
  }

  // One record that cannot be rendered (a body whose toJSON throws, from a plain OTel logger)
  // must not take the batch with it: it is written with its body replaced by the reason.
  private _line(record: ReadableLogRecord): string {
    const render = this._pretty ? prettyLine : jsonRecord;
    try {
      return render(record);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'unknown error';
      const standIn = Object.create(record, {
        body: {
          value: `[seclog: this record's body or attributes could not be rendered: ${reason}]`,
        },
        attributes: { value: {} },
      }) as ReadableLogRecord;
      try {
        return render(standIn);
      } catch {
        return '[seclog: a record could not be rendered]';
      }
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The pretty line of `record`: the one seclog tail prints for the same record (the exporter's src/internal/format-pretty-line.ts). */
function prettyLine(record: ReadableLogRecord): string {
  const span = record.spanContext;
  return formatPrettyLine({
    time: record.hrTime,
    severityText: record.severityText,
    severityNumber: record.severityNumber,
    eventName: record.eventName,
    body: record.body,
    attributes: record.attributes,
    traceId: span?.traceId,
    spanId: span?.spanId,
  });
}

function jsonRecord(record: ReadableLogRecord): string {
  const span = record.spanContext;
  return jsonLine({
    timestamp: hrTimeToTimeStamp(record.hrTime),
    severityText: record.severityText,
    severityNumber: record.severityNumber,
    eventName: record.eventName,
    body: record.body,
    traceId: span?.traceId,
    spanId: span?.spanId,
    traceFlags: span?.traceFlags,
    service: record.resource.attributes['service.name'],
    scope: record.instrumentationScope.name,
    attributes: record.attributes,
  });
}
