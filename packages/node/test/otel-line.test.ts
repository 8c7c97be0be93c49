import { describe, expect, it } from 'vitest';
import * as api from '@opentelemetry/api';
import {
  LoggerProvider,
  InMemoryLogRecordExporter,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';

describe('the OpenTelemetry line under test', () => {
  it('matches SECLOG_OTEL_LINE', () => {
    const hasLogsInApi = 'logs' in api;
    expect(hasLogsInApi).toBe(process.env.SECLOG_OTEL_LINE === '3');
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    provider.getLogger('x').emit({ body: 'hi', eventName: 'a.b' });
    expect(exporter.getFinishedLogRecords()[0]?.eventName).toBe('a.b');
  });
});
