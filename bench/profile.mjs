// CPU profile of one contender (default: the seclog full pipeline): runs run-one.mjs under
// `node --cpu-prof` and summarizes self time by function and by package, for every thread profiled.
//   node profile.mjs [contender] [--records N] [--json] [--keep DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENDERS } from './contenders/index.mjs';
import { summarizeProfile } from './lib/cpu-profile.mjs';
import { childRuntime } from './lib/otel-line.mjs';
import { parseResultLine } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const contender =
  args.find((a, i) => !a.startsWith('--') && !['--records', '--keep'].includes(args[i - 1])) ??
  'seclog-full';
const records = flag('--records') ?? '200000';
const JSON_OUT = args.includes('--json');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seclog-prof-'));
const profDir = flag('--keep') ?? path.join(work, 'prof');
fs.mkdirSync(profDir, { recursive: true });
// A 3.x-line contender is profiled on the line it runs on in the bench (lib/otel-line.mjs).
const runtime = childRuntime(CONTENDERS[contender]?.line, {
  ...process.env,
  BENCH_SKIP_COUNT: '1',
  KEEP_OUTPUT: '1',
});
if (runtime.missing) {
  if (JSON_OUT)
    process.stdout.write(
      JSON.stringify({ contender, skipped: true, reason: runtime.missing }) + '\n',
    );
  else console.log(`profile of ${contender} skipped: ${runtime.missing}`);
  process.exit(0);
}
const run = spawnSync(
  runtime.execPath,
  [
    ...runtime.execArgv,
    '--cpu-prof',
    '--cpu-prof-dir',
    profDir,
    path.join(here, 'run-one.mjs'),
    contender,
    path.join(work, 'out'),
    records,
  ],
  { encoding: 'utf8', timeout: 300_000, env: runtime.env },
);
const result = parseResultLine(run.stdout ?? '');
if (!result || result.skipped) {
  const reason =
    result?.reason ?? (run.stderr || `exit ${run.status}`).trim().split('\n').slice(-3).join(' ');
  if (JSON_OUT) process.stdout.write(JSON.stringify({ contender, skipped: true, reason }) + '\n');
  else console.log(`profile of ${contender} skipped: ${reason}`);
  process.exit(0);
}

const threads = fs
  .readdirSync(profDir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) =>
    summarizeProfile(
      JSON.parse(fs.readFileSync(path.join(profDir, f), 'utf8')),
      path.dirname(here) + '/',
    ),
  )
  .sort((a, b) => b.totalMs - a.totalMs);
if (!flag('--keep')) fs.rmSync(work, { recursive: true, force: true });

const summary = { contender, records: Number(records), recPerSec: result.recPerSec, threads };
if (JSON_OUT) {
  process.stdout.write(JSON.stringify(summary) + '\n');
} else {
  console.log(`${contender}: ${Math.round(result.recPerSec)} rec/s under the profiler`);
  for (const [i, t] of threads.entries()) {
    console.log(`\nthread ${i + 1}: ${t.totalMs.toFixed(0)} ms sampled`);
    console.log('  by package:');
    for (const p of t.byPackage.slice(0, 12)) {
      console.log(
        `    ${p.pct.toFixed(1).padStart(5)}%  ${p.selfMs.toFixed(0).padStart(6)} ms  ${p.name}`,
      );
    }
    console.log('  top self time:');
    for (const f of t.top.slice(0, 25)) {
      console.log(
        `    ${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`,
      );
    }
  }
}
