// Validates the options eagerly: a bad rule or tuning fails at setup, naming the package and the
// option; what comes out is the list of rules the engine runs.
import {
  EMITTED_ATTRIBUTE_KEYS,
  SECLOG_ATTRIBUTE_PREFIX,
  SECLOG_EVENT_NAMES,
  SECURITY_EVENT_PARAMETERS,
} from '@seclog/semconv';
import { BUILTIN_DETECTION_RULES } from '../builtin-rules.js';
import type { DetectionMatch, DetectionOptions, DetectionRule } from '../types.js';

const DEFAULT_MAX_KEYS = 10_000;
/** Alerts per rule and window; past it, one seclog.alert.suppressed record counts the rest. */
const DEFAULT_MAX_ALERTS_PER_WINDOW = 100;
const MAX_THRESHOLD = 10_000;
const MAX_WINDOW_MILLIS = 7 * 24 * 3_600_000;
const RULE_ID = /^[a-z][a-z0-9_]{0,63}$/;
const KNOWN = ['builtins', 'rules', 'maxKeys', 'maxAlertsPerWindow', 'onAlert', 'logger'];
const PARAMETERS: Readonly<Record<string, { attribute: string }>> = SECURITY_EVENT_PARAMETERS;
const SECLOG_EVENTS = new Set(SECLOG_EVENT_NAMES);
/** The seclog.* attribute keys a record can carry: a rule on any other one would never match. */
const SECLOG_ATTRIBUTES = new Set([
  ...EMITTED_ATTRIBUTE_KEYS,
  ...Object.values(PARAMETERS).map((p) => p.attribute),
]);

export interface ResolvedOptions {
  readonly rules: readonly DetectionRule[];
  readonly maxKeys: number;
  readonly maxAlertsPerWindow: number;
}

