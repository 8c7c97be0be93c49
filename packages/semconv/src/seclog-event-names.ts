// Every EventName seclog emits in its own namespace, in one list, so that a name given in
// configuration (a detection rule's events) can be checked at setup instead of never matching.
import {
  EVENT_SECLOG_ALERT,
  EVENT_SECLOG_ALERT_DETECTION_SATURATED,
  EVENT_SECLOG_ALERT_SUPPRESSED,
} from './alert-events.js';
import { SECURITY_EVENTS } from './events.js';
import {
  EVENT_SECLOG_CHAIN_ANCHOR,
  EVENT_SECLOG_INVALID_CUSTOM_EVENT,
  EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
} from './log-events.js';

/**
 * Every `seclog.*` EventName: the vocabulary's (`seclog.<token>`), seclog's own log events and the
 * alert events. No other record carries a `seclog.` name (custom events in it are refused).
 */
export const SECLOG_EVENT_NAMES: readonly string[] = Object.freeze([
  ...SECURITY_EVENTS.map((e) => e.eventName),
  EVENT_SECLOG_CHAIN_ANCHOR,
  EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
  EVENT_SECLOG_INVALID_CUSTOM_EVENT,
  EVENT_SECLOG_ALERT,
  EVENT_SECLOG_ALERT_SUPPRESSED,
  EVENT_SECLOG_ALERT_DETECTION_SATURATED,
]);
