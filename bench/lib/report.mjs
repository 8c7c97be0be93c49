// Renders a bench run: the stdout table and docs/benchmarks.md (machine, method, tables, ratios
// against its targets, micro-benchmarks, profile, and the hand-written notes in bench/NOTES.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineTable } from './baselines.mjs';
import { ratios } from './ratios.mjs';
import { fixed, markdownTable, si } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const MAIN_COLUMNS = [
  { title: 'contender', key: 'id', align: 'left' },
  { title: 'rec/s (median)', key: 'recPerSec', format: si },
  { title: 'min–max', key: 'range', align: 'left' },
  { title: 'CPU µs/rec', key: 'cpuUsPerRec', format: (v) => fixed(v, 2) },
  { title: 'B/rec', key: 'bytesPerRec', format: (v) => fixed(v, 0) },
  { title: 'emit p50 µs', key: 'emitP50Us', format: (v) => fixed(v, 2) },
  { title: 'emit p99 µs', key: 'emitP99Us', format: (v) => fixed(v, 2) },
  { title: 'p99 after 10% µs', key: 'emitP99SteadyUs', format: (v) => fixed(v, 2) },
  { title: 'loop delay p99 ms', key: 'eldP99Ms', format: (v) => fixed(v, 1) },
  { title: 'peak RSS MB', key: 'maxRssMB', format: (v) => fixed(v, 0) },
  { title: 'MiB/s', key: 'mibPerSec', format: (v) => fixed(v, 1) },
  { title: 'files', key: 'files', format: (v) => fixed(v, 0) },
  { title: 'lost', key: 'lost', format: (v) => fixed(v, 0) },
  { title: 'secrets on disk', key: 'secrets', align: 'left' },
];

function tableRows(rows) {
  return rows.map((r) =>
    r.skipped
      ? { id: r.id, range: `skipped: ${r.skipped}` }
      : {
          ...r,
          range: `${si(r.min_recPerSec)}–${si(r.max_recPerSec)}`,
          secrets: `${fixed(r.secretsOnDisk, 0)} of ${fixed(r.secretsEmitted, 0)}`,
        },
  );
}

const RATIO_COLUMNS = [
  { title: 'ratio', key: 'what', align: 'left' },
  { title: 'this run', key: 'value' },
  { title: 'target', key: 'target' },
  { title: '', key: 'verdict', align: 'left' },
];

/** The stdout summary: main table and ratios. */
export function renderTable(report) {
  const { machine, opts } = report;
  return [
    `${machine.nproc} cores, ${machine.cpu}, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.date}, load ${machine.loadAvg.join(' ')} → ${(machine.loadAvgAfter ?? []).join(' ')}`,
    `${opts.records} records, bursts of ${opts.burst}, ${opts.rounds} round(s), medians`,
    '',
    markdownTable(MAIN_COLUMNS, tableRows(report.rows)),
    '',
    baselineTable(report.rows),
    '',
    markdownTable(RATIO_COLUMNS, ratios(report.rows)),
  ].join('\n');
}

function redactionSection(redaction) {
  if (!redaction) return 'Not run (`--no-micro`).';
  if (!Array.isArray(redaction)) return `Failed: ${redaction.failed}`;
  const skipped = redaction.filter((r) => r.skipped);
  const rows = redaction.filter((r) => !r.skipped);
  const cols = [
    { title: 'input', key: 'case', align: 'left' },
    { title: 'implementation', key: 'impl', align: 'left' },
    {
      title: 'ns/rec',
      key: 'nsPerRec',
      format: (v) =>
        v >= 1e6
          ? `${(v / 1e6).toFixed(1)} ms`
          : v >= 1e4
            ? `${(v / 1e3).toFixed(0)} µs`
            : fixed(v, 0),
    },
    { title: 'rec/s', key: 'recPerSec', format: si },
    { title: 'MiB/s of text', key: 'mibPerSec', format: (v) => fixed(v, 1) },
    { title: 'note', key: 'note', align: 'left' },
  ];
  return [
    markdownTable(cols, rows),
    ...skipped.map((s) => `\n${s.skipped} rows skipped: ${s.reason}`),
  ].join('\n');
}

