// Builds the Resource: SDK defaults, host and process (pid, runtime), OTEL_RESOURCE_ATTRIBUTES,
// OTEL_SERVICE_NAME, then the options, which win (explicit code over ambient configuration). The
// process detector copies the command line (`--api-key=…` included) onto every record, so it goes
// through the same redaction rules as the records.
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type { AttributeValue } from '@opentelemetry/api';
import type { Redactor } from '@seclog/redacting-log-record-processor';
import { diag } from '@opentelemetry/api';
import type { StartSecurityLoggingOptions } from '../types.js';
import { entries } from './options.js';
import { withTimeout } from './with-timeout.js';

export function buildResource(
  options: StartSecurityLoggingOptions,
  redactor: Redactor | undefined,
): Resource {
  checkResourceAttributesEnv(process.env.OTEL_RESOURCE_ATTRIBUTES);
  const detected = detectResources({ detectors: [hostDetector, processDetector, envDetector] });
  const explicit: Record<string, string | number | boolean> = { ...options.resourceAttributes };
  if (options.serviceName !== undefined) explicit['service.name'] = options.serviceName;
  if (options.serviceVersion !== undefined) explicit['service.version'] = options.serviceVersion;
  const commandLine = redactor === undefined ? {} : redactedCommandLine(redactor);
  return defaultResource()
    .merge(detected)
    .merge(resourceFromAttributes(commandLine))
    .merge(resourceFromAttributes(explicit));
}

/**
 * The process detector's command-line attributes, redacted. A flag without `=` names the value
 * that follows it (`--password hunter2`), so that value is redacted under the flag's name.
 */
// OTel process attributes (semantic-conventions' incubating entry point, not a dependency here).
const ATTR_PROCESS_COMMAND = 'process.command';
const ATTR_PROCESS_COMMAND_ARGS = 'process.command_args';
const ATTR_PROCESS_COMMAND_LINE = 'process.command_line';

function redactedCommandLine(redactor: Redactor): Record<string, AttributeValue> {
  // The process detector is synchronous: reading its attributes does not wait or warn.
  const attrs = detectResources({ detectors: [processDetector] }).attributes;
  const out: Record<string, AttributeValue> = {};
  const args = attrs[ATTR_PROCESS_COMMAND_ARGS];
  if (Array.isArray(args)) {
    out[ATTR_PROCESS_COMMAND_ARGS] = args.map((arg, i) => {
      const flag = i > 0 ? args[i - 1] : undefined;
      const name =
        typeof flag === 'string' && /^--?[A-Za-z]/.test(flag) && !flag.includes('=')
          ? flag.replace(/^-+/, '')
          : undefined;
      return redactedString(redactor.redact(arg, name));
    });
  }
  for (const key of [ATTR_PROCESS_COMMAND, ATTR_PROCESS_COMMAND_LINE]) {
    const value = attrs[key];
    if (typeof value === 'string') out[key] = redactedString(redactor.redact(value));
  }
  return out;
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

/** A redacted string is a string; a value the rules remove is the bare placeholder. */
function redactedString(value: unknown): string {
  return typeof value === 'string' ? value : '[REDACTED]';
}
