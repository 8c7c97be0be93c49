// Exporter self-telemetry: plain counters always, mirrored to OTel counters when a meter provider
// is given.
import type { CounterLike, DropReason, MeterProviderLike } from '../types.js';

const SCOPE = '@seclog/rotating-file-log-record-exporter';

/** Counters kept by the exporter. */
export class SelfMetrics {
  recordsWritten = 0;
  bytesWritten = 0;
  rotations = 0;
  filesCompressed = 0;
  filesDeleted = 0;
  tornLinesSetAside = 0;
  /** Attribute names an ECS line wrote under `seclog.collision.` instead of a core field. */
  ecsFieldCollisions = 0;
  readonly dropped: Partial<Record<DropReason, number>> = {};
  private readonly _records?: CounterLike;
  private readonly _bytes?: CounterLike;
  private readonly _rotations?: CounterLike;
  private readonly _drops?: CounterLike;

  constructor(meterProvider: MeterProviderLike | undefined) {
    if (meterProvider === undefined) return;
    const meter = meterProvider.getMeter(SCOPE);
    this._records = meter.createCounter('seclog.file_exporter.records', {
      description: 'Log records written to files',
      unit: '{record}',
    });
    this._bytes = meter.createCounter('seclog.file_exporter.bytes', {
      description: 'Bytes written to files',
      unit: 'By',
    });
    this._rotations = meter.createCounter('seclog.file_exporter.rotations', {
      description: 'Files sealed and rotated',
      unit: '{file}',
    });
    this._drops = meter.createCounter('seclog.file_exporter.dropped', {
      description: 'Log records not written, by reason',
      unit: '{record}',
    });
  }

  written(records: number, bytes: number): void {
    this.recordsWritten += records;
    this.bytesWritten += bytes;
    this._records?.add(records);
    this._bytes?.add(bytes);
  }

  rotated(): void {
    this.rotations++;
    this._rotations?.add(1);
  }

  /** Counts attribute names moved under `seclog.collision.` (see ecs-json-line.ts). */
  ecsCollided(count: number): void {
    this.ecsFieldCollisions += count;
  }

  drop(reason: DropReason, records: number): void {
    if (records <= 0) return;
    this.dropped[reason] = (this.dropped[reason] ?? 0) + records;
    this._drops?.add(records, { reason });
  }
}