function fail(option: string, message: string): never {
  throw new TypeError(`@seclog/detection: ${option} ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function intInRange(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function attributeKey(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
    fail(option, 'must be an attribute key (a non-empty string of at most 255 characters)');
  }
  // A security event's field name is not its attribute key: a rule on `userId` would never match.
  const parameter = Object.hasOwn(PARAMETERS, value) ? PARAMETERS[value] : undefined;
  if (parameter !== undefined && parameter.attribute !== value) {
    fail(option, `must be an attribute key: records carry ${value} as ${parameter.attribute}`);
  }
  if (value.startsWith(SECLOG_ATTRIBUTE_PREFIX) && !SECLOG_ATTRIBUTES.has(value)) {
    fail(option, `is not an attribute seclog emits (${JSON.stringify(value)}; a typo?)`);
  }
  return value;
}

function validateMatch(option: string, value: unknown): DetectionMatch {
  if (!isObject(value)) fail(option, 'must be an object with events and/or where');
  for (const key of Object.keys(value)) {
    if (key !== 'events' && key !== 'where') fail(`${option}.${key}`, 'is not an option');
  }
  if (value.events !== undefined) {
    if (!Array.isArray(value.events) || value.events.length === 0) {
      fail(`${option}.events`, 'must be a non-empty array of event names');
    }
    (value.events as unknown[]).forEach((e, i) => {
      const at = `${option}.events[${i}]`;
      if (typeof e !== 'string' || e === '') fail(at, 'must be a non-empty string');
      // Records carry the full event name: a bare vocabulary token would never match.
      if (!e.includes('.')) {
        fail(
          at,
          `must be an event name as records carry it (seclog.${e}, com.acme.${e}), got ${JSON.stringify(e)}`,
        );
      }
      if (e.startsWith('seclog.alert')) {
        fail(at, 'must not name a seclog.alert event (alerts never feed detection)');
      }
      // The application's own names are its business; seclog's are a closed list.
      if (e.startsWith(SECLOG_ATTRIBUTE_PREFIX) && !SECLOG_EVENTS.has(e)) {
        fail(at, `is not an event seclog emits (${JSON.stringify(e)}; a typo?)`);
      }
    });
  }
  if (value.where !== undefined) {
    if (!isObject(value.where)) fail(`${option}.where`, 'must be an object of attribute values');
    for (const [key, v] of Object.entries(value.where)) {
      const at = `${option}.where.${key}`;
      attributeKey(at, key);
      const values: unknown[] = Array.isArray(v) ? v : [v];
      if (
        values.length === 0 ||
        values.some(
          (x) =>
            !(
              typeof x === 'string' ||
              typeof x === 'boolean' ||
              (typeof x === 'number' && Number.isFinite(x))
            ),
        )
      ) {
        fail(at, 'must be a string, finite number or boolean, or a non-empty array of them');
      }
    }
  }
  return value;
}

/** Checks one rule (built-in after tuning, or extra) and returns it frozen. */
function validateRule(option: string, value: unknown): DetectionRule {
  if (!isObject(value)) fail(option, 'must be a rule object');
  if (typeof value.id !== 'string' || !RULE_ID.test(value.id)) {
    fail(`${option}.id`, 'must match [a-z][a-z0-9_]{0,63}');
  }
  if (typeof value.description !== 'string' || value.description === '') {
    fail(`${option}.description`, 'must be a non-empty string');
  }
  if (!Array.isArray(value.groupBy) || value.groupBy.length === 0 || value.groupBy.length > 4) {
    fail(`${option}.groupBy`, 'must be an array of 1 to 4 attribute keys');
  }
  const groupBy = value.groupBy as unknown[];
  groupBy.forEach((k, i) => {
    attributeKey(`${option}.groupBy[${i}]`, k);
    if (groupBy.indexOf(k) !== i) fail(`${option}.groupBy[${i}]`, `repeats ${String(k)}`);
  });
  intInRange(`${option}.threshold`, value.threshold, 1, MAX_THRESHOLD);
  intInRange(`${option}.windowMillis`, value.windowMillis, 1000, MAX_WINDOW_MILLIS);
  const common = ['id', 'kind', 'description', 'groupBy', 'threshold', 'windowMillis'];
  let own: string[];
  switch (value.kind) {
    case 'event_count':
      validateMatch(`${option}.match`, value.match);
      own = ['match'];
      break;
    case 'value_count':
      validateMatch(`${option}.match`, value.match);
      attributeKey(`${option}.field`, value.field);
      // Within one key the field would have one value: the rule could never reach 2.
      if (groupBy.includes(value.field)) fail(`${option}.field`, 'must not be in groupBy');
      own = ['match', 'field'];
      break;
    case 'sequence':
      validateMatch(`${option}.first`, value.first);
      validateMatch(`${option}.then`, value.then);
      own = ['first', 'then'];
      break;
    default:
      fail(`${option}.kind`, "must be 'event_count', 'value_count' or 'sequence'");
  }
  for (const key of Object.keys(value)) {
    if (!common.includes(key) && !own.includes(key)) fail(`${option}.${key}`, 'is not an option');
  }
  return deepFreeze(structuredClone(value)) as unknown as DetectionRule;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Validates `options` and returns the rules to run (built-ins after tuning, then the extra ones). */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) {
    return {
      rules: BUILTIN_DETECTION_RULES,
      maxKeys: DEFAULT_MAX_KEYS,
      maxAlertsPerWindow: DEFAULT_MAX_ALERTS_PER_WINDOW,
    };
  }
  if (!isObject(options)) fail('options', 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) fail(key, `is not an option (known: ${KNOWN.join(', ')})`);
  }
  const o = options as DetectionOptions & Record<string, unknown>;
  const maxKeys =
    o.maxKeys === undefined ? DEFAULT_MAX_KEYS : intInRange('maxKeys', o.maxKeys, 1, 10_000_000);
  const maxAlertsPerWindow =
    o.maxAlertsPerWindow === undefined
      ? DEFAULT_MAX_ALERTS_PER_WINDOW
      : intInRange('maxAlertsPerWindow', o.maxAlertsPerWindow, 1, 1_000_000);
  const byId = new Map(BUILTIN_DETECTION_RULES.map((r) => [r.id, r]));
  const builtins = o.builtins ?? {};
  if (!isObject(builtins)) fail('builtins', 'must be an object of rule ids');
  for (const id of Object.keys(builtins)) {
    if (!byId.has(id))
      fail(`builtins.${id}`, `is not a built-in rule (known: ${[...byId.keys()].join(', ')})`);
  }
  const rules: DetectionRule[] = [];
  for (const rule of BUILTIN_DETECTION_RULES) {
    const override: unknown = builtins[rule.id];
    if (override === false) continue;
    if (override === undefined) {
      rules.push(rule);
      continue;
    }
    if (!isObject(override))
      fail(`builtins.${rule.id}`, 'must be false or { threshold, windowMillis }');
    for (const key of Object.keys(override)) {
      if (key !== 'threshold' && key !== 'windowMillis') {
        fail(`builtins.${rule.id}.${key}`, 'is not an option (known: threshold, windowMillis)');
      }
    }
    rules.push(validateRule(`builtins.${rule.id}`, { ...rule, ...override }));
  }
  if (o.rules !== undefined) {
    if (!Array.isArray(o.rules)) fail('rules', 'must be an array of rules');
    o.rules.forEach((r, i) => rules.push(validateRule(`rules[${i}]`, r)));
  }
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id)) fail('rules', `hold the id ${rule.id} twice`);
    seen.add(rule.id);
  }
  return { rules, maxKeys, maxAlertsPerWindow };
}
