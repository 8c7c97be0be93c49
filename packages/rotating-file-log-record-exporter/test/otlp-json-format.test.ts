// Decoded OTLP/JSON trees are walked untyped here.
import { describe, it, expect } from 'vitest';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { allLines, tempDir } from './helpers.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Records covering every AnyValue kind, span context, event name and an unsettled-free resource. */
function captureRecords(): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'i-1' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('auth', '2.0.0');
  const spanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  };
  logger.emit({
    context: trace.setSpanContext(context.active(), spanContext),
    timestamp: new Date('2026-11-23T10:00:00.123Z'),
    severityNumber: 13,
    severityText: 'WARN',
    eventName: 'authn.login.failure',
    body: 'login failed for "alice"\n\u0000\u001b[31m',
    attributes: {
      'user.name': 'alice',
      'attempt.count': 3,
      'attempt.negative': -42,
      'risk.score': 0.75,
      'mfa.used': false,
      'net.peers': ['10.0.0.1', 'fe80::1'],
      'http.codes': [401, 403],
      'unicode.text': 'ça marche ✓ 日本',
    },
  });
  logger.emit({
    body: {
      reason: 'locked',
      tries: 5,
      flags: [true, 1.5, 'x'],
      nested: { deep: { deeper: 'v' } },
    },
    attributes: { 'raw.bytes': new Uint8Array([0, 1, 2, 250, 255]) },
  });
  logger.emit({ body: 7 });
  logger.emit({});
  return memory.getFinishedLogRecords();
}

/** The transformer writes int64 as JSON numbers and an empty body as `{}`; OTLP/JSON wants strings. */
function normalize(value: Json): Json {
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'intValue' && typeof v === 'number') out[k] = String(v);
      else if (k === 'body' && v !== null && typeof v === 'object' && Object.keys(v).length === 0)
        continue;
      else out[k] = normalize(v);
    }
    return out;
  }
  return value;
}

function stripChain(req: { [k: string]: Json }): Json {
  const rec = (req as any).resourceLogs[0].scopeLogs[0].logRecords[0];
  rec.attributes = rec.attributes.filter(
    (a: { key: string }) => !a.key.startsWith('seclog.chain.'),
  );
  delete (req as any).resourceLogs[0].resource.schemaUrl;
  return req;
}

/** OTLP/JSON decoding rules applied to an AnyValue, back to the JS value the SDK held. */
function decodeAnyValue(v: Record<string, any>): unknown {
  const keys = Object.keys(v);
  expect(keys.length).toBe(1);
  const [k] = keys;
  const x = v[k!];
  switch (k) {
    case 'stringValue':
      expect(typeof x).toBe('string');
      return x;
    case 'intValue':
      expect(x).toMatch(/^-?\d+$/);
      return Number(BigInt(x));
    case 'doubleValue':
      return typeof x === 'string' ? Number(x) : x;
    case 'boolValue':
      return x;
    case 'bytesValue':
      expect(x).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
      return new Uint8Array(Buffer.from(x, 'base64'));
    case 'arrayValue':
      return x.values.map(decodeAnyValue);
    case 'kvlistValue':
      return Object.fromEntries(
        x.values.map((kv: { key: string; value: any }) => [kv.key, decodeAnyValue(kv.value)]),
      );
    default:
      throw new Error(`unknown AnyValue field ${k}`);
  }
}

async function writeLines(records: ReadableLogRecord[], hashChain = true): Promise<string[]> {
  const { dir, cleanup } = tempDir();
  const exporter = new RotatingFileLogRecordExporter({ directory: dir, hashChain });
  await new Promise((resolve) => exporter.export(records, resolve));
  await exporter.shutdown();
  const lines = allLines(dir);
  cleanup();
  return lines;
}

