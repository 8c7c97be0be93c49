// Builds the Resource: SDK defaults, host and process (pid, runtime), OTEL_RESOURCE_ATTRIBUTES,
// OTEL_SERVICE_NAME, then the options, which win (explicit code over ambient configuration).
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { diag } from '@opentelemetry/api';
import type { StartSecurityLoggingOptions } from '../types.js';
import { entries } from './options.js';
import { withTimeout } from './with-timeout.js';

export function buildResource(options: StartSecurityLoggingOptions): Resource {
  checkResourceAttributesEnv(process.env.OTEL_RESOURCE_ATTRIBUTES);
  const detected = detectResources({ detectors: [hostDetector, processDetector, envDetector] });
  const explicit: Record<string, string | number | boolean> = { ...options.resourceAttributes };
  if (options.serviceName !== undefined) explicit['service.name'] = options.serviceName;
  if (options.serviceVersion !== undefined) explicit['service.version'] = options.serviceVersion;
  return defaultResource().merge(detected).merge(resourceFromAttributes(explicit));
}

/**
 * Resolves once the resource's async attributes (e.g. `host.id`) are in, or after `timeoutMillis`;
 * never rejects. Until then the SDK rebuilds `resource.attributes` on every read and exporters
 * would send a resource without them.
 */
export function settleResource(resource: Resource, timeoutMillis = 1000): Promise<void> {
  if (!resource.asyncAttributesPending || resource.waitForAsyncAttributes === undefined) {
    return Promise.resolve();
  }
  const waitForAsyncAttributes = resource.waitForAsyncAttributes.bind(resource);
  return withTimeout(waitForAsyncAttributes, timeoutMillis);
}

/**
 * The SDK's env detector drops a malformed OTEL_RESOURCE_ATTRIBUTES without a word (at debug
 * level): say which entries are not `key=value`. Values are not echoed; they may be private.
 */
function checkResourceAttributesEnv(raw: string | undefined): void {
  if (raw === undefined || raw.trim() === '') return;
  const bad = raw
    .split(',')
    .map((entry, i) => ({ entry: entry.trim(), i }))
    .filter(({ entry }) => entry !== '' && !/^[^=]*[^=\s][^=]*=[^=]*$/.test(entry));
  if (bad.length === 0) return;
  diag.warn(
    `@seclog/node: OTEL_RESOURCE_ATTRIBUTES ${entries(bad.map((b) => b.i))} not key=value (one = each; percent-encode , and = inside keys and values); the SDK ignores the whole variable`,
  );
}
