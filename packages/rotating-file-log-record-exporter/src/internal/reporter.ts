// How the exporter reports what goes wrong after setup: never thrown into the application, said
// once per condition to the global error handler, and counted under a drop reason.
import { ExportResultCode, globalErrorHandler, type ExportResult } from '@opentelemetry/core';
import type { DropReason } from '../types.js';
import { PACKAGE } from './options.js';
import type { SelfMetrics } from './self-metrics.js';

export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
}

function dropReason(err: unknown): DropReason {
  switch (errorCode(err)) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'disk_full';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'permission_denied';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'directory_missing';
    case 'ELOOP':
    case 'EEXIST':
    case 'EUNSAFE':
      return 'unsafe_path';
    default:
      return 'io_error';
  }
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Reports failures to the global error handler, one report per condition, not one per batch. */
export class Reporter {
  private _lastReported: string | undefined;

  constructor(private readonly _metrics: SelfMetrics) {}

  report(err: unknown, context: string): void {
    const key = `${context}:${errorCode(err)}`;
    if (key === this._lastReported) return;
    this._lastReported = key;
    globalErrorHandler(new Error(`${PACKAGE}: ${context}: ${asError(err).message}`));
  }

  /** A write went through: the next failure is a new condition, reported again. */
  succeeded(): void {
    this._lastReported = undefined;
  }

  /** Counts `dropped` records under `err`'s reason and returns the failed result. */
  failed(err: unknown, dropped: number): ExportResult {
    this._metrics.drop(dropReason(err), dropped);
    // Not reported here: the error goes back in the result, and the processor that called says it
    // (the SDK's through its error handler, @seclog/node's in its drop line, with the remedy).
    return { code: ExportResultCode.FAILED, error: asError(err) };
  }
}
