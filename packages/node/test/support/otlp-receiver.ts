// A real OTLP/HTTP logs receiver for tests: decodes JSON and protobuf (gzip or not) payloads with
// the official OTLP proto definitions (protobufjs code generated from opentelemetry-proto, shipped
// in @opentelemetry/otlp-transformer 0.212) and can refuse or stall to simulate a failing Collector.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { once } from 'node:events';

const require = createRequire(import.meta.url);
const root = require('otlp-proto-definitions/build/src/generated/root.js');
const ExportLogsServiceRequest =
  root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

export interface ReceivedLogRecord {
  resource: Record<string, unknown>;
  scope: string;
  eventName: string;
  severityNumber: number;
  severityText: string;
  traceId: string;
  spanId: string;
  body: unknown;
  attributes: Record<string, unknown>;
  timeUnixNano: string;
}

export type ReceiverMode = 'accept' | 'refuse' | 'stall';

export interface OtlpReceiver {
  readonly url: string;
  readonly records: ReceivedLogRecord[];
  /** Raw request bodies after gunzip, to search for leaked secrets. */
  readonly rawBodies: Buffer[];
  readonly contentTypes: string[];
  readonly encodings: string[];
  requests: number;
  mode: ReceiverMode;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const stalled: ServerResponse[] = [];
  const receiver: OtlpReceiver = {
    url: '',
    records: [],
    rawBodies: [],
    contentTypes: [],
    encodings: [],
    requests: 0,
    mode: 'accept',
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    receiver.requests++;
    if (receiver.mode === 'stall') {
      stalled.push(res);
      return;
    }
    if (receiver.mode === 'refuse') {
      res.writeHead(503, { 'retry-after': '0' }).end();
      return;
    }
    let body = Buffer.concat(chunks);
    const encoding = String(req.headers['content-encoding'] ?? 'identity');
    if (encoding === 'gzip') body = gunzipSync(body);
    const type = String(req.headers['content-type'] ?? '');
    receiver.rawBodies.push(body);
    receiver.contentTypes.push(type);
    receiver.encodings.push(encoding);
    const request = type.includes('protobuf')
      ? ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(body), {
          longs: String,
          bytes: String,
          defaults: false,
        })
      : JSON.parse(body.toString('utf8'));
    receiver.records.push(...flatten(request, type.includes('protobuf')));
    res
      .writeHead(200, { 'content-type': type })
      .end(type.includes('protobuf') ? Buffer.alloc(0) : '{}');
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  (receiver as { url: string }).url = `http://127.0.0.1:${address.port}/v1/logs`;
  return receiver;
}

interface KeyValue {
  key: string;
  value: AnyValueJson;
}
interface AnyValueJson {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueJson[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}

function toValue(v: AnyValueJson | undefined): unknown {
  if (v === undefined || v === null) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(toValue);
  if (v.kvlistValue !== undefined) return toMap(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return undefined;
}

function toMap(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = toValue(kv.value);
  return out;
}

/** Trace and span ids are hex in OTLP/JSON and base64 bytes in the protobuf object form. */
function hexId(id: string | undefined, protobuf: boolean): string {
  if (id === undefined || id === '') return '';
  return protobuf ? Buffer.from(id, 'base64').toString('hex') : id;
}

function flatten(request: any, protobuf: boolean): ReceivedLogRecord[] {
  const out: ReceivedLogRecord[] = [];
  for (const rl of request.resourceLogs ?? []) {
    const resource = toMap(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        out.push({
          resource,
          scope: sl.scope?.name ?? '',
          eventName: lr.eventName ?? '',
          severityNumber:
            typeof lr.severityNumber === 'string'
              ? Number(root.opentelemetry.proto.logs.v1.SeverityNumber[lr.severityNumber])
              : (lr.severityNumber ?? 0),
          severityText: lr.severityText ?? '',
          traceId: hexId(lr.traceId, protobuf),
          spanId: hexId(lr.spanId, protobuf),
          body: toValue(lr.body),
          attributes: toMap(lr.attributes),
          timeUnixNano: String(lr.timeUnixNano ?? ''),
        });
      }
    }
  }
  return out;
}
