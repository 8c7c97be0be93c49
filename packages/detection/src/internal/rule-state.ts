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
  /**
   * Contributing records in the window (count and sequence rules): a ring of at most `threshold`,
   * grown as records come, oldest at `head`, so a key held back at its threshold moves no entry.
   */
  events: Evidence[];
  /** `at` of each of `events`, unboxed: the window test reads these, not the evidence objects. */
  times: number[];
  head: number;
  size: number;
  /**
   * Distinct values other than the newest, with the evidence of their latest record, least recent
   * first (value rules); made at the second distinct value, so one value costs no table.
   */
  values: Map<string, Evidence> | undefined;
  /** The value of the latest record (value rules), and the evidence of its latest record. */
  newest: string | undefined;
  newestEvidence: Evidence | undefined;
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
    head: 0,
    size: 0,
    values: undefined,
    newest: undefined,
    newestEvidence: undefined,
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
      const stored = valueKey(value as string);
      let values = state.values;
      if (state.newest !== stored) {
        if (state.newest !== undefined) {
          // The newest so far joins the older values, as their most recent.
          values ??= state.values = new Map<string, Evidence>();
          values.delete(stored);
          values.set(state.newest, state.newestEvidence as Evidence);
        }
        state.newest = stored;
      }
      state.newestEvidence = evidence;
      let distinct = 1;
      if (values !== undefined && values.size > 0) {
        for (const [v, e] of values) {
          if (e.at > horizon) break;
          values.delete(v);
        }
        // The threshold most recent values decide; older ones only cost memory (an attacker sends
        // millions of names from one address while an alert for it is held back).
        if (values.size >= rule.threshold) values.delete(values.keys().next().value as string);
        distinct += values.size;
      }
      if (distinct >= rule.threshold) {
        count = distinct;
        first = distinct > 1 ? (values as Map<string, Evidence>).values().next().value : evidence;
      }
    } else {
      const events = state.events;
      const times = state.times;
      const cap = rule.threshold;
      // Past the window, oldest first.
      while (state.size > 0 && (times[state.head] as number) <= horizon) {
        state.head = state.head + 1 === cap ? 0 : state.head + 1;
        state.size -= 1;
      }
      if (role === 'then') {
        if (state.size >= cap) {
          count = state.size;
          first = events[state.head];
        }
        // A success ends the run of failures, whether or not it was long enough.
        clear(state);
      } else {
        if (state.size === cap) {
          // Full: the newest replaces the oldest.
          events[state.head] = evidence;
          times[state.head] = now;
          state.head = state.head + 1 === cap ? 0 : state.head + 1;
        } else {
          let i = state.head + state.size;
          if (i >= cap) i -= cap;
          // Below the cap the ring has not wrapped: it grows at its end or reuses a cleared slot.
          if (i === events.length) {
            events.push(evidence);
            times.push(now);
          } else {
            events[i] = evidence;
            times[i] = now;
          }
          state.size += 1;
        }
        // A sequence's `first` records only build the run; its `then` record fires.
        if (role === undefined && state.size >= cap) {
          count = state.size;
          first = events[state.head];
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
    clear(state);
    this.alerts += 1;
    return firing;
  }
}

/** Empties a key's window, keeping its arrays for the next records. */
function clear(state: KeyState): void {
  state.head = 0;
  state.size = 0;
  state.values?.clear();
  state.newest = undefined;
  state.newestEvidence = undefined;
}
