// Cost of RedactingLogRecordProcessor.onEmit per record on the standard security event (no secret and
// one secret), next to JSON.stringify of the same record. Build first: npx tsc -b packages/redacting-log-record-processor
//   node packages/redacting-log-record-processor/benchmarks/on-emit.bench.mjs [iterations=300000]
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RedactingLogRecordProcessor } from '../dist/index.js';

const ITER = Number(process.argv[2] ?? 300_000);

/**
 * A minimal ReadWriteLogRecord: the processor only needs attributes, body, setBody, setAttribute.
 * Attributes are copied key by key into a fresh object, as the SDK's LogRecordImpl does.
 */
class FakeRecord {
  constructor(attributes, body) {
    this.attributes = {};
    for (const key in attributes) this.attributes[key] = attributes[key];
    this.body = body;
  }
  setBody(body) {
    this.body = body;
  }
  setAttribute(key, value) {
    this.attributes[key] = value;
  }
}

function event(i, secret) {
  const attributes = {
    'event.name': 'auth.login',
    'user.id': `u-${100000 + ((i * 7919) % 50000)}`,
    'client.address': `203.0.${(i >> 8) & 255}.${i & 255}`,
    'http.request.method': 'POST',
    'url.path': '/api/v1/session',
    'event.outcome': i % 2 ? 'success' : 'failure',
    'http.request.id': randomUUID(),
    session: { mfa: { method: i % 3 ? 'totp' : 'webauthn', verified: i % 5 !== 0 } },
  };
  if (secret) attributes.session.token = `eyJhbGciOiJIUzI1NiJ9.${randomUUID().replace(/-/g, '')}`;
  return attributes;
}

function measure(fn) {
  for (let i = 0; i < 50_000; i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < ITER; i++) fn(i);
  return ((performance.now() - t0) * 1e6) / ITER;
}

const processor = new RedactingLogRecordProcessor();
for (const secret of [false, true]) {
  const pool = Array.from({ length: 4096 }, (_, i) => event(i, secret));
  const body = 'authentication attempt';
  const copy = measure((i) => new FakeRecord(pool[i & 4095], body));
  const stringify = measure((i) => JSON.stringify({ body, attributes: pool[i & 4095] }));
  const redact = measure((i) => processor.onEmit(new FakeRecord(pool[i & 4095], body)));
  console.log(
    JSON.stringify({
      case: secret ? 'one secret (session.token)' : 'no secret',
      onEmitNsPerRecord: Math.round(redact - copy),
      jsonStringifyNsPerRecord: Math.round(stringify),
    }),
  );
}
