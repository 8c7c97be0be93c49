// The ratios seclog is held to (seclog full against pino + redact, pino-roll, the bare SDK and
// its own variants), each with its target and whether the run meets it.

const get = (rows, id) => rows.find((r) => r.id === id && !r.skipped);

/** The ratios seclog is held to, each with its target and whether this run meets it. */
export function ratios(rows) {
  const full = get(rows, 'seclog-full');
  const out = [];
  const add = (what, a, b, key, target, better) => {
    if (!a || !b) {
      out.push({ what, value: '—', target, verdict: 'not measured' });
      return;
    }
    const v = a[key] / b[key];
    out.push({
      what,
      value: `${v.toFixed(2)}x`,
      target,
      verdict: better === undefined ? '' : better(v) ? 'met' : 'NOT met',
    });
  };
  add(
    'seclog full / pino + redact, rec/s',
    full,
    get(rows, 'pino-redact'),
    'recPerSec',
    '>= 1.5x',
    (v) => v >= 1.5,
  );
  add(
    'bare OTel SDK / pino + redact, rec/s (the SDK alone, before any seclog work)',
    get(rows, 'otel-sdk'),
    get(rows, 'pino-redact'),
    'recPerSec',
    '(ceiling)',
  );
  add(
    'seclog with the defaults (fsync per batch) / pino + redact, rec/s',
    get(rows, 'seclog-fsync'),
    get(rows, 'pino-redact'),
    'recPerSec',
    '>= 1.0x (goal 1.5x)',
    (v) => v >= 1,
  );
  add(
    'seclog full / pino + redact + pino-roll, rec/s',
    full,
    get(rows, 'pino-redact-roll'),
    'recPerSec',
    '(context)',
  );
  add(
    'seclog with the defaults / pino + redact + pino-roll, rec/s',
    get(rows, 'seclog-fsync'),
    get(rows, 'pino-redact-roll'),
    'recPerSec',
    '(context)',
  );
  add(
    'bare OTel SDK / pino + redact + pino-roll, rec/s',
    get(rows, 'otel-sdk'),
    get(rows, 'pino-redact-roll'),
    'recPerSec',
    '(context)',
  );
  add(
    'seclog full on the 3.x line / bare OTel SDK on the 3.x line, rec/s',
    get(rows, 'seclog-full-otel3'),
    get(rows, 'otel-sdk-otel3'),
    'recPerSec',
    '(context)',
  );
  add(
    'seclog full on the 3.x line / pino + redact, rec/s',
    get(rows, 'seclog-full-otel3'),
    get(rows, 'pino-redact'),
    'recPerSec',
    '(context)',
  );
  add(
    'bare OTel SDK, 3.x line / 0.223 line, rec/s',
    get(rows, 'otel-sdk-otel3'),
    get(rows, 'otel-sdk'),
    'recPerSec',
    '(context)',
  );
  add(
    'winston + OTel winston-transport / bare OTel SDK, rec/s (the bridge)',
    get(rows, 'winston-otel'),
    get(rows, 'otel-sdk'),
    'recPerSec',
    '(context)',
  );
  add('seclog full / floor, rec/s', full, get(rows, 'floor'), 'recPerSec', '(context)');
  add('seclog full / bare OTel SDK, rec/s', full, get(rows, 'otel-sdk'), 'recPerSec', '(context)');
  add('seclog full / pino-roll, rec/s', full, get(rows, 'pino-roll'), 'recPerSec', '(context)');
  add(
    'seclog full / winston + daily-rotate, rec/s',
    full,
    get(rows, 'winston-rotate'),
    'recPerSec',
    '(context)',
  );
  add(
    'seclog full / seclog with worker: true, rec/s',
    full,
    get(rows, 'seclog-worker'),
    'recPerSec',
    '(context)',
  );
  add(
    'seclog full / seclog redaction off, rec/s',
    full,
    get(rows, 'seclog-no-redaction'),
    'recPerSec',
    '>= 0.8x',
    (v) => v >= 0.8,
  );
  add(
    'seclog full / seclog chain off, rec/s',
    full,
    get(rows, 'seclog-no-chain'),
    'recPerSec',
    '(cost of the chain)',
  );
  add(
    'seclog full / pino + redact, emit p99',
    full,
    get(rows, 'pino-redact'),
    'emitP99Us',
    '<= 1x',
    (v) => v <= 1,
  );
  add(
    'seclog full / pino + redact, emit p99 after the first 10% of calls',
    full,
    get(rows, 'pino-redact'),
    'emitP99SteadyUs',
    '(context)',
  );
  add(
    'seclog full / pino + redact, peak RSS',
    full,
    get(rows, 'pino-redact'),
    'maxRssMB',
    '<= 1.5x',
    (v) => v <= 1.5,
  );
  add(
    'seclog full / pino + redact, CPU µs/rec',
    full,
    get(rows, 'pino-redact'),
    'cpuUsPerRec',
    '(lower is better)',
  );
  add(
    'seclog full / pino + redact + pino-roll, CPU µs/rec',
    full,
    get(rows, 'pino-redact-roll'),
    'cpuUsPerRec',
    '(lower is better)',
  );
  add(
    'seclog full / bare OTel SDK, CPU µs/rec',
    full,
    get(rows, 'otel-sdk'),
    'cpuUsPerRec',
    '(lower is better)',
  );
  add(
    'seclog full / pino-roll, CPU µs/rec',
    full,
    get(rows, 'pino-roll'),
    'cpuUsPerRec',
    '(lower is better)',
  );
  add(
    'seclog full / winston + daily-rotate, CPU µs/rec',
    full,
    get(rows, 'winston-rotate'),
    'cpuUsPerRec',
    '(lower is better)',
  );
  add(
    'seclog full / pino-roll, peak RSS',
    full,
    get(rows, 'pino-roll'),
    'maxRssMB',
    '(lower is better)',
  );
  out.push({
    what: 'seclog full, records lost',
    value: full ? String(full.lost) : '—',
    target: '0',
    verdict: full ? (full.lost === 0 ? 'met' : 'NOT met') : 'not measured',
  });
  return out;
}
