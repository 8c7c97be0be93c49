// Pure helpers of the harness: medians, percentiles, argument parsing and table formatting.
// Kept free of I/O so bench/test can check them without running a benchmark.

/** Marks a child's result line on stdout, so stray output from a library cannot be taken for it. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/**
 * The result a run-one.mjs child printed: the last line starting with {@link RESULT_PREFIX},
 * parsed; undefined when there is none or it is not JSON.
 * @param {string} stdout
 */
export function parseResultLine(stdout) {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(RESULT_PREFIX.length));
  } catch {
    return undefined;
  }
}

/**
 * Median of a list of numbers (the mean of the two middle values for an even count).
 * Non-finite values are ignored; an empty list gives NaN.
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Nearest-rank percentile of an ascending-sorted array (p in [0, 1]).
 * @param {ArrayLike<number>} sorted
 * @param {number} p
 * @returns {number}
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/**
 * Parses the command line of run.mjs.
 * `--quick` (fewer records and rounds, docs left alone), `--rounds N`, `--records N`, `--burst N`,
 * `--only a,b` (contender ids), `--no-micro`, `--no-profile`, `--no-docs`, `--out DIR`,
 * `--render` (rewrite docs/benchmarks.md from the last saved run, measuring nothing).
 * @param {readonly string[]} argv arguments after the script name
 */
export function parseArgs(argv) {
  const opts = {
    quick: false,
    rounds: 3,
    records: 200_000,
    burst: 1000,
    only: /** @type {string[] | undefined} */ (undefined),
    micro: true,
    profile: true,
    docs: true,
    render: false,
    out: /** @type {string | undefined} */ (undefined),
  };
  let roundsSet = false;
  let recordsSet = false;
  const num = (flag, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`bench: ${flag} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--quick':
        opts.quick = true;
        break;
      case '--rounds':
        opts.rounds = num(a, argv[++i]);
        roundsSet = true;
        break;
      case '--records':
        opts.records = num(a, argv[++i]);
        recordsSet = true;
        break;
      case '--burst':
        opts.burst = num(a, argv[++i]);
        break;
      case '--only':
        opts.only = String(argv[++i] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--no-micro':
        opts.micro = false;
        break;
      case '--no-profile':
        opts.profile = false;
        break;
      case '--no-docs':
        opts.docs = false;
        break;
      case '--render':
        opts.render = true;
        break;
      case '--out':
        opts.out = argv[++i];
        break;
      default:
        throw new Error(`bench: unknown argument ${a}`);
    }
  }
  if (opts.quick) {
    if (!roundsSet) opts.rounds = 1;
    if (!recordsSet) opts.records = 20_000;
    // A smoke run never replaces the committed results.
    opts.docs = false;
  }
  return opts;
}

/**
 * Combines the per-round results of one contender into medians (skipped rounds ignored).
 * @param {readonly Record<string, unknown>[]} runs
 * @param {readonly string[]} keys numeric fields to take the median of
 */
export function summarize(runs, keys) {
  const ok = runs.filter((r) => r && !r.skipped);
  /** @type {Record<string, number>} */
  const out = {};
  for (const k of keys) out[k] = median(ok.map((r) => Number(r[k])));
  out.rounds = ok.length;
  if (ok.length > 0) {
    out.min_recPerSec = Math.min(...ok.map((r) => Number(r.recPerSec)));
    out.max_recPerSec = Math.max(...ok.map((r) => Number(r.recPerSec)));
  }
  return out;
}

/**
 * Renders a markdown table. Numbers are formatted by the column's `format`, missing values as '—'.
 * @param {readonly { title: string, key: string, format?: (v: any) => string, align?: 'left' | 'right' }[]} columns
 * @param {readonly Record<string, unknown>[]} rows
 */
export function markdownTable(columns, rows) {
  const head = `| ${columns.map((c) => c.title).join(' | ')} |`;
  const sep = `| ${columns.map((c) => (c.align === 'left' ? '---' : '---:')).join(' | ')} |`;
  const body = rows.map(
    (r) =>
      `| ${columns
        .map((c) => {
          const v = r[c.key];
          if (v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))) {
            return '—';
          }
          return c.format ? c.format(v) : String(v);
        })
        .join(' | ')} |`,
  );
  return [head, sep, ...body].join('\n');
}

/** `1234567` → `1.23M`, `213456` → `213k`. */
export function si(n) {
  if (!Number.isFinite(n)) return '—';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Fixed decimals, or '—' when not finite. */
export function fixed(n, digits) {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}
