// Public types of @seclog/detection: the rules (data, walked by the engine and printed as Sigma by
// the CLI), the options object (shared with startSecurityLogging's `detection`) and the counters.
import type { Context } from '@opentelemetry/api';

/** An attribute value a rule can compare with or group by. */
export type DetectionValue = string | number | boolean;

/**
 * Which records a rule looks at. A record matches when its eventName is one of `events` (any
 * record when `events` is left out) and, for each `where` entry, its attribute equals the value
 * or one of the values. Records whose eventName starts with `seclog.alert` never match.
 */
export interface DetectionMatch {
  /** Event names, e.g. `seclog.authn_login_fail`. Default: every record. */
  readonly events?: readonly string[];
  /** Attribute conditions, all of which must hold (string, number and boolean values compare with ===). */
  readonly where?: Readonly<Record<string, DetectionValue | readonly DetectionValue[]>>;
}

interface DetectionRuleBase {
  /** Rule id, `[a-z][a-z0-9_]{0,63}`; the alert's `seclog.alert.rule`. */
  readonly id: string;
  /** What the rule finds and why its threshold is what it is (docs, Sigma `description`). */
  readonly description: string;
  /**
   * Attribute keys the records are grouped by, e.g. `user.id`; a record lacking one of them (or
   * holding a value that is not a string, number or boolean) is skipped by the rule. Values longer
   * than 256 characters are tracked as a prefix, their length and a hash; the alert carries them whole.
   */
  readonly groupBy: readonly string[];
  /** The sliding window, in milliseconds; also how long an alert per key is held back. */
  readonly windowMillis: number;
  /** The threshold; see each kind for what is counted. */
  readonly threshold: number;
}

/** Fires when `threshold` matching records of one key fall within `windowMillis`. */
export interface EventCountRule extends DetectionRuleBase {
  readonly kind: 'event_count';
  readonly match: DetectionMatch;
}

/**
 * Fires when the matching records of one key carry `threshold` distinct values of `field` within
 * `windowMillis` (e.g. many user names from one address). Values longer than 64 characters are
 * kept as a prefix and a hash.
 */
export interface ValueCountRule extends DetectionRuleBase {
  readonly kind: 'value_count';
  readonly match: DetectionMatch;
  /** The attribute whose distinct values are counted. */
  readonly field: string;
}

/**
 * Fires when a record matching `then` follows at least `threshold` records matching `first`, all
 * of one key within `windowMillis` (e.g. a login success after a run of failures). A `then`
 * record ends the run whether or not it fires.
 */
export interface SequenceRule extends DetectionRuleBase {
  readonly kind: 'sequence';
  readonly first: DetectionMatch;
  readonly then: DetectionMatch;
}

/** A detection rule. Rules are data: the engine walks them, the docs and `seclog rules --sigma` print them. */
export type DetectionRule = EventCountRule | ValueCountRule | SequenceRule;

/** Tuning of one built-in rule. */
export interface DetectionRuleOverride {
  readonly threshold?: number;
  readonly windowMillis?: number;
}

/** The tuning options, shared with `startSecurityLogging({ detection })`. Every field is optional. */
export interface DetectionOptions {
  /**
   * Per built-in rule id: `false` turns the rule off, an object changes its threshold or window.
   * An unknown id fails at setup.
   */
  readonly builtins?: Readonly<Record<string, DetectionRuleOverride | false>>;
  /** Extra rules, run after the built-in ones; ids must be unique. */
  readonly rules?: readonly DetectionRule[];
  /**
   * Keys tracked at most per table, the rules that group by the same attributes sharing one (the
   * built-in rules make four: `user.id`, `client.address`, `session.id`, `seclog.reason`). When a
   * table is full, the older half of its keys (the ones seen least recently) is dropped, with their
   * state for every rule of the table; each rule counts its share in `evictedKeys`, or in
   * `expiredKeys` when its window had passed. Default 10_000.
   */
  readonly maxKeys?: number;
  /**
   * Alert records per rule in a window of the rule's `windowMillis` (starting at the first alert
   * after the last window closed). Past it the rule's alerts are not emitted as records (they
   * still reach `onAlert`, and hold their key back as an alert does); one
   * `seclog.alert.suppressed` record per rule and window counts them, when the window closes, or
   * at flush or shutdown. Keeps an attacker who makes thousands of keys cross a threshold from
   * flooding the alert route. Default 100.
   */
  readonly maxAlertsPerWindow?: number;
  /**
   * Called with each alert as it is emitted, to respond (lock the account, block the address,
   * page someone). `key` holds the group key as the application logged it, before redaction, so
   * it names the real account or address. Runs in a microtask after the record that fired, never
   * inside the application's call; a throw, or the rejection of a returned promise, is reported
   * (OTel global error handler), not raised.
   */
  readonly onAlert?: (alert: DetectionAlert) => void | Promise<void>;
}

/** What {@link DetectionOptions.onAlert} receives. */
export interface DetectionAlert {
  /** The rule that fired (`seclog.alert.rule`). */
  readonly rule: string;
  /** The group key, as logged (before redaction): e.g. `{ 'user.id': 'alice@example.com' }`. */
  readonly key: Readonly<Record<string, string | number>>;
  /** The alert record's attributes, before redaction (count, window, trace and request ids). */
  readonly attributes: Readonly<Record<string, string | number>>;
}

/** The fields of an OTel log record the processor emits an alert with (both API lines). */
export interface AlertLogRecord {
  eventName: string;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, string | number>;
  context: Context;
}

/** Any OTel `Logger` of either API line; `enabled`, when present, tells a shut-down provider apart. */
export interface AlertLogger {
  emit(record: AlertLogRecord): void;
  enabled?(options?: { context?: Context; severityNumber?: number; eventName?: string }): boolean;
}

/** Options of `DetectionLogRecordProcessor`. */
export interface DetectionLogRecordProcessorOptions extends DetectionOptions {
  /**
   * Where alerts go: a logger of the same LoggerProvider, so an alert passes redaction and every
   * export path like any other record. A function is called at the first alert, which lets the
   * processor be built before its provider.
   */
  readonly logger: AlertLogger | (() => AlertLogger);
}

/** Counters of one rule. */
export interface DetectionRuleStats {
  /** Keys of the rule's table that hold state for this rule. */
  readonly trackedKeys: number;
  readonly evictedKeys: number;
  readonly expiredKeys: number;
  /** Alerts handed on to be emitted (dropped and capped ones are counted apart). */
  readonly alerts: number;
  /** Times the threshold was reached again for a key within the window of its last alert. */
  readonly suppressed: number;
  /**
   * Alerts of this rule dropped because more than 1024 were pending at once (not in `alerts`; the
   * key is not held back, so its next threshold alerts).
   */
  readonly alertsDropped: number;
  /** Alerts of this rule past `maxAlertsPerWindow`: handed to onAlert, counted by seclog.alert.suppressed, not emitted. */
  readonly alertsCapped: number;
}

/** Counters of a `DetectionLogRecordProcessor`. */
export interface DetectionStats {
  /** Alert records handed to the logger (seclog.alert, and the suppressed and saturated reports). */
  readonly alerts: number;
  /** Alerts not emitted: the logger was shut down or failed, or too many were pending. */
  readonly alertsDropped: number;
  readonly rules: Readonly<Record<string, DetectionRuleStats>>;
}
