// The calling thread's first part alone: the standard event through security.authn.loginFail /
// loginSuccess into a real LoggerProvider whose one processor does nothing (no redaction, no
// detection, no exporter), in CPU µs per call. Splits what the SecurityLogger costs from what the
// SDK's emit costs, and from that what the SDK's intake of the attributes costs:
//   sdk      the SecurityLogger into the SDK logger (what the pipeline pays before any processor)
//   noattrs  the same record handed to the SDK with no attributes (the SDK without setAttributes)
//   none     the SecurityLogger alone (its record is dropped)
//   node bench/emit-bench.mjs [--line 3] [--mode sdk|noattrs|none] [--records N] [--rounds R]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { childRuntime } from './lib/otel-line.mjs';
import { makePool, POOL_SIZE } from './lib/workload.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const line = flag('--line', undefined);
const N = Number(flag('--records', 300_000));
const ROUNDS = Number(flag('--rounds', 5));
const MODE = flag('--mode', undefined);

if (line !== undefined && process.env.SECLOG_OTEL_LINE !== line) {
  const runtime = childRuntime(line, process.env);
  if (runtime.missing) {
    console.error(runtime.missing);
    process.exit(1);
  }
  const rest = args.filter((_, i) => args[i] !== '--line' && args[i - 1] !== '--line');
  const child = spawnSync(
    runtime.execPath,
    [...runtime.execArgv, new URL(import.meta.url).pathname, '--line', line, ...rest],
    { stdio: 'inherit', env: runtime.env },
  );
  process.exit(child.status ?? 1);
}

const { LoggerProvider } = await import('@opentelemetry/sdk-logs');
// The bench depends on @seclog/node, which depends on the security logger: resolved from there.
const fromNode = createRequire(createRequire(import.meta.url).resolve('@seclog/node'));
const { SecurityLogger } = await import(
  pathToFileURL(fromNode.resolve('@seclog/security-logger')).href
);

let seen = 0;
const provider = new LoggerProvider({
  processors: [
    {
      onEmit: (record) => {
        seen += record.attributes === undefined ? 0 : 1;
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    },
  ],
});
const sdkLogger = provider.getLogger('seclog.security');
const NO_ATTRIBUTES = {};
const enabled = (o) => sdkLogger.enabled(o);
const loggers = {
  sdk: sdkLogger,
  noattrs: {
    emit(record) {
      record.attributes = NO_ATTRIBUTES;
      sdkLogger.emit(record);
    },
    enabled,
  },
  none: {
    emit() {
      seen += 1;
    },
    enabled,
  },
};

// The fields the bench's seclog contenders pass (contenders/index.mjs, seclogFields).
const pool = makePool(POOL_SIZE).map((ev) => {
  const a = ev.attrs;
  const { id: sessionId, ...session } = a.session;
  return {
    failure: a['event.outcome'] === 'failure',
    fields: {
      userId: a['user.id'],
      clientAddress: a['client.address'],
      sessionId,
      message: ev.msg,
      attributes: {
        'http.request.method': a['http.request.method'],
        'url.path': a['url.path'],
        'http.request.id': a['http.request.id'],
        session,
      },
    },
  };
});
const mask = POOL_SIZE - 1;

for (const [mode, logger] of Object.entries(loggers)) {
  if (MODE !== undefined && mode !== MODE) continue;
  const { authn } = new SecurityLogger({ logger });
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const ev = pool[i & mask];
      if (ev.failure) authn.loginFail(ev.fields);
      else authn.loginSuccess(ev.fields);
    }
    const t = process.cpuUsage(t0);
    rounds.push((t.user + t.system) / N);
  }
  const sorted = [...rounds].sort((a, b) => a - b);
  console.log(
    `${process.version} ${mode.padEnd(7)} CPU µs/call min ${sorted[0].toFixed(2)} median ${sorted[Math.floor(ROUNDS / 2)].toFixed(2)} (rounds: ${rounds.map((x) => x.toFixed(2)).join(' ')})`,
  );
}
if (seen === 0) console.error('no record reached the processor');
