// DetectionLogRecordProcessor: counts the security events it sees in sliding windows, per rule and
// key, and emits a `seclog.alert` record through a logger of the same provider when a rule fires.
import { diag, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import {
  ATTR_SECLOG_ALERT_FIRST_REQUEST_ID,
  ATTR_SECLOG_ALERT_FORGED_KEY,
  ATTR_SECLOG_ALERT_LAST_REQUEST_ID,
  ATTR_SECLOG_REQUEST_ID,
  EVENT_SECLOG_ALERT,
} from '@seclog/semconv';
import { alertRecord, saturatedRecord, suppressedRecord } from './internal/alert-record.js';
import { addressKey, foldFor } from './internal/group-value.js';
import type { Fold } from './internal/group-value.js';
import { resolveOptions } from './internal/options.js';
import { KeyTable } from './internal/key-table.js';
import { RuleState, valueKey } from './internal/rule-state.js';
import type { Evidence, Firing, KeyState } from './internal/rule-state.js';
import type {
  AlertLogger,
  AlertLogRecord,
  DetectionAlert,
  DetectionOptions,
  DetectionLogRecordProcessorOptions,
  DetectionMatch,
  DetectionRuleStats,
  DetectionStats,
  DetectionValue,
} from './types.js';

const MAX_KEY_LENGTH = 256;
/** What @seclog/redacting-log-record-processor writes for a pseudonym (`hmac:<keyId>:<43 base64url>`). */
const PSEUDONYM = /^hmac:[a-z][a-z0-9_-]{0,15}:[a-z0-9_-]{43}$/i;
const FORGED_PREFIX = 'forged:';

/** The current record's time and ids, filled in place. */
type RecordFields = { -readonly [K in keyof Evidence]: Evidence[K] };
/** Alerts waiting for the end of the current emit; beyond it they are dropped and counted. */
const MAX_PENDING_ALERTS = 1024;

interface Entry {
  readonly state: RuleState;
  readonly table: KeyTable;
  /** The rule's index in the entries of its table. */
  readonly slot: number;
  readonly match: DetectionMatch;
  /** `match.where` as arrays, undefined when it requires nothing (read for every record). */
  readonly where: CompiledWhere | undefined;
  readonly role: 'first' | 'then' | undefined;
  /** A value-count rule's counted field, and how it folds (user names, addresses) as keys do. */
  readonly field: string | undefined;
  readonly fold: Fold | undefined;
}

/** A `where` condition per attribute: the key, and the value or values it must equal. */
interface CompiledWhere {
  readonly keys: readonly string[];
  readonly expected: readonly (DetectionValue | readonly DetectionValue[])[];
}

interface RuleCounters {
  alertsDropped: number;
  /** The cap window: it ends at `capUntil`, and `capAlerts` alerts were emitted in it. */
  capUntil: number;
  capAlerts: number;
  /** Alerts not emitted past the cap: in all, and since the last seclog.alert.suppressed. */
  capped: number;
  cappedUnreported: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** When a table may next report its saturation, and the timer reporting what waits for it. */
interface Saturation {
  readonly windowMillis: number;
  reportAfter: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** An alert record and what onAlert receives of it; a capped alert has no record. */
interface Pending {
  readonly record: AlertLogRecord | undefined;
  readonly alert: DetectionAlert | undefined;
}

/** Attributes of an alert that hold values a record carried (request ids come from a header). */
const EVIDENCE_IDS = [ATTR_SECLOG_ALERT_FIRST_REQUEST_ID, ATTR_SECLOG_ALERT_LAST_REQUEST_ID];

/**
 * A `LogRecordProcessor` that runs detection rules over every record and emits an alert record
 * (`seclog.alert`, CRITICAL) when one fires, at most once per rule and key per window. It only
 * reads records. Register it before the redacting processor, so that it groups by the values the
 * application logged (redaction may replace a session id by a placeholder), and give it a logger of
 * the same provider: the alert then passes redaction and every export path.
 *
 * Alerts are emitted in a microtask after the record that fired them has passed every processor,
 * so an alert never overtakes its evidence and never re-enters a processor's `onEmit`; records
 * named `seclog.alert*` are never matched, so alerts cannot feed detection. `forceFlush` emits
 * pending alerts at once. Memory is bounded: the rules that group by the same attributes share a
 * table of at most `maxKeys` keys, each with at most `threshold` entries per rule (see
 * `DetectionOptions.maxKeys` for the eviction).
 *
 * Options are validated in the constructor (TypeError naming the option); after that nothing
 * throws: failures go to the OTel global error handler and alerts not emitted are counted.
 */
export class DetectionLogRecordProcessor implements LogRecordProcessor {
  private readonly _states: RuleState[];
  /** Per event name, the entries of the rules it can feed: the named ones, then the any-event ones. */
  private readonly _byEvent = new Map<string, Entry[]>();
  private readonly _anyEvent: Entry[] = [];
  /** Numbers the records, so that each table resolves its key once per record. */
  private _seq = 0;
  private _observing = false;
  /** The current record's time and ids, one object for every record (the rules never keep it). */
  private readonly _record: {
    at: number;
    traceId: string | undefined;
    requestId: string | undefined;
  } = { at: 0, traceId: undefined, requestId: undefined };
  private readonly _loggerOption: DetectionLogRecordProcessorOptions['logger'];
  private _logger: AlertLogger | undefined;
  private _pending: Pending[] = [];
  private readonly _maxAlertsPerWindow: number;
  private readonly _saturation = new Map<KeyTable, Saturation>();
  private _shutdown = false;
  private readonly _onAlert: DetectionOptions['onAlert'];
  private _alerts = 0;
  private _alertsDropped = 0;
  private readonly _warned = new Set<string>();
  /** Per rule, the counters kept beside its RuleState. */
  private readonly _counters = new Map<string, RuleCounters>();

  /** @param options see `DetectionLogRecordProcessorOptions`; only `logger` is required. */
  constructor(options: DetectionLogRecordProcessorOptions) {
    const { rules, maxKeys, maxAlertsPerWindow } = resolveOptions(options);
    this._maxAlertsPerWindow = maxAlertsPerWindow;
    const logger: unknown = (options as { logger?: unknown }).logger;
    if (
      typeof logger !== 'function' &&
      (typeof logger !== 'object' ||
        logger === null ||
        typeof (logger as { emit?: unknown }).emit !== 'function')
    ) {
      throw new TypeError(
        '@seclog/detection: logger must be an OpenTelemetry Logger (an object with emit()) or a function returning one',
      );
    }
    this._loggerOption = options.logger;
    if (options.onAlert !== undefined && typeof options.onAlert !== 'function') {
      throw new TypeError('@seclog/detection: onAlert must be a function');
    }
    this._onAlert = options.onAlert;
    this._states = rules.map((rule) => new RuleState(rule));
    const tables = new Map<string, KeyTable>();
    const named: Entry[] = [];
    for (const state of this._states) {
      const rule = state.rule;
      const id = rule.groupBy.join('\u001f');
      let table = tables.get(id);
      if (table === undefined) tables.set(id, (table = new KeyTable(rule.groupBy, maxKeys)));
      const slot = table.add(state);
      const entry = (match: DetectionMatch, role: Entry['role']): void => {
        (match.events === undefined ? this._anyEvent : named).push({
          state,
          table,
          slot,
          match,
          where: compileWhere(match),
          role,
          field: rule.kind === 'value_count' ? rule.field : undefined,
          fold: rule.kind === 'value_count' ? foldFor(rule.field) : undefined,
        });
      };
      if (rule.kind === 'sequence') {
        entry(rule.first, 'first');
        entry(rule.then, 'then');
      } else {
        entry(rule.match, undefined);
      }
    }
    for (const e of named) {
      for (const name of e.match.events ?? []) {
        let list = this._byEvent.get(name);
        if (list === undefined) this._byEvent.set(name, (list = []));
        list.push(e);
      }
    }
    for (const list of this._byEvent.values()) list.push(...this._anyEvent);
    for (const table of tables.values()) {
      const windowMillis = Math.max(...table.rules.map((r) => r.rule.windowMillis));
      this._saturation.set(table, { windowMillis, reportAfter: 0, timer: undefined });
    }
  }

  /** Runs every matching rule on the record; never throws, never changes the record. */
  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    try {
      const eventName = logRecord.eventName;
      if (eventName !== undefined && eventName.startsWith(EVENT_SECLOG_ALERT)) return;
      const entries =
        (eventName === undefined ? undefined : this._byEvent.get(eventName)) ?? this._anyEvent;
      if (entries.length > 0) this._observe(entries, logRecord);
    } catch (error) {
      reportError(error);
    }
  }

  /**
   * Emits the pending alerts now (they are otherwise emitted in a microtask), with the
   * seclog.alert.suppressed and seclog.alert.detection_saturated records of what waits for its
   * window to close; resolves at once.
   */
  forceFlush(): Promise<void> {
    this._reportWaiting();
    this._drain();
    return Promise.resolve();
  }

  /** Emits the pending alerts and reports, as forceFlush, and stops the report timers; idempotent. */
  shutdown(): Promise<void> {
    this._reportWaiting();
    this._drain();
    this._shutdown = true;
    for (const c of this._counters.values()) clearTimeout(c.timer);
    for (const s of this._saturation.values()) clearTimeout(s.timer);
    return Promise.resolve();
  }

  /** Counters: alerts emitted and dropped, and per rule its tracked, evicted and expired keys. */
  getStats(): DetectionStats {
    const rules: Record<string, DetectionRuleStats> = {};
    for (const s of this._states) {
      rules[s.rule.id] = {
        trackedKeys: s.trackedKeys,
        evictedKeys: s.evictedKeys,
        expiredKeys: s.expiredKeys,
        alerts: s.alerts,
        suppressed: s.suppressed,
        alertsDropped: this._counters.get(s.rule.id)?.alertsDropped ?? 0,
        alertsCapped: this._counters.get(s.rule.id)?.capped ?? 0,
      };
    }
    return { alerts: this._alerts, alertsDropped: this._alertsDropped, rules };
  }

  /** Runs the rules of `entries` on the record, with one key lookup per table. */
  private _observe(entries: readonly Entry[], logRecord: ReadWriteLogRecord): void {
    const attributes = logRecord.attributes as Record<string, unknown>;
    this._seq = (this._seq + 1) | 0;
    // The record's time and ids, read at the first match; the rules copy the fields they keep.
    // A record emitted from inside (a diag logger writing to this provider) gets its own object.
    const evidence = this._observing ? fields() : this._record;
    const outer = !this._observing;
    this._observing = true;
    try {
      this._run(entries, logRecord, attributes, evidence);
    } finally {
      if (outer) this._observing = false;
    }
  }

  private _run(
    entries: readonly Entry[],
    logRecord: ReadWriteLogRecord,
    attributes: Record<string, unknown>,
    evidence: RecordFields,
  ): void {
    const seq = this._seq;
    let read = false;
    for (let e = 0; e < entries.length; e += 1) {
      const entry = entries[e] as Entry;
      const where = entry.where;
      if (where !== undefined && !matchesWhere(where, attributes)) continue;
      const table = entry.table;
      if (table.seq !== seq) {
        table.seq = seq;
        table.key = groupKey(table, attributes);
        table.looked = false;
      }
      const key = table.key;
      if (key === undefined) continue;
      const field = entry.field;
      let value: string | undefined;
      if (field !== undefined) {
        value = scalar(attributes[field]);
        if (value === undefined) continue;
        if (entry.fold !== undefined) value = entry.fold(value);
      }
      if (!read) {
        read = true;
        evidence.at = Date.now();
        evidence.traceId = logRecord.spanContext?.traceId;
        evidence.requestId = scalar(attributes[ATTR_SECLOG_REQUEST_ID]);
      }
      if (!table.looked) {
        table.looked = true;
        table.slots = table.find(key, evidence.at);
        if (table.lost !== 0) this._saturated(table, evidence.at);
      }
      let slots = table.slots;
      let state = slots?.[entry.slot];
      if (state === undefined) {
        // A sequence's `then` with no run before it leaves nothing worth tracking.
        if (entry.role === 'then') continue;
        if (slots === undefined) {
          slots = table.slots = table.track(key, evidence.at);
          if (table.lost !== 0) this._saturated(table, evidence.at);
        }
        state = table.start(slots, entry.slot, evidence.at);
      }
      const firing = entry.state.observe(state, evidence, entry.role, value);
      if (firing !== undefined) this._enqueue(entry, attributes, firing, state);
    }
  }

  private _enqueue(
    { state, table }: Entry,
    attributes: Record<string, unknown>,
    firing: Firing,
    keyState: KeyState,
  ): void {
    const counters = this._ruleCounters(state.rule.id);
    const now = firing.last.at;
    if (now >= counters.capUntil) {
      // A new cap window, from this alert on; what the last one held back is reported first.
      this._reportCapped(state, counters);
      counters.capUntil = now + state.rule.windowMillis;
      counters.capAlerts = 0;
    }
    const capped = counters.capAlerts >= this._maxAlertsPerWindow;
    if (this._pending.length >= MAX_PENDING_ALERTS) {
      this._unfire(state, keyState);
      counters.alertsDropped += 1;
      this._drop(1, `more than ${MAX_PENDING_ALERTS} alerts were pending at once`);
      return;
    }
    if (capped) {
      // Past the cap the key stays held back, as if alerted: the summary record accounts for
      // it, and the key does not come back at every record of a storm.
      state.alerts -= 1;
      counters.capped += 1;
      counters.cappedUnreported += 1;
      this._schedule(counters, counters.capUntil, () => {
        counters.timer = undefined;
        this._reportCapped(state, counters);
      });
      // Nothing to emit and nobody to tell: a storm past the cap costs a count per alert.
      if (this._onAlert === undefined) return;
    } else {
      counters.capAlerts += 1;
    }
    // The key whole, as the firing record logged it (an IPv6 address as its /64): the alert passes
    // redaction like its evidence, so it holds the same string (a cut or case-folded value would
    // get another pseudonym).
    const key: Record<string, string | number> = {};
    const shown: Record<string, string | number> = {};
    const forged: string[] = [];
    state.rule.groupBy.forEach((k, i) => {
      const v = attributes[k];
      const fold = table.folds[i];
      const value = typeof v === 'number' ? v : (scalar(v) ?? '');
      key[k] = shown[k] = typeof value === 'string' && fold === addressKey ? fold(value) : value;
      // Logged already in the shape of a pseudonym: redaction would pass it unchanged, so the
      // alert would name whoever it is the pseudonym of. Marked, it is pseudonymized afresh.
      if (typeof key[k] === 'string' && PSEUDONYM.test(key[k])) {
        shown[k] = `${FORGED_PREFIX}${key[k]}`;
        forged.push(k);
      }
    });
    const record = alertRecord(state.rule, shown, firing, ROOT_CONTEXT);
    // A request id comes from the client's X-Request-Id and may be shaped like a pseudonym too.
    for (const name of EVIDENCE_IDS) {
      const id = record.attributes[name];
      if (typeof id === 'string' && PSEUDONYM.test(id)) {
        record.attributes[name] = `${FORGED_PREFIX}${id}`;
        forged.push(name);
      }
    }
    if (forged.length > 0) record.attributes[ATTR_SECLOG_ALERT_FORGED_KEY] = forged.join(',');
    const alert = { rule: state.rule.id, key, attributes: { ...record.attributes } };
    // A capped alert still reaches onAlert: a storm of junk keys must not blind the response.
    this._push({ record: capped ? undefined : record, alert });
  }

  private _push(pending: Pending): void {
    this._pending.push(pending);
    if (this._pending.length === 1) queueMicrotask(() => this._drain());
  }

  /** Runs `report` at `until` (the processor's clock), once; the timer never keeps the process up. */
  private _schedule(
    holder: { timer: ReturnType<typeof setTimeout> | undefined },
    until: number,
    report: () => void,
  ): void {
    if (holder.timer !== undefined || this._shutdown) return;
    holder.timer = setTimeout(
      () => {
        try {
          report();
        } catch (error) {
          reportError(error);
        }
      },
      Math.max(0, until - Date.now()),
    );
    (holder.timer as { unref?: () => void }).unref?.();
  }

  /** One seclog.alert.suppressed for the alerts of a rule not emitted since the last one. */
  private _reportCapped(state: RuleState, counters: RuleCounters): void {
    if (counters.cappedUnreported === 0) return;
    const record = suppressedRecord(
      state.rule,
      counters.cappedUnreported,
      this._maxAlertsPerWindow,
      ROOT_CONTEXT,
    );
    counters.cappedUnreported = 0;
    this._push({ record, alert: undefined });
  }

  /**
   * A table dropped keys with live state: reported at once unless a report went out within the
   * window, else when that window closes (a timer), counting every key lost in between.
   */
  private _saturated(table: KeyTable, now: number): void {
    const saturation = this._saturation.get(table) as Saturation;
    if (now < saturation.reportAfter) {
      this._schedule(saturation, saturation.reportAfter, () => {
        saturation.timer = undefined;
        this._reportSaturation(table, saturation, Date.now());
      });
      return;
    }
    this._reportSaturation(table, saturation, now);
  }

  private _reportSaturation(table: KeyTable, saturation: Saturation, now: number): void {
    if (table.lost === 0) return;
    const rules: string[] = [];
    table.lostBy.forEach((lost, i) => {
      if (lost) rules.push((table.rules[i] as RuleState).rule.id);
      table.lostBy[i] = false;
    });
    const record = saturatedRecord(
      table.groupBy,
      rules,
      table.lost,
      table.maxKeys,
      saturation.windowMillis,
      ROOT_CONTEXT,
    );
    table.lost = 0;
    saturation.reportAfter = now + saturation.windowMillis;
    this._push({ record, alert: undefined });
  }

  /** What waits for a window to close, reported now (flush, shutdown). */
  private _reportWaiting(): void {
    for (const state of this._states) {
      const counters = this._counters.get(state.rule.id);
      if (counters !== undefined) this._reportCapped(state, counters);
    }
    for (const [table, saturation] of this._saturation) {
      this._reportSaturation(table, saturation, Date.now());
    }
  }

  /**
   * Takes back a firing whose alert is not emitted: the key is not held back for a window on an
   * alert nobody saw, and the rule's `alerts` counts only alerts handed on.
   */
  private _unfire(state: RuleState, keyState: KeyState): void {
    keyState.suppressedUntil = 0;
    state.alerts -= 1;
  }

  private _ruleCounters(id: string): RuleCounters {
    let counters = this._counters.get(id);
    if (counters === undefined) {
      this._counters.set(
        id,
        (counters = {
          alertsDropped: 0,
          capUntil: 0,
          capAlerts: 0,
          capped: 0,
          cappedUnreported: 0,
          timer: undefined,
        }),
      );
    }
    return counters;
  }

  private _drain(): void {
    if (this._pending.length === 0) return;
    const pending = this._pending;
    this._pending = [];
    let logger: AlertLogger;
    try {
      logger = this._logger ??=
        typeof this._loggerOption === 'function' ? this._loggerOption() : this._loggerOption;
    } catch (error) {
      reportError(error);
      this._drop(pending.filter((p) => p.record !== undefined).length, 'the logger option failed');
      return;
    }
    for (const { record, alert } of pending) {
      if (this._onAlert !== undefined && alert !== undefined) {
        try {
          // An async handler's rejection is reported like a throw, never left unhandled.
          const result: unknown = this._onAlert(alert);
          if (isThenable(result)) result.then(undefined, reportError);
        } catch (error) {
          reportError(error);
        }
      }
      if (record === undefined) continue;
      try {
        const enabled = logger.enabled?.({
          context: record.context,
          severityNumber: record.severityNumber,
          eventName: record.eventName,
        });
        if (enabled === false) {
          this._drop(1, 'the logger takes no records (its provider was shut down)');
          continue;
        }
        logger.emit(record);
        this._alerts += 1;
      } catch (error) {
        this._drop(1, 'the logger failed');
        reportError(error);
      }
    }
  }

  /** Counts dropped alerts; the first drop for each reason is also said once through diag. */
  private _drop(n: number, reason: string): void {
    this._alertsDropped += n;
    if (this._warned.has(reason)) return;
    this._warned.add(reason);
    diag.warn(`@seclog/detection: alert dropped: ${reason}; getStats().alertsDropped counts them`);
  }
}

function fields(): RecordFields {
  return { at: 0, traceId: undefined, requestId: undefined };
}

function compileWhere(match: DetectionMatch): CompiledWhere | undefined {
  const where = match.where;
  if (where === undefined) return undefined;
  const keys = Object.keys(where);
  if (keys.length === 0) return undefined;
  return { keys, expected: keys.map((k) => where[k] as DetectionValue) };
}

function matchesWhere(where: CompiledWhere, attributes: Record<string, unknown>): boolean {
  const { keys, expected } = where;
  for (let i = 0; i < keys.length; i += 1) {
    const want = expected[i];
    const actual = attributes[keys[i] as string];
    if (Array.isArray(want) ? !want.includes(actual) : want !== actual) return false;
  }
  return true;
}

/** A string, number or boolean attribute as a string; anything else counts as absent. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A group key part: long values as a prefix, their length and a hash, so they never merge. */
function cut(value: string): string {
  return valueKey(value, MAX_KEY_LENGTH);
}

function groupKey(table: KeyTable, attributes: Record<string, unknown>): string | undefined {
  const { groupBy, folds } = table;
  if (groupBy.length === 1) {
    const v = scalar(attributes[groupBy[0] as string]);
    if (v === undefined) return undefined;
    const fold = folds[0];
    return cut(fold === undefined ? v : fold(v));
  }
  const parts: string[] = [];
  for (let i = 0; i < groupBy.length; i += 1) {
    const v = scalar(attributes[groupBy[i] as string]);
    if (v === undefined) return undefined;
    const fold = folds[i];
    parts.push(cut(fold === undefined ? v : fold(v)));
  }
  return parts.join('\u001f');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function reportError(error: unknown): void {
  try {
    globalErrorHandler(error instanceof Error ? error : String(error));
  } catch {
    // Nothing more can be done without throwing out of onEmit.
  }
}
