// Redaction alone: seclog's RedactingLogRecordProcessor against @pinojs/redact (what pino uses) on
// the standard event, plus worst-case inputs for seclog's value scan.
//   node redact-bench.mjs [--quick] [--json]
// seclog's processor runs inside a real LoggerProvider (each record a fresh SDK record); its
// onEmit alone is timed per record, net of the timer's own cost measured on an empty processor.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { median } from './lib/stats.mjs';
import { fakeGithubToken, makePool, PINO_REDACT_PATHS, randomBase62 } from './lib/workload.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const JSON_OUT = args.includes('--json');
const ITER = QUICK ? 20_000 : 200_000;
const RUNS = QUICK ? 3 : 5;

const pool = makePool();
const withSecret = pool.filter((e) => e.secret !== undefined);
const noSecret = pool.filter((e) => e.secret === undefined);
// The same secret in free text, under a key no path names: only a value scan can find it.
const inText = noSecret.slice(0, 512).map((e) => {
  const secret = fakeGithubToken();
  return {
    ...e,
    msg: `${e.msg}; retried with token ${secret} from CI`,
    secret,
  };
});

/** Bytes of text a redactor has to look at: the record's body and attributes as JSON. */
const textBytes = (e) => Buffer.byteLength(JSON.stringify({ body: e.msg, attributes: e.attrs }));

function time(fn, events, iter) {
  const n = events.length;
  for (let i = 0; i < Math.min(iter, 20_000); i++) fn(events[i % n]); // warm-up
  const nsPerRec = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iter; i++) fn(events[i % n]);
    nsPerRec.push(((performance.now() - t0) * 1e6) / iter);
  }
  return median(nsPerRec);
}

const SECLOG = 'seclog RedactingLogRecordProcessor.onEmit';
const results = [];
function row(kase, impl, ns, bytesPerRec, note) {
  results.push({
    case: kase,
    impl,
    nsPerRec: ns,
    recPerSec: 1e9 / ns,
    mibPerSec: (bytesPerRec / 1048576) * (1e9 / ns),
    note,
  });
}

