// Sends a failure to the OTel global error handler, whatever was thrown.
import { globalErrorHandler } from '@opentelemetry/core';

export function reportError(error: unknown): void {
  globalErrorHandler(error instanceof Error ? error : new Error(String(error)));
}
