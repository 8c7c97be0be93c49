// A rule's state stays bounded whatever the attacker sends: here the distinct values of one key
// while an alert for it is held back (a flood of user names from one address).
import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTION_RULES } from '@seclog/detection';
import type { EventCountRule, ValueCountRule } from '@seclog/detection';
import { RuleState } from '../../src/internal/rule-state.js';

const AE1 = BUILTIN_DETECTION_RULES.find(
  (r): r is ValueCountRule => r.kind === 'value_count' && r.groupBy[0] === 'client.address',
)!;

describe('RuleState', () => {
  it('keeps at most threshold distinct values per key, also while an alert is held back', () => {
    const rule = new RuleState(AE1);
    const at = Date.now();
    const key = rule.newState(at);
    let fired = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const evidence = { at: at + i, traceId: undefined, requestId: undefined };
      if (rule.observe(key, evidence, undefined, `user-${i}`) !== undefined) fired += 1;
    }
    expect(fired).toBe(1);
    expect(rule.suppressed).toBeGreaterThan(99_000);
    expect((key as { values?: Map<string, unknown> }).values?.size).toBeLessThanOrEqual(
      AE1.threshold,
    );
  });

  it('keeps the threshold newest records of a window, oldest first, as records expire and replace each other', () => {
    const rule = new RuleState({
      id: 'three_in_ten_seconds',
      kind: 'event_count',
      description: 'test',
      match: {},
      groupBy: ['user.id'],
      threshold: 3,
      windowMillis: 10_000,
    } satisfies EventCountRule);
    const key = rule.newState(0);
    const at = (s: number) => ({ at: s * 1000, traceId: `t${s}`, requestId: undefined });
    const seen = (s: number) => rule.observe(key, at(s), undefined, undefined);
    expect([seen(0), seen(1)]).toEqual([undefined, undefined]);
    expect(seen(2)).toMatchObject({ count: 3, first: { traceId: 't0' }, last: { traceId: 't2' } });
    // Held back until 12 s; the window fills again meanwhile.
    expect([seen(5), seen(6), seen(7)]).toEqual([undefined, undefined, undefined]);
    expect(rule.suppressed).toBe(1);
    // 13 s: 5, 6 and 7 are in the window, 13 replaces 5 (the oldest); 6 is now the first.
    expect(seen(13)).toMatchObject({
      count: 3,
      first: { traceId: 't6' },
      last: { traceId: 't13' },
    });
    // At 35 s the record of 24 s has left the window: 35 s starts a new run.
    expect([seen(24), seen(35), seen(36)]).toEqual([undefined, undefined, undefined]);
    expect(seen(37)).toMatchObject({ count: 3, first: { traceId: 't35' } });
    expect(rule.alerts).toBe(3);
    // A window that has not filled since its last alert grows again after its oldest expired.
    const partial = rule.newState(0);
    for (const s of [100, 111, 112]) rule.observe(partial, at(s), undefined, undefined);
    expect(rule.observe(partial, at(113), undefined, undefined)).toMatchObject({
      count: 3,
      first: { traceId: 't111' },
    });
  });

  it('counts the distinct values of a key by their latest record, whichever value comes back', () => {
    const rule = new RuleState({ ...AE1, threshold: 3 });
    const key = rule.newState(0);
    const seen = (s: number, user: string) =>
      rule.observe(key, { at: s * 1000, traceId: `t${s}`, requestId: undefined }, undefined, user);
    expect([seen(1, 'a'), seen(2, 'b'), seen(3, 'a'), seen(4, 'b')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    // a, b and c: the oldest is a, whose latest record was at 3 s.
    expect(seen(5, 'c')).toMatchObject({
      count: 3,
      first: { traceId: 't3' },
      last: { traceId: 't5' },
    });
  });
});
