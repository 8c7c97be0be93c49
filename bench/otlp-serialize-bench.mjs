// Cost of turning one 512-record batch of the standard event into an OTLP/HTTP request body:
// JsonLogsSerializer vs ProtobufLogsSerializer (what the OTLP http/json and http/protobuf
// exporters run before the network), without and with gzip.
//   node otlp-serialize-bench.mjs [--quick] [--json]
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { median } from './lib/stats.mjs';
import { makePool } from './lib/workload.mjs';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const JSON_OUT = args.includes('--json');
const BATCH = 512;
const BATCHES = QUICK ? 30 : 200;
const RUNS = QUICK ? 3 : 5;

async function main() {
  const { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } =
    await import('@opentelemetry/sdk-logs');
  const { JsonLogsSerializer, ProtobufLogsSerializer } =
    await import('@opentelemetry/otlp-transformer');
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('security-bench', '1.0.0');
  for (const ev of makePool(BATCH)) {
    logger.emit({
      severityNumber: 9,
      severityText: 'INFO',
      eventName: ev.attrs['event.name'],
      body: ev.msg,
      attributes: ev.attrs,
    });
  }
  const batch = memory.getFinishedLogRecords();
  if (batch.length !== BATCH) throw new Error(`captured ${batch.length} records, wanted ${BATCH}`);

  const cases = {
    json: () => JsonLogsSerializer.serializeRequest(batch),
    protobuf: () => ProtobufLogsSerializer.serializeRequest(batch),
    'json + gzip (sync)': () => zlib.gzipSync(JsonLogsSerializer.serializeRequest(batch)),
    'protobuf + gzip (sync)': () => zlib.gzipSync(ProtobufLogsSerializer.serializeRequest(batch)),
  };
  const results = [];
  for (const [name, fn] of Object.entries(cases)) {
    for (let i = 0; i < 20; i++) fn();
    const size = fn().length;
    const ms = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      for (let i = 0; i < BATCHES; i++) fn();
      ms.push((performance.now() - t0) / BATCHES);
    }
    const msPerBatch = median(ms);
    results.push({
      case: name,
      batch: BATCH,
      bodyBytes: size,
      bytesPerRec: size / BATCH,
      msPerBatch,
      recPerSec: BATCH / (msPerBatch / 1000),
    });
  }
  if (JSON_OUT) process.stdout.write(JSON.stringify(results) + '\n');
  else for (const r of results) console.log(JSON.stringify(r));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
