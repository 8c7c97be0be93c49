// Resources whose detectors are still running: the exporter waits for them (bounded) before it
// renders their records, as the SDK's batch processor does, and remembers those that never settle.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** How long one export waits for a resource's async detectors before writing without them. */
const RESOURCE_SETTLE_MS = 1000;

interface SettlingResource {
  readonly asyncAttributesPending?: boolean | undefined;
  waitForAsyncAttributes?: () => Promise<void>;
}

/** Resources whose async detectors did not settle in time: never waited for again. */
const unsettled = new WeakSet<object>();

/**
 * Waits (bounded) for the async attributes of every distinct resource in `records`, as the SDK's
 * batch processor does. Until a resource settles its attributes are rebuilt on every read and its
 * serialized head cannot be cached, so this also keeps the hot path off that slow road.
 */
export async function settleResources(records: readonly ReadableLogRecord[]): Promise<void> {
  let last: unknown;
  for (const record of records) {
    const res = record.resource as SettlingResource | undefined;
    if (res === last || res === undefined || res === null) continue;
    last = res;
    if (res.asyncAttributesPending !== true || typeof res.waitForAsyncAttributes !== 'function')
      continue;
    if (unsettled.has(res)) continue;
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      res.waitForAsyncAttributes().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), RESOURCE_SETTLE_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (!settled || res.asyncAttributesPending === true) unsettled.add(res);
  }
}

/** True unless the record's resource may still gain async attributes (checked without waiting). */
export function resourceSettled(record: ReadableLogRecord): boolean {
  const res = record.resource as SettlingResource | undefined;
  return res?.asyncAttributesPending !== true || unsettled.has(res);
}