function otlpSection(otlp) {
  if (!otlp) return 'Not run (`--no-micro`).';
  if (!Array.isArray(otlp)) return `Failed: ${otlp.failed}`;
  return markdownTable(
    [
      { title: 'body', key: 'case', align: 'left' },
      { title: 'bytes/rec', key: 'bytesPerRec', format: (v) => fixed(v, 0) },
      { title: 'ms per 512-record batch', key: 'msPerBatch', format: (v) => fixed(v, 2) },
      { title: 'rec/s (serialize only)', key: 'recPerSec', format: si },
    ],
    otlp,
  );
}

function profileSection(profile) {
  if (!profile) return 'Not run.';
  if (profile.failed || profile.skipped)
    return `Not available: ${profile.failed ?? profile.reason}`;
  const parts = [
    `\`node --cpu-prof run-one.mjs ${profile.contender}\`, ${profile.records} records, ` +
      `${si(profile.recPerSec)} rec/s under the profiler. Self time, idle excluded.`,
  ];
  profile.threads.forEach((t, i) => {
    parts.push(`\n**Thread ${i + 1}** (${t.totalMs.toFixed(0)} ms sampled)\n`);
    parts.push(
      markdownTable(
        [
          { title: 'package', key: 'name', align: 'left' },
          { title: 'self ms', key: 'selfMs', format: (v) => fixed(v, 0) },
          { title: '%', key: 'pct', format: (v) => fixed(v, 1) },
        ],
        t.byPackage.slice(0, 10),
      ),
    );
    parts.push('');
    parts.push(
      markdownTable(
        [
          { title: 'function', key: 'name', align: 'left' },
          { title: 'where', key: 'where', align: 'left' },
          { title: 'self ms', key: 'selfMs', format: (v) => fixed(v, 0) },
          { title: '%', key: 'pct', format: (v) => fixed(v, 1) },
        ],
        t.top.slice(0, 20).map((f) => ({ ...f, where: f.where ? `\`${f.where}\`` : '' })),
      ),
    );
    const owned = Object.entries(t.byWorkspacePackage ?? {});
    if (owned.length > 0) {
      parts.push('\nHeaviest functions of each seclog package:\n');
      for (const [pkg, fns] of owned) {
        parts.push(
          `- ${pkg}: ` +
            fns
              .map((f) => `\`${f.name}\` ${f.selfMs.toFixed(0)} ms (${f.pct.toFixed(1)}%)`)
              .join(', '),
        );
      }
    }
  });
  return parts.join('\n');
}

function verifiedList(rows) {
  const v = rows.filter((r) => r.verified !== undefined);
  if (v.length === 0) return '';
  return (
    '`verifyDirectory` (what `seclog verify` runs) over the first round of each seclog row:\n\n' +
    v.map((r) => `- \`${r.id}\`: ${r.verified}`).join('\n')
  );
}

