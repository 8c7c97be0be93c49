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
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
} from '@seclog/rotating-file-log-record-exporter';
import { allLines, lineNumbers, lineRecords, record, tempDir } from './helpers.js';

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
      // A plain string after other values: its comma comes with its cached opening.
      'net.zone': 'dmz',
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
  // A plain string body and severity: the text the exporter caches or writes without escaping.
  logger.emit({
    severityNumber: 9,
    severityText: 'INFO',
    eventName: 'authn.login.success',
    body: 'login ok for alice',
    attributes: { 'user.name': 'alice' },
  });
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

/** The request without the chain attributes of its records and the resource's empty schemaUrl. */
function stripChain(req: { [k: string]: Json }): Json {
  for (const rl of (req as any).resourceLogs) {
    delete rl.resource.schemaUrl;
    for (const sl of rl.scopeLogs) {
      for (const rec of sl.logRecords) {
        rec.attributes = rec.attributes.filter(
          (a: { key: string }) => !a.key.startsWith('seclog.chain.'),
        );
      }
    }
  }
  return req;
}

/**
 * What the Collector's otlp_json_file receiver makes of a file: each line is one
 * ExportLogsServiceRequest, unmarshalled on its own; its records are every logRecord of every
 * scopeLogs of every resourceLogs, each with that resource and scope.
 */
function collectorDecode(lines: string[]): { resource: any; scope: any; record: any }[] {
  return lines.flatMap((line) => {
    const req = JSON.parse(line);
    expect(Object.keys(req)).toEqual(['resourceLogs']);
    return req.resourceLogs.flatMap((rl: any) =>
      rl.scopeLogs.flatMap((sl: any) =>
        sl.logRecords.map((record: any) => ({ resource: rl.resource, scope: sl.scope, record })),
      ),
    );
  });
}

function serialized(records: ReadableLogRecord[]): Json {
  return normalize(
    JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest(records)!).toString('utf8')),
  );
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

async function writeLines(
  records: ReadableLogRecord[],
  hashChain = true,
  maxLineBytes?: number,
): Promise<string[]> {
  const { dir, cleanup } = tempDir();
  const exporter = new RotatingFileLogRecordExporter({
    directory: dir,
    hashChain,
    ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
  });
  await new Promise((resolve) => exporter.export(records, resolve));
  await exporter.shutdown();
  const lines = allLines(dir);
  cleanup();
  return lines;
}

describe('RotatingFileLogRecordExporter', () => {
  describe('export (otlp-json format)', () => {
    it('writes a batch sharing resource and scope as the one ExportLogsServiceRequest JsonLogsSerializer produces for it, plus the chain attributes', async () => {
      const records = captureRecords();
      const lines = await writeLines(records);
      // Format v2: one line, one request, every record of the batch under one resource and scope.
      expect(lines).toHaveLength(1);
      expect(stripChain(JSON.parse(lines[0]!))).toEqual(serialized(records));
    });

    it('writes each record as the ExportLogsServiceRequest JsonLogsSerializer produces for it alone with maxLineBytes: 1 (format v1)', async () => {
      const records = captureRecords();
      const lines = await writeLines(records, true, 1);
      expect(lines.length).toBe(records.length);
      records.forEach((record, i) => {
        expect(stripChain(JSON.parse(lines[i]!))).toEqual(serialized([record]));
      });
    });

    it('writes exactly the ExportLogsServiceRequest JsonLogsSerializer produces with hashChain: false', async () => {
      const records = captureRecords();
      const lines = await writeLines(records, false);
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain('seclog.chain.');
      const actual = JSON.parse(lines[0]!);
      delete actual.resourceLogs[0].resource.schemaUrl;
      expect(actual).toEqual(serialized(records));
    });

    it('splits a batch into one line per run of records sharing resource and scope, each its own request', async () => {
      const records = captureRecords();
      // The SDK's record keeps its fields behind getters: copy it with its prototype.
      const other = Object.assign(Object.create(Object.getPrototypeOf(records[1])), records[1], {
        instrumentationScope: { name: 'other-scope' },
      }) as ReadableLogRecord;
      const batch = [records[0]!, other, records[2]!, records[3]!] as ReadableLogRecord[];
      const lines = await writeLines(batch);
      expect(lines).toHaveLength(3);
      const decoded = collectorDecode(lines);
      expect(decoded.map((d) => d.scope.name)).toEqual(['auth', 'other-scope', 'auth', 'auth']);
      expect(stripChain(JSON.parse(lines[2]!))).toEqual(serialized(batch.slice(2)));
      expect(decoded.map((d) => d.record.attributes.at(-2).value.intValue)).toEqual([
        '1',
        '2',
        '3',
        '4',
      ]);
    });

    it('round-trips through the OTLP/JSON decoding rules to the values the SDK held', async () => {
      const records = captureRecords();
      const lines = await writeLines(records);
      // Decoded as the Collector does: the multi-record line is one ExportLogsServiceRequest.
      expect(lines).toHaveLength(1);
      const decoded = collectorDecode(lines);
      expect(decoded).toHaveLength(records.length);
      records.forEach((record, i) => {
        const { resource: res, scope, record: rec } = decoded[i]!;
        expect(scope).toEqual({ name: 'auth', version: '2.0.0' });
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
          res.attributes.map((kv: { key: string; value: any }) => [
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

describe('RotatingFileLogRecordExporter line size (format v2)', () => {
  it('caps lines at maxLineBytes and gives a record bigger than the cap a line of its own', async () => {
    const { dir, cleanup } = tempDir();
    const exporter = new RotatingFileLogRecordExporter({ directory: dir, maxLineBytes: 4096 });
    const records = Array.from<unknown, ReadableLogRecord>({ length: 40 }, (_, n) =>
      n === 20 ? { ...record(n), body: 'x'.repeat(10_000) } : record(n),
    );
    await new Promise((resolve) => exporter.export(records, resolve));
    await exporter.shutdown();
    const lines = allLines(dir);
    const counts = lines.map((l) => lineRecords([l]).length);
    const big = lines.findIndex((l) => l.includes('x'.repeat(10_000)));
    expect(counts[big]).toBe(1);
    expect(Buffer.byteLength(lines[big]!) + 1).toBeGreaterThan(4096);
    lines.forEach((l, i) => {
      if (i !== big) expect(Buffer.byteLength(l) + 1).toBeLessThanOrEqual(4096);
    });
    // Several records share each of the other lines, and every record is there, in order.
    expect(lines.length).toBeLessThan(20);
    expect(lineNumbers(lines)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    expect(await verifyDirectory(dir)).toMatchObject({ ok: true, recordsChecked: 40 });
    cleanup();
  });
});
