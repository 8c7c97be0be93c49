// The keys of every rule that groups by the same attributes, in one bounded table: a record costs
// one lookup per distinct groupBy instead of one per rule, and each entry holds every rule's window.
import { foldFor } from './group-value.js';
import type { Fold } from './group-value.js';
import { ownCopy } from './rule-state.js';
import type { KeyState, RuleState } from './rule-state.js';

/** The window state of each rule of the table for one key, indexed by the rule's slot. */
export type Slots = (KeyState | undefined)[];

/**
 * At most `maxKeys` keys, in two generations of `maxKeys / 2`: a key seen again (by any rule of
 * the table) moves to the young one; when the young one is full, the old one is dropped whole, and
 * with each key the state of every rule of the table (counted per rule: expired when its window
 * had passed and no alert was held back, evicted otherwise). A key thus survives at least
 * `maxKeys / 2` newer keys, and every operation is O(1) (a Map emptied from its front one key at a
 * time is not: its iterator walks the deleted entries again on every eviction).
 */
export class KeyTable {
  readonly groupBy: readonly string[];
  /** Per group-by attribute, how its values fold into keys (IPv6 /64, user names). */
  readonly folds: readonly (Fold | undefined)[];
  /** The rules of this table; a rule's index here is its slot in every entry. */
  readonly rules: RuleState[] = [];
  /** Per-record cache, valid while `seq` is the processor's record number: the key, its slots. */
  seq = -1;
  key: string | undefined;
  looked = false;
  slots: Slots | undefined;
  /**
   * Keys dropped with some rule's state still live, not yet reported (the processor reads and
   * resets it), and per slot whether that rule lost state among them.
   */
  lost = 0;
  readonly lostBy: boolean[] = [];
  readonly maxKeys: number;
  private _young = new Map<string, Slots>();
  private _old = new Map<string, Slots>();
  private readonly _half: number;

  constructor(groupBy: readonly string[], maxKeys: number) {
    this.groupBy = groupBy;
    this.folds = groupBy.map(foldFor);
    this.maxKeys = maxKeys;
    this._half = Math.max(1, Math.ceil(maxKeys / 2));
  }

  /** Adds a rule; returns its slot. */
  add(rule: RuleState): number {
    this.rules.push(rule);
    this.lostBy.push(false);
    return this.rules.length - 1;
  }

  /** The slots of `key`, moved to the young generation; undefined when the key is not tracked. */
  find(key: string, now: number): Slots | undefined {
    const slots = this._young.get(key);
    if (slots !== undefined) return slots;
    const old = this._old.get(key);
    if (old !== undefined) {
      this._old.delete(key);
      this._admit(key, old, now);
    }
    return old;
  }

  /** Starts tracking `key`, not tracked yet, with no rule's state. */
  track(key: string, now: number): Slots {
    const slots = new Array<KeyState | undefined>(this.rules.length).fill(undefined);
    this._admit(ownCopy(key), slots, now);
    return slots;
  }

  /** A fresh state for the rule of `slot` in a key's `slots`. */
  start(slots: Slots, slot: number, now: number): KeyState {
    const rule = this.rules[slot] as RuleState;
    const state = rule.newState(now);
    slots[slot] = state;
    rule.trackedKeys += 1;
    return state;
  }

  private _admit(key: string, slots: Slots, now: number): void {
    if (this._young.size >= this._half) {
      this._dropOld(now);
      this._old = this._young;
      this._young = new Map();
    }
    if (this._young.size + this._old.size >= this.maxKeys) this._dropOld(now);
    this._young.set(key, slots);
  }

  private _dropOld(now: number): void {
    const rules = this.rules;
    for (const slots of this._old.values()) {
      let lost = false;
      for (let i = 0; i < slots.length; i += 1) {
        const state = slots[i];
        if (state !== undefined && (rules[i] as RuleState).forget(state, now)) {
          lost = this.lostBy[i] = true;
        }
      }
      if (lost) this.lost += 1;
    }
    this._old = new Map();
  }
}
