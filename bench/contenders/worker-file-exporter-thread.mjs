// Worker side of WorkerFileExporter: rebuilds minimal readable records from the batch string and
// runs them through the real RotatingFileLogRecordExporter (serialization, hash chain, writes).
import { parentPort, workerData } from 'node:worker_threads';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';

const exporter = new RotatingFileLogRecordExporter(workerData.options);
let resource = { attributes: {}, asyncAttributesPending: false };
let scope = { name: 'unknown' };

parentPort.on('message', (msg) => {
  const reply = (extra) => parentPort.postMessage({ id: msg.id, code: 0, ...extra });
  if (msg.op === 'flush') {
    void exporter.forceFlush().then(() => reply({}));
    return;
  }
  if (msg.op === 'shutdown') {
    void exporter.shutdown().then(() => reply({}));
    return;
  }
  if (msg.head) {
    // Stable objects, so the exporter's per-resource/scope head cache applies.
    resource = { attributes: msg.head.resource, asyncAttributesPending: false };
    scope = msg.head.scope;
  }
  const lines = msg.text.split('\n');
  const records = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const a = JSON.parse(lines[i]);
    records[i] = {
      hrTime: a[0],
      hrTimeObserved: a[1],
      severityNumber: a[2],
      severityText: a[3],
      body: a[4],
      eventName: a[5],
      attributes: a[6],
      droppedAttributesCount: a[7],
      spanContext:
        a[8] === 0 ? undefined : { traceId: a[8][0], spanId: a[8][1], traceFlags: a[8][2] },
      resource,
      instrumentationScope: scope,
    };
  }
  exporter.export(records, (result) =>
    parentPort.postMessage({
      id: msg.id,
      code: result.code,
      error: result.error ? String(result.error.message ?? result.error) : undefined,
    }),
  );
});
