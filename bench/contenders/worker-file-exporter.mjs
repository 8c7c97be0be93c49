// Proof of concept for issue 6's "move serialization, hashing and writing to a worker thread":
// a LogRecordExporter that only flattens each batch to one JSON string on the calling thread and
// hands it to a worker, where the real RotatingFileLogRecordExporter serializes, hashes and writes.
// Bench-only: one resource and one scope per exporter, attribute values limited to what JSON carries.
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./worker-file-exporter-thread.mjs', import.meta.url);

/** Exporter facade on the calling thread; export() acknowledges when the worker has written. */
export class WorkerFileExporter {
  constructor(options) {
    this._worker = new Worker(WORKER_URL, { workerData: { options } });
    this._worker.unref();
    this._next = 1;
    this._waiting = new Map();
    this._headSent = false;
    this._worker.on('message', (msg) => {
      const done = this._waiting.get(msg.id);
      if (done === undefined) return;
      this._waiting.delete(msg.id);
      done(msg);
    });
    this._worker.on('error', (error) => {
      for (const done of this._waiting.values()) done({ code: 1, error });
      this._waiting.clear();
    });
  }

  _call(message) {
    const id = this._next++;
    return new Promise((resolve) => {
      this._waiting.set(id, resolve);
      this._worker.postMessage({ id, ...message });
    });
  }

  export(records, resultCallback) {
    let head;
    if (!this._headSent && records.length > 0) {
      const r = records[0];
      head = {
        resource: { ...r.resource.attributes },
        scope: { name: r.instrumentationScope.name, version: r.instrumentationScope.version },
      };
      this._headSent = true;
    }
    let text = '';
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const sc = r.spanContext;
      text +=
        (i === 0 ? '' : '\n') +
        JSON.stringify([
          r.hrTime,
          r.hrTimeObserved,
          r.severityNumber,
          r.severityText,
          r.body,
          r.eventName,
          r.attributes,
          r.droppedAttributesCount,
          sc === undefined ? 0 : [sc.traceId, sc.spanId, sc.traceFlags],
        ]);
    }
    void this._call({ head, text }).then((msg) =>
      resultCallback(
        msg.code === 0 ? { code: 0 } : { code: 1, error: new Error(String(msg.error)) },
      ),
    );
  }

  async forceFlush() {
    await this._call({ op: 'flush' });
  }

  async shutdown() {
    this._worker.ref();
    await this._call({ op: 'shutdown' });
    await this._worker.terminate();
  }
}
