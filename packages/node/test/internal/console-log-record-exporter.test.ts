// The console exporter: one line per record in both formats, every field under the one escaping
// policy, and a readable line that leads with what a reader looks for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { ConsoleLineLogRecordExporter } from '../../src/internal/console-log-record-exporter.js';
import {
  hostileRecord,
  LINE_ESCAPE_CASES,
  lineProblem,
} from '../../../security-logger/test/fixtures/line-escape-cases.js';

// An empty scope name becomes `unknown` in the SDK; the empty string is covered by its own case.
const NON_EMPTY_CASES = LINE_ESCAPE_CASES.filter((c) => c.raw !== '');

function setup(format: 'pretty' | 'json', resource: Record<string, string> = {}) {
  const chunks: string[] = [];
  const exporter = new ConsoleLineLogRecordExporter({
    stream: { write: (c: string) => chunks.push(c) },
    format,
  });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  return {
    provider,
    logger: provider.getLogger('test'),
    output: () => chunks.join(''),
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
      it('writes the rest of a batch, and a stand-in line, when one record cannot be rendered', () => {
        const memory = new InMemoryLogRecordExporter();
        const provider = new LoggerProvider({
          processors: [new SimpleLogRecordProcessor({ exporter: memory })],
        });
        const logger = provider.getLogger('test');
        logger.emit({ body: 'first' });
        const poison = {
          toJSON() {
            throw new Error('no JSON here');
          },
        };
        logger.emit({ body: { p: poison } as never });
        logger.emit({ body: 'last words' });
        const chunks: string[] = [];
        const exporter = new ConsoleLineLogRecordExporter({
          stream: { write: (c: string) => chunks.push(c) },
          format,
        });
        expect(exporter.exportSync(memory.getFinishedLogRecords()).code).toBe(0);
        const lines = chunks.join('').split('\n').slice(0, -1);
        expect(lines).toHaveLength(3);
        expect(lines[0]).toContain('first');
        expect(lines[2]).toContain('last words');
        if (format === 'json') expect(lines[1]).toContain('could not be rendered: no JSON here');
      });

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
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN {2}seclog\.authn_login_fail user\.id=alice "User login failed"$/,
    );
  });

  describe('export (pretty)', () => {
    it('leads with time, level, event, user, address, outcome and reason; the body and request attributes after', () => {
      const { logger, lines } = setup('pretty');
      logger.emit({
        timestamp: new Date('2026-11-23T10:00:00.123Z'),
        eventName: 'seclog.authn_login_fail',
        severityText: 'WARN',
        body: 'User login failed',
        attributes: {
          'http.route': '/login',
          'seclog.reason': 'bad_password',
          'seclog.request.id': 'r-1',
          'seclog.outcome': 'failure',
          'client.address': '203.0.113.7',
          'user.id': 'alice',
        },
      });
      expect(lines()[0]).toBe(
        '2026-11-23T10:00:00.123Z WARN  seclog.authn_login_fail user.id=alice client.address=203.0.113.7 ' +
          'seclog.outcome=failure seclog.reason=bad_password "User login failed" http.route=/login seclog.request.id=r-1',
      );
    });

    it('names the level from the severity number when there is no severity text', () => {
      const { logger, lines } = setup('pretty');
      for (const severityNumber of [9, 14, 21]) logger.emit({ severityNumber, body: 'x' });
      expect(lines().map((l) => l.slice(25))).toEqual(['INFO  x', 'WARN2 x', 'FATAL x']);
    });

    it('quotes a value once: say "hi" prints as "say \\"hi\\""', () => {
      const { logger, lines } = setup('pretty');
      logger.emit({ attributes: { q: 'say "hi"' } });
      expect(lines()[0]).toMatch(/ q="say \\"hi\\""$/);
    });

    it('keeps a hostile severity text from a plain OTel logger on one line without a raw ESC', () => {
      const { logger, output } = setup('pretty');
      logger.emit({
        severityText: 'INFO\n2026-01-01T00:00:00.000Z FATAL \u001b[2Jforged',
        body: 'x',
      });
      expect(lineProblem(output(), 1)).toBeUndefined();
      expect(output()).toContain(' "INFO\\n2026-01-01T00:00:00.000Z FATAL \\u001b[2Jforged" x\n');
    });

    it.each(NON_EMPTY_CASES.map((c) => [c.name, c]))(
      'writes %s in every field as the table says',
      (_n, c) => {
        const { logger, lines } = setup('pretty');
        logger.emit({
          severityText: c.raw,
          eventName: c.raw,
          body: c.raw,
          attributes: { 'user.id': c.raw, [`k${c.raw}`]: c.raw },
        });
        // The key `k<raw>` is bare when `<raw>` is, else the JSON string of it.
        const keyToken = c.pretty === c.raw ? `k${c.raw}` : `"k${c.json.slice(1)}`;
        const level = c.pretty.padEnd(5);
        expect(lines()).toHaveLength(1);
        expect(lines()[0]!.slice(25)).toBe(
          `${level} ${c.pretty} user.id=${c.pretty} ${c.pretty} ${keyToken}=${c.pretty}`,
        );
      },
    );
  });

  describe('export (json)', () => {
    it.each(NON_EMPTY_CASES.map((c) => [c.name, c]))(
      'writes %s in every field as the table says',
      (_n, c) => {
        const { provider, output } = setup('json', { 'service.name': c.raw });
        provider.getLogger(c.raw).emit({
          severityText: c.raw,
          eventName: c.raw,
          body: c.raw,
          attributes: { [`k${c.raw}`]: { [c.raw]: [c.raw] } },
        });
        const line = output();
        for (const field of ['severityText', 'eventName', 'body', 'service', 'scope'])
          expect(line).toContain(`"${field}":${c.json}`);
        expect(line).toContain(`{${c.json}:[${c.json}]}`);
      },
    );
  });

  for (const format of ['pretty', 'json'] as const) {
    describe(`export (${format}, any hostile record)`, () => {
      it('prints exactly one line per record with no raw control or bidi character in any field', () => {
        fc.assert(
          fc.property(hostileRecord, (r) => {
            const { provider, output } = setup(format, r.resource);
            provider.getLogger(r.scopeName, r.scopeVersion).emit({
              severityText: r.severityText,
              eventName: r.eventName,
              body: r.body,
              attributes: r.attributes as Record<string, string>,
            });
            expect(lineProblem(output(), 1)).toBeUndefined();
            if (format === 'json') {
              expect(JSON.parse(output())).toMatchObject({
                severityText: r.severityText,
                eventName: r.eventName,
                body: r.body,
                service: r.resource['service.name'],
                scope: r.scopeName,
                attributes: r.attributes,
              });
            }
          }),
          { numRuns: 200 },
        );
      });
    });
  }
});
