import { describe, expect, it } from 'vitest';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { ConsoleLineLogRecordExporter } from '../../src/internal/console-log-record-exporter.js';

function setup(format: 'pretty' | 'json') {
  const chunks: string[] = [];
  const exporter = new ConsoleLineLogRecordExporter({
    stream: { write: (c: string) => chunks.push(c) },
    format,
  });
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  return {
    logger: provider.getLogger('test'),
    lines: () => chunks.join('').split('\n').slice(0, -1),
  };
}

const hostile = [
  'alice\n{"event":"forged"}',
  'alice\r\nINFO forged line',
  'alice\u2028forged',
  'alice\u2029forged',
  'alice\u0085forged',
  'alice\u001b[2J\u001b[31mred',
  'alice\u009b31mred',
  'alice\u0000nul\u007fdel',
];

describe('ConsoleLineLogRecordExporter', () => {
  for (const format of ['pretty', 'json'] as const) {
    describe(`export (${format})`, () => {
      it('prints exactly one line per record whatever control characters the values hold', () => {
        const { logger, lines } = setup(format);
        for (const value of hostile) {
          logger.emit({
            eventName: 'seclog.authn_login_fail',
            body: value,
            attributes: { 'user.id': value, [value]: 1, nested: { deep: [value] } },
          });
        }
        const printed = lines();
        expect(printed).toHaveLength(hostile.length);
        for (const line of printed) {
          // eslint-disable-next-line no-control-regex
          expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        }
      });
    });
  }

  it('prints JSON that parses back to the original values', () => {
    const { logger, lines } = setup('json');
    logger.emit({
      eventName: 'seclog.authn_login_fail',
      severityText: 'WARN',
      severityNumber: 13,
      body: hostile[0],
      attributes: { 'user.id': hostile[5]! },
    });
    const parsed = JSON.parse(lines()[0]!);
    expect(parsed).toMatchObject({
      eventName: 'seclog.authn_login_fail',
      severityText: 'WARN',
      severityNumber: 13,
      body: hostile[0],
      attributes: { 'user.id': hostile[5] },
    });
  });

  it('prints a readable line with the event name, body and attributes in pretty mode', () => {
    const { logger, lines } = setup('pretty');
    logger.emit({
      eventName: 'seclog.authn_login_fail',
      severityText: 'WARN',
      body: 'User login failed',
      attributes: { 'user.id': 'alice' },
    });
    expect(lines()[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN {5}seclog\.authn_login_fail "User login failed" user\.id=alice$/,
    );
  });
});
