// Writes the request id into the response without ever throwing into the application.
import { diag } from '@opentelemetry/api';

/** Calls `set(name, id)`; a failure (e.g. headers already sent) goes to `diag`. */
export function echoRequestId(
  set: (name: string, value: string) => unknown,
  name: string,
  requestId: string,
): void {
  try {
    set(name, requestId);
  } catch (err) {
    diag.warn('@seclog/http: could not set the request id response header', err);
  }
}
