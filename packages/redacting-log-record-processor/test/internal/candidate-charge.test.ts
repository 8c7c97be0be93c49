// The per-record work bound holds for the shapes where a rule does much more than one pass per
// character (intruder round 23: 0.3 to 0.65 s records of grouped digits, SSN-like runs, key-value
// bait, JWT header fragments). Asserted by work counter and candidate count, never by time: each
// candidate a matcher validates is charged, so the budget bounds the validations a record can do.
import { describe, expect, it } from 'vitest';
import { matchDigitRuns } from '../../src/internal/card-rule.js';
import { matchKeyValues } from '../../src/internal/key-value-rule.js';
import { resolveOptions } from '../../src/internal/options.js';
import { BUDGET_PLACEHOLDER, RedactionEngine } from '../../src/internal/redaction-engine.js';
import type { RuleContext } from '../../src/internal/rule-context.js';

const LENGTH = 8192;
const fill = (unit: string): string => unit.repeat(Math.floor(LENGTH / unit.length));

/** The engine as a rule context, with `charge` counted instead of spent. */
function countingContext(): { ctx: RuleContext; charged: () => number } {
  const engine = new RedactionEngine(resolveOptions({}));
  let units = 0;
  const ctx: RuleContext = Object.create(engine, {
    charge: { value: (n: number) => (units += n) },
  }) as RuleContext;
  return { ctx, charged: () => units };
}

describe('RedactionEngine: work charged per candidate', () => {
  it('charges the card matcher for every window of digit groups it validates', () => {
    for (const unit of ['4111 ', '123-45-', '4111-']) {
      const s = fill(unit);
      const { ctx, charged } = countingContext();
      const pushed: number[] = [];
      matchDigitRuns(ctx, s, (start) => pushed.push(start));
      // Every group starts a window of 12 to 19 digits (three to six groups): at least one each.
      const groups = s.split(/[ -]/).filter((g) => g.length > 0).length;
      expect(charged(), unit).toBeGreaterThanOrEqual(groups * 0.8 * 8);
      // ...and the windows are bounded by 19 digits, so the charge stays linear in the groups.
      expect(charged(), unit).toBeLessThanOrEqual(groups * 8 * 8);
    }
  });

  it('charges the key-value matcher for every pair it finds', () => {
    const s = fill('password=x ');
    const { ctx, charged } = countingContext();
    matchKeyValues(ctx, s, () => undefined);
    const pairs = s.split('password=').length - 1;
    expect(charged()).toBeGreaterThanOrEqual(pairs * 64);
  });

  it('stops a record of worst-case attributes at its budget, the rest [REDACTED:budget]', () => {
    for (const unit of ['4111 ', '123-45-', 'password=x ', 'eyJhbGciOiJ.']) {
      const engine = new RedactionEngine(resolveOptions({}));
      const tally = engine.newTally(true);
      const outs: unknown[] = [];
      for (let i = 0; i < 128; i++) {
        outs.push(engine.redactValue(`${fill(unit)}${i}`, undefined, tally, 0));
      }
      // One string may overrun by what a single rule charges before it is stopped.
      expect(tally.work, unit).toBeLessThanOrEqual(tally.budget + 4 * LENGTH);
      expect(outs, unit).toContain(BUDGET_PLACEHOLDER);
    }
  });
});