/** docs/benchmarks.md. */
export function renderReport(report) {
  const { machine, opts, rows } = report;
  const notesFile = path.join(here, '..', 'NOTES.md');
  const notes = fs.existsSync(notesFile) ? fs.readFileSync(notesFile, 'utf8').trim() : '';
  const labels = rows
    .map(
      (r) =>
        `- \`${r.id}\`: ${r.label}` +
        // The 0.223 rows run on the Node and libraries of the machine section; say what a 3.x row loaded.
        (r.line && r.runtime
          ? ` (ran on Node ${r.runtime.node}, sdk-logs ${r.runtime.sdkLogs})`
          : ''),
    )
    .join('\n');
  return `# Benchmarks

<!-- Generated by \`npx --yes pnpm@10 bench\` (bench/run.mjs); the Notes section comes from bench/NOTES.md. -->

Run it yourself from the repo root: \`npx --yes pnpm@10 bench\` (builds the packages with
\`tsc -b\`, then runs \`node bench/run.mjs\`; about
${Math.max(1, Math.round(report.elapsedS / 60))} minute(s) here). \`node bench/run.mjs --quick\` is a fast
smoke run; \`--rounds N\`, \`--records N\`, \`--only a,b\` narrow it; \`--render\` rewrites this file
from \`bench/results/last-run.json\` without measuring.

## Machine

| | |
| --- | --- |
| date | ${machine.date} |
| cores (\`nproc\`) | ${machine.nproc} |
| CPU | ${machine.cpu} |
| memory | ${machine.memGiB} GiB |
| Node | ${machine.node} |
| kernel | ${machine.kernel} |
| load average (1/5/15 min) at start, at end | ${machine.loadAvg.join(' ')}; ${(machine.loadAvgAfter ?? []).join(' ')} |
| libraries | ${Object.entries(machine.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} |

## Workload and method

- One security event, the same for every logger: a message and 8 attributes under
  their OpenTelemetry names (\`event.name\`, \`user.id\`, \`client.address\`,
  \`http.request.method\`, \`url.path\`, \`event.outcome\`, \`http.request.id\`, and the nested
  \`session: { id, mfa: { method, verified } }\`). 4096 variants are built before the clock
  starts; in 10% of them \`session.token\` holds a fake GitHub token (\`ghp_\` + 30 random base62
  characters + the CRC32 checksum, assembled at run time).
- ${opts.records} records per run, in bursts of ${opts.burst} calls followed by a
  \`setImmediate\` yield. Each contender runs in its own fresh \`node\` process; rounds are
  interleaved (A B C … then … C B A), ${opts.rounds} round(s), and the table shows medians.
- The clock runs from the first call until every record has been handed to the kernel and every
  file is closed (pino: \`dest.end()\` → \`close\`; transports: \`end()\` → \`close\`; winston:
  drain, \`end()\` → \`finish\`, and for \`winston-otel\` then the SDK's \`shutdown()\`; OTel and
  seclog: \`shutdown()\`). Then the records on disk are
  counted: **lost** = records emitted − records written (lines; seclog: records in the data files
  \`*.ndjson\`, several to a line in format v2, counted by the \`{"timeUnixNano":"\` that opens each;
  seals are separate files and not counted). **secrets on disk** counts the fake
  tokens' \`ghp_\` prefix in the written files against the number of secret-bearing records
  emitted. For seclog rows the first round's directory is also checked with \`verifyDirectory\`
  (the hash chain and seals), outside the clock.
- **CPU µs/rec**: \`process.cpuUsage()\` over the run, which covers every thread of the process
  (worker-thread transports included). **emit p50/p99**: every 7th call is timed alone with
  \`performance.now()\` on the calling thread (7 is coprime with the pool size, so every variant
  is sampled; timing 1 call in 7 keeps the clock's own cost out of rec/s). **p99 after 10%**:
  the same samples without the first 10% of calls, while the JIT is still compiling the call
  path; the target is on the whole run. **loop delay p99**:
  \`perf_hooks.monitorEventLoopDelay\` (1 ms resolution) over the run; it includes each
  1000-call burst itself (a few ms for every contender) plus whatever export work blocks the
  loop. **peak RSS**: \`process.resourceUsage().maxRSS\` at the end of the process.
- seclog is called the way an application would: \`security.authn.loginFail(fields)\` or
  \`loginSuccess(fields)\` by the event's outcome, with \`userId\`, \`clientAddress\`,
  \`sessionId\` and \`message\` as typed fields and the other attributes (method, path, request
  id, the nested \`session\`) under \`attributes\`; the fields objects are built with the pool.
  pino and winston get the attributes object as it is, the OTel SDK \`logger.emit()\`.
  \`winston-otel\` is \`logger.info(msg, attrs)\` through \`OpenTelemetryTransportV3\`
  (\`@opentelemetry/winston-transport\`, which takes its logger from the global logs API) into the
  \`otel-sdk\` row's provider, processor and exporter.
- The \`-otel3\` rows run on the OpenTelemetry JS 3.x line: their process is Node 22 from
  \`compat/otel-3\` with the resolve hook of \`scripts/otel3-register.cjs\` (what
  \`scripts/test-otel3.mjs\` uses), so every \`@opentelemetry\` import of the bench and of
  seclog's built packages loads the 3.x packages; the list below gives the Node and sdk-logs
  each row's process actually loaded. Every other row runs on the Node above and the 0.223 line.
- Durability is the same for every row but one: no \`fsync\` (bytes in the page cache). seclog's
  default is an \`fdatasync\` per exported batch; the main seclog rows set \`fsync: 'none'\` and
  \`seclog-fsync\` shows the default.
- **B/rec**: bytes written divided by records written (envelopes differ, below). The table
  under the results divides every row's rec/s and CPU µs/rec by those of pino + redact, pino +
  redact through pino-roll and the bare SDK; the chart (\`docs/benchmarks.svg\`, written by the
  same run) shows rec/s and CPU µs/rec with the same three ratios.
- Rotating contenders rotate at 16 MiB (a few rotations per run). pino's \`redact\` censors
  \`session.token\` and \`client.address\`; seclog runs its built-in rules (keys and values, every
  string scanned). Envelopes differ (pino adds pid/hostname, OTel severity and scope, seclog one
  OTLP/JSON request per line with resource, scope and the chain attributes), so bytes per record
  differ; compare MiB/s with that in mind.
- Noise: on this kind of 2-core VM, runs of one contender spread by up to ±20% within a session;
  differences under ~15% are not meaningful. Other processes on the machine (see the load
  average above) slow every contender's wall clock; **CPU µs/rec** is the steadier comparison.

Contenders:

${labels}

## Results

![records/s and CPU µs per record of every contender, with ratios against pino + redact, pino + redact + pino-roll and the bare OTel SDK](benchmarks.svg)

${markdownTable(MAIN_COLUMNS, tableRows(rows))}

${verifiedList(rows)}

## Against pino + redact, pino + redact + pino-roll and the bare SDK

Each row's median divided by the baseline's: rec/s above 1x is faster than the baseline, CPU/rec
above 1x costs more CPU per record. A 3.x-line row is compared with the bare SDK of the 3.x line.

${baselineTable(rows)}

## Ratios and targets

${markdownTable(RATIO_COLUMNS, ratios(rows))}

## Redaction alone (\`node bench/redact-bench.mjs\`)

seclog's processor runs inside a real \`LoggerProvider\`, so each record is a fresh SDK record;
only its \`onEmit\` is timed (per record, \`performance.now()\` around the call, minus the same
timer around an empty processor). "MiB/s of text" is the size of the
record's body and attributes as JSON divided by the time. @pinojs/redact only visits its two
paths, so a secret anywhere else stays (the note column says so).

${redactionSection(report.redaction)}

## OTLP serialization (\`node bench/otlp-serialize-bench.mjs\`)

One 512-record batch of the standard event as real SDK records, through
\`JsonLogsSerializer\` and \`ProtobufLogsSerializer\` from \`@opentelemetry/otlp-transformer\`
(what the OTLP http/json and http/protobuf exporters run before the network).

${otlpSection(report.otlp)}

## Where seclog's time goes (\`node bench/profile.mjs\`)

${profileSection(report.profile)}
${notes ? `\n## Notes\n\n${notes.replace(/^# .*\n+/, '').replace(/^## /gm, '### ')}\n` : ''}`;
}
