// Runs every contender in its own fresh process, interleaved over several rounds, prints the
// median table and writes docs/benchmarks.md; then the redaction and OTLP micro-benchmarks and a
// CPU profile of the seclog full pipeline.
//   node run.mjs [--quick] [--rounds N] [--records N] [--burst N] [--only a,b] [--no-micro]
//                [--no-profile] [--no-docs] [--out DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENDERS } from './contenders/index.mjs';
import { renderChart } from './lib/chart.mjs';
import { renderReport, renderTable } from './lib/report.mjs';
import { describeMachine } from './lib/machine.mjs';
import { childRuntime } from './lib/otel-line.mjs';
import { parseArgs, parseResultLine, summarize } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const METRICS = [
  'recPerSec',
  'totalMs',
  'emitMs',
  'written',
  'lost',
  'files',
  'bytesPerRec',
  'mibPerSec',
  'cpuUsPerRec',
  'emitP50Us',
  'emitP99Us',
  'emitP999Us',
  'emitP99SteadyUs',
  'emitMaxUs',
  'eldP99Ms',
  'eldMaxMs',
  'maxRssMB',
  'secretsOnDisk',
  'secretsEmitted',
];

function runOne(id, dir, opts, verify) {
  const runtime = childRuntime(CONTENDERS[id].line, {
    ...process.env,
    BENCH_VERIFY: verify ? '1' : '0',
  });
  if (runtime.missing) return { id, skipped: true, reason: runtime.missing };
  const child = spawnSync(
    runtime.execPath,
    [
      ...runtime.execArgv,
      path.join(here, 'run-one.mjs'),
      id,
      dir,
      String(opts.records),
      String(opts.burst),
    ],
    { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, env: runtime.env },
  );
  const result = parseResultLine(child.stdout ?? '');
  if (result) return result;
  const why = (child.error?.message ?? child.stderr ?? '').trim().split('\n').slice(-4).join(' | ');
  return { id, skipped: true, crashed: true, reason: `exit ${child.status}: ${why}` };
}

function runJson(script, args) {
  const child = spawnSync(process.execPath, [path.join(here, script), ...args, '--json'], {
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 << 20,
  });
  const line = (child.stdout ?? '').trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    return {
      failed: `${script}: exit ${child.status}: ${(child.stderr ?? '').trim().slice(-400)}`,
    };
  }
}

const LAST_RUN = path.join(here, 'results', 'last-run.json');
const DOCS = path.join(here, '..', 'docs', 'benchmarks.md');
// Linked from DOCS as `benchmarks.svg`: written beside it, from the same run.
const CHART = path.join(here, '..', 'docs', 'benchmarks.svg');

/** The saved run as the repo's Prettier would write it, so `prettier --check .` stays green. */
async function formatJson(text) {
  try {
    const prettier = await import('prettier');
    return await prettier.format(text, { parser: 'json', printWidth: 100 });
  } catch {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  }
}

function writeDocs(report, log) {
  fs.mkdirSync(path.dirname(DOCS), { recursive: true });
  fs.writeFileSync(DOCS, renderReport(report));
  fs.writeFileSync(CHART, renderChart(report));
  log(`bench: wrote ${path.relative(process.cwd(), DOCS) || DOCS} and ${path.basename(CHART)}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s) => process.stderr.write(s + '\n');
  if (opts.render) {
    // Re-render from the saved data (after editing NOTES.md or the report layout).
    const report = JSON.parse(fs.readFileSync(LAST_RUN, 'utf8'));
    process.stdout.write(renderTable(report) + '\n');
    writeDocs(report, log);
    return;
  }
  const ids = opts.only ?? Object.keys(CONTENDERS);
  for (const id of ids) {
    if (!CONTENDERS[id])
      throw new Error(`bench: unknown contender ${id} (${Object.keys(CONTENDERS).join(', ')})`);
  }
  const base = opts.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'seclog-bench-'));
  const machine = describeMachine();
  log(
    `bench: ${ids.length} contenders x ${opts.rounds} rounds, ${opts.records} records, bursts of ${opts.burst}; files under ${base}`,
  );

  const raw = Object.fromEntries(ids.map((id) => [id, []]));
  const skipped = {};
  const started = Date.now();
  for (let round = 0; round < opts.rounds; round++) {
    // Alternate the order so no contender always runs right after the same neighbour.
    const order = round % 2 === 0 ? ids : [...ids].reverse();
    for (const id of order) {
      if (skipped[id]) continue;
      // The hash chain is verified once per contender (first round), outside the clock.
      const res = runOne(id, path.join(base, `${id}-r${round}`), opts, round === 0);
      if (res.skipped) {
        skipped[id] = res.reason;
        log(`  ${id}: SKIPPED (${res.reason})`);
        continue;
      }
      raw[id].push(res);
      log(
        `  round ${round + 1} ${id}: ${Math.round(res.recPerSec)} rec/s, lost ${res.lost}, ` +
          `p99 ${res.emitP99Us.toFixed(1)} µs, rss ${res.maxRssMB.toFixed(0)} MB`,
      );
    }
  }
  fs.rmSync(base, { recursive: true, force: true });

  const rows = ids.map((id) => ({
    id,
    label: CONTENDERS[id].label,
    seclog: Boolean(CONTENDERS[id].seclog),
    line: CONTENDERS[id].line,
    runtime: raw[id][0]?.runtime,
    skipped: skipped[id],
    ...(skipped[id] ? {} : summarize(raw[id], METRICS)),
    verified: raw[id].find((r) => r.verified !== undefined)?.verified,
  }));

  let redaction;
  let otlp;
  let profile;
  if (opts.micro) {
    log('bench: redaction micro-benchmark');
    redaction = runJson('redact-bench.mjs', opts.quick ? ['--quick'] : []);
    log('bench: OTLP serialization micro-benchmark');
    otlp = runJson('otlp-serialize-bench.mjs', opts.quick ? ['--quick'] : []);
  }
  if (opts.profile && !skipped['seclog-full'] && ids.includes('seclog-full')) {
    log('bench: CPU profile of seclog-full');
    profile = runJson('profile.mjs', ['seclog-full', '--records', String(opts.records)]);
  }

  machine.loadAvgAfter = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const report = {
    machine,
    opts,
    rows,
    raw,
    redaction,
    otlp,
    profile,
    elapsedS: (Date.now() - started) / 1000,
  };
  process.stdout.write(renderTable(report) + '\n');
  if (opts.docs) {
    fs.mkdirSync(path.dirname(LAST_RUN), { recursive: true });
    fs.writeFileSync(LAST_RUN, await formatJson(JSON.stringify(report)));
    writeDocs(report, log);
  }
}

await main();
