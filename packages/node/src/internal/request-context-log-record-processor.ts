// First processor of the pipeline: gives records that did not come through SecurityLogger (bridges,
// plain OTel loggers) the current request's id, attributes (`http.request.method`, `url.path`,
// `client.address`, ...) and trace context, as SecurityLogger gives its own, so every record
// correlates. A record's own attribute of the same name wins.
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
    for (const [key, value] of Object.entries(request.attributes ?? {})) {
      if (record.attributes[key] === undefined) {
        record.setAttribute(
          key,
          Array.isArray(value)
            ? [...(value as readonly string[])]
            : (value as string | number | boolean),
        );
      }
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
