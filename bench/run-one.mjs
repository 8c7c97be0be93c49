// Runs ONE contender once in this fresh process and prints one result line (prefix RESULT_PREFIX).
//   node run-one.mjs <contender> <dir> [records] [burst] [latencyStride]
// Bursts of <burst> calls, then a setImmediate yield; the clock runs from the first call until
// every record is written and every file closed; records are counted on disk afterwards.
import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { CONTENDERS } from './contenders/index.mjs';
import { runtimeInfo } from './lib/otel-line.mjs';
import { percentile, RESULT_PREFIX } from './lib/stats.mjs';
import { makePool, POOL_SIZE } from './lib/workload.mjs';

const [id, dir, recordsArg, burstArg, strideArg] = process.argv.slice(2);
const N = Number(recordsArg ?? 200_000);
const BURST = Number(burstArg ?? 1000);
// Every STRIDE-th call is timed on its own; 7 is coprime with the pool size, so the sampled calls
// cover every variant, and timing 1 call in 7 keeps the clock's own cost (~50 ns) out of rec/s.
const STRIDE = Number(strideArg ?? 7);

/** How many of N calls used pool slot i (the loop cycles the pool). */
function countUses(i, n) {
  return Math.floor(n / POOL_SIZE) + (i < n % POOL_SIZE ? 1 : 0);
}

function emitResult(result) {
  process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n', () => process.exit(0));
}

async function main() {
  const spec = CONTENDERS[id];
  if (!spec || !dir) {
    console.error(
      `usage: run-one.mjs <${Object.keys(CONTENDERS).join('|')}> <dir> [records] [burst]`,
    );
    process.exit(2);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  let target;
  try {
    target = await spec.create({ dir });
  } catch (error) {
    emitResult({
      id,
      skipped: true,
      reason: error instanceof Error ? error.message : String(error),
    });
    return;
  }
  const raw = makePool(POOL_SIZE);
  const pool = target.prepare ? raw.map((ev) => target.prepare(ev)) : raw;
  const mask = POOL_SIZE - 1;
  // Some destinations (thread-stream workers) are unref'd: keep the loop alive until finish().
  const keepAlive = setInterval(() => {}, 1 << 30);
  if (target.ready) await target.ready();
  const log = target.log.bind(target);
  const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

  const samples = new Float64Array(Math.ceil(N / STRIDE));
  let sampled = 0;
  let emitMs = 0;
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const cpu0 = process.cpuUsage(); // the whole process: every thread, workers included
  const t0 = performance.now();
  for (let i = 0; i < N;) {
    const end = Math.min(N, i + BURST);
    const b0 = performance.now();
    for (; i < end; i++) {
      if (i % STRIDE === 0) {
        const a = performance.now();
        log(pool[i & mask]);
        samples[sampled++] = performance.now() - a;
      } else {
        log(pool[i & mask]);
      }
    }
    emitMs += performance.now() - b0;
    await yieldLoop();
  }
  await target.finish();
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  clearInterval(keepAlive);

  // Under the profiler (BENCH_SKIP_COUNT=1) the read-back would only add noise to the profile.
  const counted =
    process.env.BENCH_SKIP_COUNT === '1'
      ? { records: N, bytes: 0, files: 0, secrets: 0 }
      : target.count();
  // Outside the clock: seclog's own verifier over what was written (BENCH_VERIFY=1).
  const verified =
    process.env.BENCH_VERIFY === '1' && target.verify ? await target.verify() : undefined;
  const lat = samples.subarray(0, sampled).slice().sort();
  // The same samples without the first 10% of calls, where the JIT is still compiling the call
  // path: what a long-running service sees (the target stays on the whole run).
  const steady = samples.subarray(Math.ceil(N / 10 / STRIDE), sampled).sort();
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const result = {
    id,
    records: N,
    burst: BURST,
    totalMs,
    emitMs,
    recPerSec: N / (totalMs / 1000),
    written: counted.records,
    lost: N - counted.records,
    reportedDrops: target.reportedDrops,
    files: counted.files,
    secretsOnDisk: counted.secrets,
    secretsEmitted: pool.reduce((n, ev, i) => n + (ev.secret ? countUses(i, N) : 0), 0),
    verified,
    bytes: counted.bytes,
    bytesPerRec: counted.bytes / Math.max(1, counted.records),
    mibPerSec: counted.bytes / 1048576 / (totalMs / 1000),
    cpuUsPerRec: (cpu.user + cpu.system) / N,
    emitP50Us: percentile(lat, 0.5) * 1000,
    emitP99Us: percentile(lat, 0.99) * 1000,
    emitP999Us: percentile(lat, 0.999) * 1000,
    emitP99SteadyUs: percentile(steady, 0.99) * 1000,
    emitMaxUs: lat.length ? lat[lat.length - 1] * 1000 : Number.NaN,
    eldP99Ms: eld.percentile(99) / 1e6,
    eldMaxMs: eld.max / 1e6,
    maxRssMB,
    runtime: runtimeInfo(),
  };
  if (process.env.KEEP_OUTPUT !== '1') fs.rmSync(dir, { recursive: true, force: true });
  emitResult(result);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
