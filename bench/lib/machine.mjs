// The machine description printed with every run: cores, CPU model, memory, Node, kernel, date,
// and the versions of the libraries under test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function version(name) {
  // Walk up from the package's entry to its package.json (exports maps may hide ./package.json).
  try {
    let dir = path.dirname(require.resolve(name));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === name) return pkg.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    // not installed
  }
  return 'n/a';
}

/** What the numbers were measured on. */
export function describeMachine() {
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: cpuModel(),
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    // Other work on the machine skews wall-clock numbers more than CPU µs/rec: recorded per run.
    loadAvg: os.loadavg().map((v) => Math.round(v * 100) / 100),
    versions: Object.fromEntries(
      [
        'pino',
        'pino-roll',
        '@pinojs/redact',
        'winston',
        'winston-daily-rotate-file',
        '@opentelemetry/winston-transport',
        '@opentelemetry/sdk-logs',
        '@opentelemetry/otlp-transformer',
      ].map((n) => [n, version(n)]),
    ),
  };
}
