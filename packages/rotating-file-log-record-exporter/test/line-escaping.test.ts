// One line per record in the files whatever a record holds: hostile strings in every field
// (body, attribute keys and values at any depth, severity text, event name, scope, resource) are
// written under the one escaping policy in both formats, parse back to what was logged, and the
// hash chain, computed over the bytes as written, verifies.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
  type FileFormat,
} from '@seclog/rotating-file-log-record-exporter';
import {
  hostileRecord,
  LINE_ESCAPE_CASES,
  lineProblem,
  type HostileRecord,
} from '../../security-logger/test/fixtures/line-escape-cases.js';
import { allLines, dataFiles } from './helpers.js';

const FORMATS: readonly FileFormat[] = ['otlp-json', 'ecs-json'];

/** Writes `records` through a real LoggerProvider, one provider per record (its own resource). */
async function writeRecords(format: FileFormat, records: readonly HostileRecord[]) {
  const dir = mkdtempSync(join(tmpdir(), 'seclog-rfx-escape-'));
  const exporter = new RotatingFileLogRecordExporter({ directory: dir, format });
  for (const r of records) {
    const provider = new LoggerProvider({
      resource: resourceFromAttributes(r.resource),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    provider.getLogger(r.scopeName, r.scopeVersion).emit({
      severityNumber: 13,
      severityText: r.severityText,
      eventName: r.eventName,
      body: r.body,
      attributes: r.attributes as Record<string, string>,
    });
    await provider.forceFlush();
  }
  await exporter.shutdown();
  const text = dataFiles(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');
  const verified = await verifyDirectory(dir);
  return { text, lines: allLines(dir), verified, cleanup: () => rmSync(dir, { recursive: true }) };
}

type AnyValue = Record<string, unknown>;
function decode(v: AnyValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('arrayValue' in v) return (v.arrayValue as { values: AnyValue[] }).values.map(decode);
  if ('kvlistValue' in v) return decodeList((v.kvlistValue as { values: unknown[] }).values);
  throw new Error(`unexpected AnyValue ${JSON.stringify(v)}`);
}
function decodeList(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list as { key: string; value: AnyValue }[]) out[kv.key] = decode(kv.value);
  return out;
}

/** What a line holds of the record, read back with the format's own rules. */
function readBack(format: FileFormat, line: string): HostileRecord {
  const parsed = JSON.parse(line) as Record<string, any>;
  if (format === 'otlp-json') {
    const resourceLog = parsed.resourceLogs[0];
    const scopeLog = resourceLog.scopeLogs[0];
    const rec = scopeLog.logRecords[0];
    const attributes = decodeList(
      rec.attributes.filter((kv: { key: string }) => !kv.key.startsWith('seclog.chain.')),
    );
    return {
      body: rec.body.stringValue,
      severityText: rec.severityText,
      eventName: rec.eventName,
      scopeName: scopeLog.scope.name,
      scopeVersion: scopeLog.scope.version,
      attributes,
      resource: decodeList(resourceLog.resource.attributes) as Record<string, string>,
    };
  }
  const { '@timestamp': _t, 'event.severity': _s, ...rest } = parsed;
  const fields: Record<string, unknown> = { ...rest };
  const take = (key: string): string => {
    const v = fields[key] as string;
    delete fields[key];
    return v;
  };
  const record = {
    body: take('message'),
    severityText: take('log.level'),
    eventName: take('event.action'),
    scopeName: take('log.logger'),
    // ECS has no field for the scope version.
    scopeVersion: '',
  };
  take('seclog.chain.seq');
  take('seclog.chain.hash');
  const resource: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    if (key === 'service.name' || key.startsWith('res.')) resource[key] = take(key);
  }
  return { ...record, attributes: fields, resource };
}

describe('RotatingFileLogRecordExporter', () => {
  for (const format of FORMATS) {
    describe(`export (${format})`, () => {
      it('writes every case of the escaping table in every field as the table says, and verifies', async () => {
        const records = LINE_ESCAPE_CASES.filter((c) => c.raw !== '').map((c): HostileRecord => ({
          body: c.raw,
          severityText: c.raw,
          eventName: c.raw,
          scopeName: c.raw,
          scopeVersion: c.raw,
          attributes: { [`k${c.raw}`]: c.raw, nested: { [c.raw]: [c.raw] } },
          resource: { 'service.name': c.raw },
        }));
        const written = await writeRecords(format, records);
        expect(lineProblem(written.text, records.length)).toBeUndefined();
        LINE_ESCAPE_CASES.filter((c) => c.raw !== '').forEach((c, i) => {
          const line = written.lines[i]!;
          if (format === 'otlp-json') {
            expect(line).toContain(`"severityText":${c.json}`);
            expect(line).toContain(`"eventName":${c.json}`);
            expect(line).toContain(`"body":{"stringValue":${c.json}}`);
            expect(line).toContain(`"scope":{"name":${c.json},"version":${c.json}}`);
            expect(line).toContain(`{"key":${c.json},"value":{"arrayValue"`);
          } else {
            expect(line).toContain(`"log.level":${c.json}`);
            expect(line).toContain(`"event.action":${c.json}`);
            expect(line).toContain(`"message":${c.json}`);
            expect(line).toContain(`"log.logger":${c.json}`);
            expect(line).toContain(`"nested":{${c.json}:[${c.json}]}`);
          }
        });
        expect(written.verified.issues).toEqual([]);
        expect(written.verified.ok).toBe(true);
        written.cleanup();
      });

      it('writes one line per record with no raw control or bidi character for any hostile record, parsing back to it, and the chain verifies', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(hostileRecord, { minLength: 1, maxLength: 3 }), async (rs) => {
            const written = await writeRecords(format, rs);
            try {
              expect(lineProblem(written.text, rs.length)).toBeUndefined();
              written.lines.forEach((line, i) => {
                const r = rs[i]!;
                const expected = format === 'otlp-json' ? r : { ...r, scopeVersion: '' };
                expect(readBack(format, line)).toEqual(expected);
              });
              expect(written.verified.ok).toBe(true);
            } finally {
              written.cleanup();
            }
          }),
          { numRuns: 40 },
        );
      });
    });
  }
});
