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

/**
 * A count or sequence rule's state for one key: the contributing records in the window, a ring of
 * at most `threshold` grown as records come, oldest at `head`, so a key held back at its threshold
 * moves no entry. Unboxed: times in one array, trace and request ids in arrays made at the first
 * record that has one, so a record costs no object.
 */
interface RingState {
  times: number[];
  traces: (string | undefined)[] | undefined;
  requests: (string | undefined)[] | undefined;
  head: number;
  size: number;
  lastSeen: number;
  suppressedUntil: number;
}

/**
 * A value rule's state for one key: the distinct values other than the newest, with the evidence
 * of their latest record, least recent first (made at the second value, so one value costs no
 * table), and the newest value with its latest record's fields.
 */
interface ValueState {
  values: Map<string, Evidence> | undefined;
  newest: string | undefined;
  newestAt: number;
  newestTrace: string | undefined;
  newestRequest: string | undefined;
  lastSeen: number;
  suppressedUntil: number;
}

/** One rule's state for one key. */
export type KeyState = RingState | ValueState;

const MAX_VALUE_LENGTH = 64;

/**
 * A string of its own, to keep in a table: V8 makes a substring of 13 characters or more (what
 * `slice`, `trim` or a regex match returns) a view of its parent, so a 32-character key cut from
 * an 8 KiB user name would hold the 8 KiB for as long as the key lives. Only new keys and values
 * are copied; a lookup uses the string it is given.
 */
export function ownCopy(value: string): string {
  if (value.length < 13) return value;
  return Buffer.from(value, 'utf16le').toString('utf16le');
}

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

/** One rule: its decision on a key's state, and its counters (its keys live in a `KeyTable`). */
export class RuleState {
  readonly rule: DetectionRule;
  /** Keys whose table holds a state for this rule. */
  trackedKeys = 0;
  evictedKeys = 0;
  expiredKeys = 0;
  alerts = 0;
  suppressed = 0;
  /** The rule's numbers and kind, read on every record: own fields of one class, not the rule's. */
  private readonly _threshold: number;
  private readonly _window: number;
  private readonly _counts: boolean;

  constructor(rule: DetectionRule) {
    this.rule = rule;
    this._threshold = rule.threshold;
    this._window = rule.windowMillis;
    this._counts = rule.kind === 'value_count';
  }

  /** A key's state before its first record. */
  newState(now: number): KeyState {
    if (this._counts) {
      return {
        values: undefined,
        newest: undefined,
        newestAt: 0,
        newestTrace: undefined,
        newestRequest: undefined,
        lastSeen: now,
        suppressedUntil: 0,
      } satisfies ValueState;
    }
    return {
      times: [],
      traces: undefined,
      requests: undefined,
      head: 0,
      size: 0,
      lastSeen: now,
      suppressedUntil: 0,
    } satisfies RingState;
  }

  /**
   * Counts a key's state dropped by its table: expired when it lost nothing, evicted otherwise.
   * Returns whether state was lost.
   */
  forget(state: KeyState, now: number): boolean {
    this.trackedKeys -= 1;
    // A key with nothing in its window and no alert held back loses nothing when it goes.
    if (state.lastSeen <= now - this._window && state.suppressedUntil <= now) {
      this.expiredKeys += 1;
      return false;
    }
    this.evictedKeys += 1;
    return true;
  }

  /**
   * Records one matching record, `record`, in a key's `state` (made by `newState`); reads its
   * fields, never keeps it, so the caller may reuse it. `role` is `first` or `then` for sequence
   * rules; `value` is the counted field's value for value-count rules. Returns a Firing when the
   * rule fires.
   */
  observe(
    state: KeyState,
    record: Evidence,
    role: 'first' | 'then' | undefined,
    value: string | undefined,
  ): Firing | undefined {
    const now = record.at;
    state.lastSeen = now;
    // A rule that has reached its threshold is usually held back (one alert per key per window):
    // the firing is built only once it is known not to be, so a held-back record allocates nothing.
    const counts = this._counts;
    const count = counts
      ? this._values(state as ValueState, record, value as string)
      : this._ring(state as RingState, record, role);
    if (count === 0) return undefined;
    if (now < state.suppressedUntil) {
      if (role === 'then') clearRing(state as RingState);
      this.suppressed += 1;
      return undefined;
    }
    const firing: Firing = {
      count,
      first: counts ? firstValue(state as ValueState, record) : firstEntry(state as RingState),
      last: { at: now, traceId: record.traceId, requestId: record.requestId },
    };
    // At most one alert per key per window; the next one needs the threshold reached afresh.
    state.suppressedUntil = now + this._window;
    if (counts) clearValues(state as ValueState);
    else clearRing(state as RingState);
    this.alerts += 1;
    return firing;
  }

