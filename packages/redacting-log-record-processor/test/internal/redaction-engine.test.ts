// Work-bound tests of the engine (by work counter and input size, never by time): megabyte near-miss
// strings and deeply nested values stay within the per-record budget and scale linearly.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/internal/options.js';
import {
  BUDGET_PLACEHOLDER,
  DEPTH_PLACEHOLDER,
  isOwnOutput,
  RedactionEngine,
} from '../../src/internal/redaction-engine.js';
import { BASE32, rand, valueFixtures } from '../fixtures/secrets.js';

const MIB = 1 << 20;

function run(
  input: unknown,
  maxWorkPerRecord?: number,
): { out: unknown; work: number; budget: number } {
  const engine = new RedactionEngine(
    resolveOptions(maxWorkPerRecord === undefined ? {} : { maxWorkPerRecord }),
  );
  const tally = engine.newTally();
  const out = engine.redactValue(input, undefined, tally, 0);
  return { out, work: tally.work, budget: tally.budget };
}

/** Near-misses for every kind of rule: prefixes and markers without a valid body. */
const NEAR_MISSES = [
  'ghp_',
  'AKIA',
  'eyJ',
  'eyJhbGciOiJIUzI1NiJ9.',
  '-----BEGIN ',
  '-----BEGIN PRIVATE KEY-----',
  '4111 ',
  '4',
  'a@',
  'a@b.',
  'password=',
  'token: ',
  'ABSK/',
  'x',
  'A1',
  'DE89 ',
  'https://a:',
  'Bearer ',
  'Q~',
  '0-us',
  '1:A',
  'M'.padEnd(25, 'a') + '.',
  'sk-proj-',
  '?sig=',
  '"password":"',
  '123-45-',
  // The rules of redaction v2: tool flags, connect strings, prose, markup, YAML, SQL, wide keys.
  'mysql -p',
  'curl -u a',
  'docker login -p ',
  'sqlplus a/',
  'jdbc:oracle:thin:a/b',
  'machine h password ',
  'h:1:d:u:',
  'the password is ',
  '<password>',
  '<a:password x="',
  'password:\n',
  'passwords:\n- ',
  "IDENTIFIED BY '",
  "INSERT INTO t (password) VALUES ('",
  'INSERT INTO t (a, password) VALUES (',
  'p\u0430ssword=',
  '密码：',
  'password=ab"',
  'password=[REDACTED:credential]',
];