describe('RotatingFileLogRecordExporter', () => {
  describe('export (otlp-json format)', () => {
    it('writes each record as the ExportLogsServiceRequest JsonLogsSerializer produces, plus the chain attributes', async () => {
      const records = captureRecords();
      const lines = await writeLines(records);
      expect(lines.length).toBe(records.length);
      records.forEach((record, i) => {
        const expected = normalize(
          JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest([record])!).toString('utf8')),
        );
        const actual = stripChain(JSON.parse(lines[i]!));
        expect(actual).toEqual(expected);
      });
    });

    it('writes exactly the ExportLogsServiceRequest JsonLogsSerializer produces with hashChain: false', async () => {
      const records = captureRecords();
      const lines = await writeLines(records, false);
      expect(lines.length).toBe(records.length);
      records.forEach((record, i) => {
        expect(lines[i]).not.toContain('seclog.chain.');
        const expected = normalize(
          JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest([record])!).toString('utf8')),
        );
        const actual = JSON.parse(lines[i]!);
        delete actual.resourceLogs[0].resource.schemaUrl;
        expect(actual).toEqual(expected);
      });
    });

    it('round-trips through the OTLP/JSON decoding rules to the values the SDK held', async () => {
      const records = captureRecords();
      const lines = await writeLines(records);
      records.forEach((record, i) => {
        const req = JSON.parse(lines[i]!);
        expect(Object.keys(req)).toEqual(['resourceLogs']);
        const rec = req.resourceLogs[0].scopeLogs[0].logRecords[0];
        const nanos = BigInt(record.hrTime[0]) * 1_000_000_000n + BigInt(record.hrTime[1]);
        expect(rec.timeUnixNano).toMatch(/^\d+$/);
        expect(BigInt(rec.timeUnixNano)).toBe(nanos);
        expect(typeof rec.observedTimeUnixNano).toBe('string');
        if (record.severityNumber !== undefined)
          expect(rec.severityNumber).toBe(record.severityNumber);
        if (record.spanContext !== undefined) {
          expect(rec.traceId).toMatch(/^[0-9a-f]{32}$/);
          expect(rec.spanId).toMatch(/^[0-9a-f]{16}$/);
          expect(rec.flags).toBe(record.spanContext.traceFlags);
        } else {
          expect(rec.traceId).toBeUndefined();
        }
        expect(rec.eventName).toBe(record.eventName);
        if (record.body !== undefined) expect(decodeAnyValue(rec.body)).toEqual(record.body);
        const attrs = Object.fromEntries(
          rec.attributes.map((kv: { key: string; value: any }) => [
            kv.key,
            decodeAnyValue(kv.value),
          ]),
        );
        expect(attrs['seclog.chain.seq']).toBe(i + 1);
        expect(attrs['seclog.chain.hash']).toMatch(/^[0-9a-f]{64}$/);
        delete attrs['seclog.chain.seq'];
        delete attrs['seclog.chain.hash'];
        expect(attrs).toEqual(record.attributes);
        const resource = Object.fromEntries(
          req.resourceLogs[0].resource.attributes.map((kv: { key: string; value: any }) => [
            kv.key,
            decodeAnyValue(kv.value),
          ]),
        );
        expect(resource).toEqual(record.resource.attributes);
      });
    });

    it('keeps control characters escaped so a value can never start a new line', async () => {
      const lines = await writeLines(captureRecords());
      // eslint-disable-next-line no-control-regex
      for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f]/);
    });

    it('writes non-finite doubles as proto3 JSON strings', async () => {
      const odd = {
        hrTime: [1, 0],
        hrTimeObserved: [1, 0],
        resource: { attributes: {} },
        instrumentationScope: { name: 's' },
        attributes: { nan: NaN, inf: Infinity, ninf: -Infinity },
        droppedAttributesCount: 0,
      } as unknown as ReadableLogRecord;
      const [line] = await writeLines([odd]);
      const attrs = JSON.parse(line!).resourceLogs[0].scopeLogs[0].logRecords[0].attributes;
      expect(attrs.slice(0, 3)).toEqual([
        { key: 'nan', value: { doubleValue: 'NaN' } },
        { key: 'inf', value: { doubleValue: 'Infinity' } },
        { key: 'ninf', value: { doubleValue: '-Infinity' } },
      ]);
    });
  });
});
