// First processor of the pipeline: gives records that did not come through SecurityLogger (bridges,
// plain OTel loggers) the current request's id and trace context, so every record correlates.
import { isSpanContextValid } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { ATTR_SECLOG_REQUEST_ID } from '@seclog/semconv';
import { getRequestContext } from '@seclog/security-logger';

export class RequestContextLogRecordProcessor implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord): void {
    const request = getRequestContext();
    if (request === undefined) return;
    if (record.attributes[ATTR_SECLOG_REQUEST_ID] === undefined) {
      record.setAttribute(ATTR_SECLOG_REQUEST_ID, request.requestId);
    }
    const current = record.spanContext;
    if (
      request.spanContext !== undefined &&
      (current === undefined || !isSpanContextValid(current))
    ) {
      record.spanContext = request.spanContext;
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