describe('RedactionEngine', () => {
  describe('redactValue', () => {
    it.each(NEAR_MISSES)('stays within the work budget on a megabyte of %j', (unit) => {
      const input = unit.repeat(Math.ceil(MIB / unit.length));
      const { out, work, budget } = run(input);
      expect(work).toBeLessThanOrEqual(budget + 2 * input.length);
      expect(typeof out).toBe('string');
    });

    it.each(NEAR_MISSES)('does work linear in the input size on repetitions of %j', (unit) => {
      const small = unit.repeat(Math.ceil(16_384 / unit.length));
      const large = unit.repeat(Math.ceil(65_536 / unit.length));
      const a = run(small, 1e12).work;
      const b = run(large, 1e12).work;
      expect(b / a).toBeLessThanOrEqual(4 * 1.25);
      // Each character is examined a bounded number of times (at most the longest rule body).
      expect(b).toBeLessThanOrEqual(large.length * 300);
    });

    it('scans a megabyte of plain prose within the default budget and keeps it', () => {
      const prose =
        'Should we open the door for them? Do not share keys, passwords or tokens here. ';
      const input = prose.repeat(Math.ceil(MIB / prose.length));
      const { out, work, budget } = run(input);
      expect(out).toBe(input);
      expect(work).toBeLessThan(budget);
    });

    it('replaces a string past the budget with the budget placeholder', () => {
      const { out } = run('AKIA'.repeat(100_000), 1024);
      expect(out).toBe(BUDGET_PLACEHOLDER);
    });

    it('stops at maxDepth on deeply nested arrays without recursing further', () => {
      let deep: unknown = 'leaf';
      for (let i = 0; i < 100_000; i++) deep = [deep];
      const { out, work } = run(deep);
      expect(work).toBeLessThan(100);
      let node = out;
      for (let i = 0; i < 32; i++) node = (node as unknown[])[0];
      expect(node).toBe(DEPTH_PLACEHOLDER);
    });

    it('terminates on cyclic structures within the budget', () => {
      const cyclic: Record<string, unknown> = { note: `key AKIA${rand(BASE32, 16)}` };
      cyclic['left'] = cyclic;
      cyclic['right'] = cyclic;
      const { out, work, budget } = run(cyclic, 100_000);
      expect(work).toBeLessThanOrEqual(budget + 1_000);
      expect((out as { note: string }).note).toBe('key [REDACTED:aws-access-key-id]');
    });

    it('handles a deeply nested JSON string without throwing', () => {
      const json = '['.repeat(20_000) + ']'.repeat(20_000);
      const { out } = run(json);
      expect(typeof out).toBe('string');
    });

    it('charges one unit per visited value on wide structures', () => {
      const wide = Array.from({ length: 100_000 }, (_, i) => i);
      const { out, work } = run(wide);
      expect(out).toBe(wide);
      expect(work).toBeLessThanOrEqual(100_001);
    });

    describe('on a map of many entries', () => {
      const big = (n: number): Record<string, unknown> => {
        const body: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) body[`field_${i}`] = `value ${i}`;
        return body;
      };

      it('stops a 200,000-entry body at the budget and marks every later value, keeping its keys', () => {
        const body = big(200_000);
        const { out, work, budget } = run(body);
        expect(work).toBeGreaterThan(budget);
        expect(work).toBeLessThanOrEqual(budget + 1_000);
        const values = Object.values(out as Record<string, unknown>);
        expect(Object.keys(out as object)).toEqual(Object.keys(body));
        const first = values.indexOf(BUDGET_PLACEHOLDER);
        // Entries cost like text of the same time: the budget holds tens of thousands, not all.
        expect(first).toBeGreaterThan(20_000);
        expect(first).toBeLessThan(100_000);
        expect(values.slice(0, first)).toEqual(Object.values(body).slice(0, first));
        expect(values.slice(first).every((v) => v === BUDGET_PLACEHOLDER)).toBe(true);
      });

      it('charges each entry by its key length plus a fixed cost, more past a thousand entries', () => {
        const numbers = (n: number): Record<string, number> =>
          Object.fromEntries(
            Array.from({ length: n }, (_, i) => [`k${String(i).padStart(5, '0')}`, i]),
          );
        // Key length 6, one unit for the visited value.
        expect(run(numbers(1_000), 1e12).work).toBe(1 + 1_000 * (16 + 6 + 1));
        expect(run(numbers(2_000), 1e12).work).toBe(1 + 1_024 * (16 + 6 + 1) + 976 * (64 + 6 + 1));
      });

      it('redacts a credential key late in a big map: by its rule within the budget, else by the marker', () => {
        const secret = 'hunter2' + 'x'.repeat(8);
        const within = { ...big(5_000), password: secret };
        expect((run(within).out as Record<string, unknown>)['password']).toBe(
          '[REDACTED:credential]',
        );
        const past = { ...big(200_000), password: secret, count: 3, ok: true, none: null };
        const out = run(past).out as Record<string, unknown>;
        expect(out['password']).toBe(BUDGET_PLACEHOLDER);
        expect(out['count']).toBe(BUDGET_PLACEHOLDER);
        // Nothing a boolean or null could hold: kept.
        expect(out['ok']).toBe(true);
        expect(out['none']).toBe(null);
      });

      it('copies a `__proto__` key of parsed JSON as an own entry', () => {
        const parsed = JSON.parse(
          '{"__proto__": {"password": "hunter2-secret"}, "a": 1}',
        ) as object;
        const engine = new RedactionEngine(resolveOptions({}));
        const out = engine.redactValue(parsed, undefined, engine.newTally(true), 0) as object;
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({
          password: '[REDACTED:credential]',
        });
      });
    });

    it('returns the same reference when nothing matched (copy-on-write)', () => {
      const value = { a: ['x', { b: 'plain text here', c: 42 }], d: 'another plain string' };
      expect(run(value).out).toBe(value);
    });
  });

  describe('isOwnOutput', () => {
    it('recognizes placeholders and pseudonyms and nothing else', () => {
      expect(isOwnOutput('[REDACTED:github-token]')).toBe(true);
      expect(isOwnOutput('[REDACTED:email]@example.com')).toBe(true);
      expect(isOwnOutput(`hmac:k1:${'A'.repeat(43)}`)).toBe(true);
      expect(isOwnOutput('[REDACTED:x] plus more')).toBe(false);
      expect(isOwnOutput('hmac:k1:short')).toBe(false);
    });

    it('keeps every placeholder of every rule a fixed point', () => {
      const engine = new RedactionEngine(resolveOptions({}));
      for (const f of valueFixtures()) {
        const once = engine.redactValue(f.text, undefined, engine.newTally(), 0);
        const twice = engine.redactValue(once, undefined, engine.newTally(), 0);
        expect(twice).toBe(once);
      }
    });
  });
});
