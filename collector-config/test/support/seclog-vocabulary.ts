// The names seclog emits, from @seclog/semconv: the only event names and attribute keys our
// collector configs may test or read.
import {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  EMITTED_ATTRIBUTE_KEYS,
  EVENT_SECLOG_ALERT,
  EVENT_SECLOG_CHAIN_ANCHOR,
  EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
  SECURITY_EVENTS,
} from '@seclog/semconv';
import type { SeclogVocabulary } from './check-collector-config.js';

/**
 * Resource attributes a seclog service carries: service.name and service.version (set by
 * @seclog/node), deployment.environment.name and host.name (OTEL_RESOURCE_ATTRIBUTES, resource
 * detection in the agent). Not in EMITTED_ATTRIBUTE_KEYS, which lists record attributes.
 */
export const RESOURCE_ATTRIBUTE_KEYS: readonly string[] = [
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  'deployment.environment.name',
  'host.name',
];

/** seclog's vocabulary as the config checks use it. */
export const SECLOG_VOCABULARY: SeclogVocabulary = {
  // The vocabulary, plus seclog's own events: detection's alert and the file exporter's records.
  eventNames: [
    ...SECURITY_EVENTS.map((event) => event.eventName),
    EVENT_SECLOG_ALERT,
    EVENT_SECLOG_CHAIN_ANCHOR,
    EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
  ],
  attributeKeys: EMITTED_ATTRIBUTE_KEYS,
  resourceAttributeKeys: RESOURCE_ATTRIBUTE_KEYS,
};
