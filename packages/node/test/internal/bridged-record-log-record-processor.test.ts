// Bridged records through a real LoggerProvider: the OTel severity text, and no copy on the
// console path.
import { describe, expect, it } from 'vitest';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  BridgedRecordLogRecordProcessor,
  severityTextOf,
  withoutBridgedRecords,
} from '../../src/internal/bridges/bridged-record-log-record-processor.js';

const PINO_SCOPE = '@opentelemetry/instrumentation-pino';
const WINSTON_SCOPE = '@opentelemetry/winston-transport';

function pipeline() {
  const files = new InMemoryLogRecordExporter();
  const consoleLines = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [
      new BridgedRecordLogRecordProcessor(),
      new SimpleLogRecordProcessor({ exporter: files }),
      withoutBridgedRecords(new SimpleLogRecordProcessor({ exporter: consoleLines })),
    ],
  });
  return { provider, files, consoleLines };
}

describe('BridgedRecordLogRecordProcessor', () => {
  it("replaces pino's and winston's level names with the OTel severity text", async () => {
    const { provider, files } = pipeline();
    provider.getLogger(PINO_SCOPE).emit({ severityNumber: 13, severityText: 'warn', body: 'a' });
    provider.getLogger(WINSTON_SCOPE).emit({ severityNumber: 18, severityText: 'crit', body: 'b' });
    provider.getLogger(PINO_SCOPE).emit({ severityNumber: 10, severityText: 'audit', body: 'c' });
    await provider.forceFlush();
    expect(files.getFinishedLogRecords().map((r) => r.severityText)).toEqual([
      'WARN',
      'ERROR2',
      'INFO2',
    ]);
  });

  it('leaves records of other scopes, and bridged records without a severity number, as they are', async () => {
    const { provider, files } = pipeline();
    provider.getLogger('app').emit({ severityNumber: 13, severityText: 'warn', body: 'a' });
    provider.getLogger(PINO_SCOPE).emit({ severityText: 'custom', body: 'b' });
    await provider.forceFlush();
    expect(files.getFinishedLogRecords().map((r) => r.severityText)).toEqual(['warn', 'custom']);
  });

  it("drops the exception winston-transport makes of a %s argument, and keeps an Error's", async () => {
    const { provider, files } = pipeline();
    const value = ['hun', 'ter', '2', Date.now().toString(36)].join('');
    const winston = provider.getLogger(WINSTON_SCOPE);
    winston.emit({
      body: 'password=[REDACTED:credential]',
      attributes: { 'exception.message': value },
    });
    winston.emit({
      body: 'failed',
      attributes: {
        'exception.message': 'boom',
        'exception.type': 'Error',
        'exception.stacktrace': 'Error: boom',
      },
    });
    provider.getLogger('app').emit({ body: 'own', attributes: { 'exception.message': 'kept' } });
    await provider.forceFlush();
    expect(files.getFinishedLogRecords().map((r) => r.attributes['exception.message'])).toEqual([
      undefined,
      'boom',
      'kept',
    ]);
  });

  it('keeps bridged records off the console path and on the others', async () => {
    const { provider, files, consoleLines } = pipeline();
    provider.getLogger(PINO_SCOPE).emit({ body: 'pino' });
    provider.getLogger(WINSTON_SCOPE).emit({ body: 'winston' });
    provider.getLogger('@seclog/security').emit({ body: 'own' });
    await provider.forceFlush();
    expect(files.getFinishedLogRecords().map((r) => r.body)).toEqual(['pino', 'winston', 'own']);
    expect(consoleLines.getFinishedLogRecords().map((r) => r.body)).toEqual(['own']);
  });
});

describe('severityTextOf', () => {
  it('names all 24 severity numbers and nothing outside them', () => {
    const names = Array.from({ length: 24 }, (_, i) => severityTextOf(i + 1));
    expect(names.slice(0, 5)).toEqual(['TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG']);
    expect(names.slice(20)).toEqual(['FATAL', 'FATAL2', 'FATAL3', 'FATAL4']);
    expect([0, 25, 1.5, undefined].map(severityTextOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
