// The logic of one rule: the evidence of a key's sliding window (at most `threshold` entries), the
// decision whether a record makes the rule fire, and the rule's counters. Keys live in key-table.ts.
import type { DetectionRule } from '../types.js';

/** One contributing record: when it was seen and what an analyst pivots on. */
export interface Evidence {
  readonly at: number;
  readonly traceId: string | undefined;
  readonly requestId: string | undefined;
}

/** What a rule reports when it fires. */
export interface Firing {
  readonly count: number;
  readonly first: Evidence;
  readonly last: Evidence;
}

/** One rule's state for one key. */
export interface KeyState {
  /** Contributing records in the window, oldest first (count and sequence rules). */
  events: Evidence[];
  /** `at` of each of `events`, unboxed: the window test reads these, not the evidence objects. */
  times: number[];
  /** Distinct values with the evidence of their latest record, least recent first (value rules). */
  values: Map<string, Evidence> | undefined;
  /** The value of the latest record (value rules): seen again, it keeps its place as the newest. */
  newest: string | undefined;
  lastSeen: number;
  suppressedUntil: number;
}

const MAX_VALUE_LENGTH = 64;

/** A distinct value as stored: short values as they are, long ones as a prefix, length and hash. */
export function valueKey(value: string, max = MAX_VALUE_LENGTH): string {
  if (value.length <= max) return value;
  // FNV-1a over the whole string: two long values with one prefix stay distinct.
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i += 1) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${value.slice(0, 32)}…${value.length}#${(hash >>> 0).toString(16)}`;
}

/** A key's state before its first record. */
export function newKeyState(now: number): KeyState {
  return {
    events: [],
    times: [],
    values: undefined,
    newest: undefined,
    lastSeen: now,
    suppressedUntil: 0,
  };
}

/** One rule: its decision on a key's state, and its counters (its keys live in a `KeyTable`). */
export class RuleState {
  readonly rule: DetectionRule;
  /** Keys whose table holds a state for this rule. */
  trackedKeys = 0;
  evictedKeys = 0;
  expiredKeys = 0;
  alerts = 0;
  suppressed = 0;

  constructor(rule: DetectionRule) {
    this.rule = rule;
  }

  /** Counts a key's state dropped by its table: expired when it lost nothing, evicted otherwise. */
  forget(state: KeyState, now: number): void {
    this.trackedKeys -= 1;
    // A key with nothing in its window and no alert held back loses nothing when it goes.
    if (state.lastSeen <= now - this.rule.windowMillis && state.suppressedUntil <= now) {
      this.expiredKeys += 1;
    } else {
      this.evictedKeys += 1;
    }
  }

  /**
   * Records one matching record in a key's `state`. `role` is `first` or `then` for sequence
   * rules; `value` is the counted field's value for value-count rules. Returns a Firing when the
   * rule fires.
   */
  observe(
    state: KeyState,
    evidence: Evidence,
    role: 'first' | 'then' | undefined,
    value: string | undefined,
  ): Firing | undefined {
    const rule = this.rule;
    const now = evidence.at;
    const horizon = now - rule.windowMillis;
    state.lastSeen = now;

    // A rule that has reached its threshold is usually held back (one alert per key per window):
    // the firing is built only once it is known not to be, so a held-back record allocates nothing.
    let count = 0;
    let first: Evidence | undefined;
    if (rule.kind === 'value_count') {
      const values = (state.values ??= new Map<string, Evidence>());
      const stored = valueKey(value as string);
      // Deleting and re-adding the newest value would leave a hole in the table on every record.
      if (state.newest !== stored) {
        values.delete(stored);
        state.newest = stored;
      }
      values.set(stored, evidence);
      // With one value, it is the one just seen: nothing can have left the window.
      if (values.size > 1) {
        for (const [v, e] of values) {
          if (e.at > horizon) break;
          values.delete(v);
        }
      }
      // The threshold most recent values decide; older ones only cost memory (an attacker sends
      // millions of names from one address while an alert for it is held back).
      if (values.size > rule.threshold) values.delete(values.keys().next().value as string);
      if (values.size >= rule.threshold) {
        count = values.size;
        first = values.values().next().value;
      }
    } else {
      const events = state.events;
      const times = state.times;
      while (times.length > 0 && (times[0] as number) <= horizon) {
        times.shift();
        events.shift();
      }
      if (role === 'then') {
        if (events.length >= rule.threshold) {
          count = events.length;
          first = events[0];
        }
        // A success ends the run of failures, whether or not it was long enough.
        events.length = 0;
        times.length = 0;
      } else {
        events.push(evidence);
        times.push(now);
        if (events.length > rule.threshold) {
          events.shift();
          times.shift();
        }
        // A sequence's `first` records only build the run; its `then` record fires.
        if (role === undefined && events.length >= rule.threshold) {
          count = events.length;
          first = events[0];
        }
      }
    }
    if (first === undefined) return undefined;
    if (now < state.suppressedUntil) {
      this.suppressed += 1;
      return undefined;
    }
    const firing: Firing = { count, first, last: evidence };
    // At most one alert per key per window; the next one needs the threshold reached afresh.
    state.suppressedUntil = now + rule.windowMillis;
    state.events.length = 0;
    state.times.length = 0;
    state.values?.clear();
    state.newest = undefined;
    this.alerts += 1;
    return firing;
  }
}
