// Redactor: the processor's engine as a pure function over values, for benchmarks and for code that
// must redact something that is not a log record.
import { resolveOptions } from './internal/options.js';
import { BUDGET_PLACEHOLDER, RedactionEngine, REMOVE } from './internal/redaction-engine.js';
import type { RedactingLogRecordProcessorOptions } from './types.js';

/**
 * Applies the same rules as `RedactingLogRecordProcessor` to a single value. Copy-on-write: the input
 * is never mutated and is returned as is when nothing matched. Each call has its own work budget.
 */
export class Redactor {
  private readonly _engine: RedactionEngine;

  /** @param options the processor's options; validated the same way (TypeError on misuse). */
  constructor(options: RedactingLogRecordProcessorOptions = {}) {
    this._engine = new RedactionEngine(resolveOptions(options));
  }

  /**
   * Returns the redacted value. With `key`, key rules apply as for an attribute of that name; a
   * value whose class action is `remove` comes back as `undefined`. Rule errors do not throw: the
   * affected value becomes `[REDACTED:error]`.
   */
  redact(value: unknown, key?: string): unknown {
    const tally = this._engine.newTally();
    let r: unknown;
    try {
      r =
        key === undefined
          ? this._engine.redactValue(value, undefined, tally, 0)
          : this._engine.redactEntry(key, value, tally, 0);
    } catch {
      r = BUDGET_PLACEHOLDER;
    }
    return r === REMOVE ? undefined : r;
  }
}