  /** Adds the record to a value rule's state; returns the distinct values when at the threshold. */
  private _values(state: ValueState, record: Evidence, value: string): number {
    const threshold = this._threshold;
    const stored = valueKey(value);
    let values = state.values;
    if (state.newest !== stored) {
      if (state.newest !== undefined) {
        // The newest so far joins the older values, as their most recent.
        values ??= state.values = new Map<string, Evidence>();
        values.delete(stored);
        values.set(state.newest, {
          at: state.newestAt,
          traceId: state.newestTrace,
          requestId: state.newestRequest,
        });
      }
      // The newest value is the one kept (here, then in `values`): a copy of its own.
      state.newest = ownCopy(stored);
    }
    state.newestAt = record.at;
    state.newestTrace = record.traceId;
    state.newestRequest = record.requestId;
    let distinct = 1;
    if (values !== undefined && values.size > 0) {
      const horizon = record.at - this._window;
      for (const [v, e] of values) {
        if (e.at > horizon) break;
        values.delete(v);
      }
      // The threshold most recent values decide; older ones only cost memory (an attacker sends
      // millions of names from one address while an alert for it is held back).
      if (values.size >= threshold) values.delete(values.keys().next().value as string);
      distinct += values.size;
    }
    return distinct >= threshold ? distinct : 0;
  }

  /** Adds the record to a count or sequence rule's ring; returns its size when the rule fires. */
  private _ring(state: RingState, record: Evidence, role: 'first' | 'then' | undefined): number {
    const cap = this._threshold;
    const times = state.times;
    const horizon = record.at - this._window;
    // Past the window, oldest first.
    let head = state.head;
    let size = state.size;
    while (size > 0 && (times[head] as number) <= horizon) {
      head = head + 1 === cap ? 0 : head + 1;
      size -= 1;
    }
    state.head = head;
    state.size = size;
    if (role === 'then') {
      const size = state.size;
      // A success ends the run of failures, whether or not it was long enough; the run's oldest
      // entry stays readable for the firing.
      if (size < cap) clearRing(state);
      return size >= cap ? size : 0;
    }
    let i: number;
    if (state.size === cap) {
      // Full: the newest replaces the oldest.
      i = state.head;
      state.head = i + 1 === cap ? 0 : i + 1;
    } else {
      i = state.head + state.size;
      if (i >= cap) i -= cap;
      state.size += 1;
    }
    // Below the cap the ring has not wrapped: it grows at its end or reuses a cleared slot.
    if (i === times.length) times.push(record.at);
    else times[i] = record.at;
    if (record.traceId !== undefined) (state.traces ??= [])[i] = record.traceId;
    else if (state.traces !== undefined) state.traces[i] = undefined;
    if (record.requestId !== undefined) (state.requests ??= [])[i] = record.requestId;
    else if (state.requests !== undefined) state.requests[i] = undefined;
    // A sequence's `first` records only build the run; its `then` record fires.
    return role === undefined && state.size >= cap ? state.size : 0;
  }
}

function firstEntry(state: RingState): Evidence {
  const i = state.head;
  return {
    at: state.times[i] as number,
    traceId: state.traces?.[i],
    requestId: state.requests?.[i],
  };
}

function firstValue(state: ValueState, record: Evidence): Evidence {
  const oldest = state.values?.values().next().value;
  return oldest ?? { at: record.at, traceId: record.traceId, requestId: record.requestId };
}

/** Empties a ring, keeping its arrays for the next records (each write sets every field of its slot). */
function clearRing(state: RingState): void {
  state.head = 0;
  state.size = 0;
}

function clearValues(state: ValueState): void {
  state.values?.clear();
  state.newest = undefined;
}