async function seclogHarness() {
  const { LoggerProvider } = await import('@opentelemetry/sdk-logs');
  const { RedactingLogRecordProcessor } = await import('@seclog/redacting-log-record-processor');
  if (typeof RedactingLogRecordProcessor !== 'function') {
    throw new Error(
      '@seclog/redacting-log-record-processor exports no RedactingLogRecordProcessor',
    );
  }
  const redactor = new RedactingLogRecordProcessor({});
  const noop = { onEmit() {} };
  // Times the wrapped processor's onEmit alone, on the SDK's own fresh record.
  const timed = (inner) => ({
    ns: 0,
    last: undefined,
    onEmit(record, context) {
      const t = performance.now();
      inner.onEmit(record, context);
      this.ns += (performance.now() - t) * 1e6;
      this.last = record;
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  });
  const probe = timed(redactor);
  const empty = timed(noop);
  const loggerFor = (processor) =>
    new LoggerProvider({ processors: [processor] }).getLogger('bench');
  const redacting = loggerFor(probe);
  const calibration = loggerFor(empty);
  const emit = (logger, e) =>
    logger.emit({ severityNumber: 9, severityText: 'INFO', body: e.msg, attributes: e.attrs });
  /** Median ns per record spent in the redactor's onEmit, net of the timer's own cost. */
  const measure = (events, iter) => {
    const n = events.length;
    for (let i = 0; i < Math.min(iter, 20_000); i++) emit(redacting, events[i % n]); // warm-up
    const per = [];
    for (let r = 0; r < RUNS; r++) {
      probe.ns = 0;
      empty.ns = 0;
      for (let i = 0; i < iter; i++) {
        emit(redacting, events[i % n]);
        emit(calibration, events[i % n]);
      }
      per.push(Math.max(0, probe.ns - empty.ns) / iter);
    }
    return median(per);
  };
  return { measure, redact: (e) => emit(redacting, e), last: () => probe.last };
}

function leaks(record, secret) {
  const text = JSON.stringify({ body: record.body, attributes: record.attributes });
  return secret !== undefined && text.includes(secret);
}

async function main() {
  const sets = [
    ['standard event, no secret', noSecret],
    ['standard event, one secret (session.token)', withSecret],
    ['standard event, one secret in the message text', inText],
  ];

  // pino's redaction on the same objects: clone-on-write of two paths, no serialization, then
  // with JSON.stringify as pino would.
  const Redact = require('@pinojs/redact');
  const pinoObj = Redact({ paths: PINO_REDACT_PATHS, censor: '[Redacted]', serialize: false });
  const pinoJson = Redact({ paths: PINO_REDACT_PATHS, censor: '[Redacted]' });
  for (const [name, events] of sets) {
    const bytes = median(events.map(textBytes));
    const objs = events.map((e) => ({ msg: e.msg, ...e.attrs }));
    const leaked = events.filter(
      (e, i) => e.secret && JSON.stringify(pinoObj(objs[i])).includes(e.secret),
    ).length;
    const note = leaked
      ? `${leaked} of ${events.length} secrets left in place (not on a path)`
      : '';
    row(name, '@pinojs/redact, 2 paths (serialize: false)', time(pinoObj, objs, ITER), bytes, note);
    row(name, '@pinojs/redact, 2 paths + JSON.stringify', time(pinoJson, objs, ITER), bytes, note);
    row(
      name,
      'JSON.stringify alone (reference)',
      time((o) => JSON.stringify(o), objs, ITER),
      bytes,
      '',
    );
  }

  let h;
  try {
    h = await seclogHarness();
  } catch (error) {
    results.push({
      skipped: 'seclog',
      reason: error instanceof Error ? error.message : String(error),
    });
  }
  if (h) {
    for (const [name, events] of sets) {
      const bytes = median(events.map(textBytes));
      const ns = h.measure(events, ITER);
      let leaked = 0;
      for (const e of events) {
        h.redact(e);
        if (leaks(h.last(), e.secret)) leaked++;
      }
      const note = leaked ? `LEAK: ${leaked} of ${events.length} secrets survived` : '';
      row(name, SECLOG, ns, bytes, note);
    }

    // Worst cases: one record with one 1 MiB attribute each.
    const MiB = 1 << 20;
    const fill = (unit) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);
    const nearMissToken = () => `ghp_${randomBase62(30)}000000 `; // right shape, wrong checksum
    const worst = [
      [
        '1 MiB of near-miss GitHub tokens (bad checksum)',
        fill(Array.from({ length: 64 }, nearMissToken).join('')),
      ],
      ['1 MiB of 16-digit numbers failing Luhn', fill('4111 1111 1111 1112 ')],
      [
        '1 MiB of JWT header fragments (eyJhbGciOiJub25lIn0.eyJ …)',
        fill('eyJhbGciOiJub25lIn0.eyJ '),
      ],
      ['1 MiB of keyword bait ("password token secret")', fill('password token secret api_key ')],
      ['1 MiB of plain text, no keyword', fill('the quick brown fox jumps over the lazy dog ')],
    ];
    for (const [name, big] of worst) {
      const ev = { msg: 'worst case', attrs: { 'event.name': 'auth.login', payload: big } };
      const ns = h.measure([ev], QUICK ? 3 : 10);
      h.redact(ev);
      const out = h.last().attributes.payload;
      const note =
        typeof out !== 'string'
          ? `value became ${typeof out}`
          : out === big
            ? 'unchanged'
            : `changed (${out.length} chars out${out.length < 200 ? `: ${out.slice(0, 60)}` : ''})`;
      row(name, SECLOG, ns, MiB, note);
    }
    // Deep nesting: 200 levels of arrays with a secret at the bottom.
    const secret = fakeGithubToken();
    let deep = { token: secret };
    for (let i = 0; i < 200; i++) deep = [deep];
    const deepEv = { msg: 'deep', attrs: { 'event.name': 'auth.login', deep }, secret };
    const dNs = h.measure([deepEv], QUICK ? 100 : 2000);
    h.redact(deepEv);
    row(
      '200-deep nested arrays, secret at the bottom',
      SECLOG,
      dNs,
      textBytes(deepEv),
      leaks(h.last(), secret) ? 'LEAK: secret survived' : 'secret removed',
    );
  }

  if (JSON_OUT) {
    process.stdout.write(JSON.stringify(results) + '\n');
  } else {
    for (const r of results) console.log(JSON.stringify(r));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
