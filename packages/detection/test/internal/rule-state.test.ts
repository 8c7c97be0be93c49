// A rule's state stays bounded whatever the attacker sends: here the distinct values of one key
// while an alert for it is held back (a flood of user names from one address).
import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTION_RULES } from '@seclog/detection';
import type { ValueCountRule } from '@seclog/detection';
import { newKeyState, RuleState } from '../../src/internal/rule-state.js';

const AE1 = BUILTIN_DETECTION_RULES.find(
  (r): r is ValueCountRule => r.kind === 'value_count' && r.groupBy[0] === 'client.address',
)!;

describe('RuleState', () => {
  it('keeps at most threshold distinct values per key, also while an alert is held back', () => {
    const rule = new RuleState(AE1);
    const at = Date.now();
    const key = newKeyState(at);
    let fired = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const evidence = { at: at + i, traceId: undefined, requestId: undefined };
      if (rule.observe(key, evidence, undefined, `user-${i}`) !== undefined) fired += 1;
    }
    expect(fired).toBe(1);
    expect(rule.suppressed).toBeGreaterThan(99_000);
    expect(key.values?.size).toBeLessThanOrEqual(AE1.threshold);
  });
});
