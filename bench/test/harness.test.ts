// Smoke test of the harness's pure logic (result-line parsing, medians, percentiles, arguments,
// summaries, tables). Nothing here measures or asserts speed.
import { describe, expect, it } from 'vitest';

interface Stats {
  RESULT_PREFIX: string;
  parseResultLine(stdout: string): Record<string, unknown> | undefined;
  median(values: readonly number[]): number;
  percentile(sorted: ArrayLike<number>, p: number): number;
  parseArgs(argv: readonly string[]): {
    quick: boolean;
    rounds: number;
    records: number;
    burst: number;
    only: string[] | undefined;
    micro: boolean;
    profile: boolean;
    docs: boolean;
  };
  summarize(
    runs: readonly Record<string, unknown>[],
    keys: readonly string[],
  ): Record<string, number>;
  markdownTable(
    columns: readonly {
      title: string;
      key: string;
      format?: (v: never) => string;
      align?: 'left' | 'right';
    }[],
    rows: readonly Record<string, unknown>[],
  ): string;
}

// A computed specifier: the harness is plain .mjs, which the TypeScript project does not compile.
const statsUrl = new URL('../lib/stats.mjs', import.meta.url).href;
const stats = (await import(/* @vite-ignore */ statsUrl)) as Stats;

describe('stats', () => {
  describe('parseResultLine', () => {
    it('returns the last prefixed line and ignores other output', () => {
      const out = [
        'some library chatter',
        `${stats.RESULT_PREFIX}{"id":"a","recPerSec":1}`,
        `${stats.RESULT_PREFIX}{"id":"b","recPerSec":2}`,
        '',
      ].join('\n');
      expect(stats.parseResultLine(out)).toEqual({ id: 'b', recPerSec: 2 });
    });

    it('returns undefined when no line carries the prefix or it is not JSON', () => {
      expect(stats.parseResultLine('{"id":"a"}\n')).toBeUndefined();
      expect(stats.parseResultLine(`${stats.RESULT_PREFIX}{not json\n`)).toBeUndefined();
    });
  });

  describe('median', () => {
    it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
      expect(stats.median([3, 1, 2])).toBe(2);
      expect(stats.median([4, 1, 3, 2])).toBe(2.5);
    });

    it('ignores non-finite values and gives NaN for an empty list', () => {
      expect(stats.median([Number.NaN, 5, Number.POSITIVE_INFINITY])).toBe(5);
      expect(stats.median([])).toBeNaN();
    });
  });

  describe('percentile', () => {
    it('uses the nearest rank of a sorted array', () => {
      const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
      expect(stats.percentile(sorted, 0.5)).toBe(50);
      expect(stats.percentile(sorted, 0.99)).toBe(99);
      expect(stats.percentile(sorted, 1)).toBe(100);
      expect(stats.percentile([7], 0.99)).toBe(7);
    });
  });

  describe('parseArgs', () => {
    it('defaults to 3 rounds of 200k records and --quick to 1 round of 20k without docs', () => {
      expect(stats.parseArgs([])).toMatchObject({
        rounds: 3,
        records: 200_000,
        burst: 1000,
        docs: true,
      });
      expect(stats.parseArgs(['--quick'])).toMatchObject({
        quick: true,
        rounds: 1,
        records: 20_000,
        docs: false,
      });
    });

    it('lets explicit values win over --quick and splits --only', () => {
      const o = stats.parseArgs(['--rounds', '5', '--quick', '--only', 'a, b', '--no-profile']);
      expect(o).toMatchObject({ rounds: 5, records: 20_000, only: ['a', 'b'], profile: false });
    });

    it('rejects unknown flags and non-positive numbers', () => {
      expect(() => stats.parseArgs(['--fast'])).toThrow('unknown argument --fast');
      expect(() => stats.parseArgs(['--rounds', '0'])).toThrow('--rounds needs a positive integer');
    });
  });

  describe('summarize', () => {
    it('takes medians over the rounds that ran and keeps the rec/s range', () => {
      const s = stats.summarize(
        [
          { recPerSec: 10, lost: 0 },
          { skipped: true },
          { recPerSec: 30, lost: 2 },
          { recPerSec: 20, lost: 0 },
        ],
        ['recPerSec', 'lost'],
      );
      expect(s).toEqual({
        recPerSec: 20,
        lost: 0,
        rounds: 3,
        min_recPerSec: 10,
        max_recPerSec: 30,
      });
    });
  });

  describe('markdownTable', () => {
    it('formats cells by column and shows missing values as a dash', () => {
      const table = stats.markdownTable(
        [
          { title: 'name', key: 'id', align: 'left' },
          { title: 'x', key: 'x', format: (v: number) => v.toFixed(1) },
        ],
        [{ id: 'a', x: 1 }, { id: 'b' }],
      );
      expect(table.split('\n')).toEqual([
        '| name | x |',
        '| --- | ---: |',
        '| a | 1.0 |',
        '| b | — |',
      ]);
    });
  });
});
