import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Each case starts a fresh process with no diag logger, as most applications run, and reads what
// seclog says on stderr.
const fixture = fileURLToPath(new URL('./fixtures/loud.mjs', import.meta.url));
let root: string;
let closedPort: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'seclog-loud-'));
  // A port nothing listens on: bound, then closed again.
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closedPort = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function run(
  options: Record<string, unknown>,
  env: Record<string, string> = {},
  mode = '',
): Promise<{ lines: string[]; stdout: string; code: number | null }> {
  const directory = mkdtempSync(join(root, 'logs-'));
  const child = spawn(
    process.execPath,
    [
      fixture,
      JSON.stringify({ file: { directory }, shutdownTimeoutMillis: 1000, ...options }),
      mode,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...cleanEnv(), ...env } },
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { lines: stderr.split('\n').filter(Boolean), stdout, code };
}

/** The parent's environment without the OTEL_* variables a developer may have set. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
  return env;
}

function expectNoRepeats(lines: string[]): void {
  expect(new Set(lines).size).toBe(lines.length);
}

describe('startSecurityLogging with no diag logger installed', () => {
  it('says nothing on stderr when all is well', async () => {
    const { lines, code } = await run({});
    expect(code).toBe(0);
    expect(lines).toEqual([]);
  });

  it('says at setup that the log directory cannot be used, and once that records were dropped', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const { lines } = await run({ file: { directory: join(blocker, 'logs') } });
    expect(lines[0]).toMatch(
      /^\[seclog\] error: @seclog\/node: the log directory ".*a-file\/logs" cannot be used \(ENOTDIR: .*set file\.directory/,
    );
    // Three batches fail: the drop is said once (per reason), not per batch.
    expect(lines.filter((l) => l.includes('the file export path dropped'))).toHaveLength(1);
    expect(lines.every((l) => l.startsWith('[seclog] '))).toBe(true);
    // Said twice, not three times: the exporter leaves the report of a failed write to the path.
    expect(lines).toHaveLength(2);
    expectNoRepeats(lines);
  });

  it.runIf(process.platform === 'linux')(
    'says so, and does not hang, for a directory under /proc (where a recursive mkdir spins)',
    async () => {
      const { lines, code } = await run({ file: { directory: '/proc/seclog-test/logs' } });
      expect(code).toBe(0);
      expect(lines[0]).toMatch(
        /the log directory "\/proc\/seclog-test\/logs" cannot be used \(ENOENT/,
      );
    },
  );

  it('says once that a refused OTLP endpoint drops records, with the cause and the remedy', async () => {
    const { lines } = await run(
      { otlp: { url: `http://127.0.0.1:${closedPort}/v1/logs`, timeoutMillis: 200 } },
      {},
    );
    const drops = lines.filter((l) => l.includes('the otlp export path dropped'));
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatch(/ECONNREFUSED.*check that a Collector listens/);
    expectNoRepeats(lines);
  });

  it('says which path a flush that runs out of time still waits for, and what to check', async () => {
    // A Collector that accepts the connection and never answers.
    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as { port: number }).port;
    try {
      const { lines } = await run({
        shutdownTimeoutMillis: 300,
        otlp: { url: `http://127.0.0.1:${port}/v1/logs`, timeoutMillis: 1500 },
      });
      const late = lines.filter((l) => l.includes('did not finish within 300 ms'));
      expect(late.length).toBeGreaterThanOrEqual(1);
      expect(late[0]).toMatch(
        /the otlp export path still has \d+ records?; check that a Collector listens/,
      );
      expectNoRepeats(lines);
    } finally {
      silent.close();
    }
  });

  const typos: [string, string, Record<string, string>, RegExp][] = [
    [
      'OTEL_LOGS_EXPORTER',
      'consol',
      {},
      /OTEL_LOGS_EXPORTER value "consol" is not an exporter; ignored/,
    ],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'localhost:4318',
      {},
      /OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" is not an http\(s\) URL; ignored/,
    ],
    [
      'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
      'collector/v1/logs',
      {},
      /OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="collector\/v1\/logs" is not an http\(s\) URL/,
    ],
    [
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'grpc',
      { OTEL_LOGS_EXPORTER: 'otlp' },
      /OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported; ignored, using http\/protobuf/,
    ],
    [
      'OTEL_EXPORTER_OTLP_HEADERS',
      'authorization',
      { OTEL_LOGS_EXPORTER: 'otlp' },
      /OTEL_EXPORTER_OTLP_HEADERS entry #1 is not key=value/,
    ],
    [
      'OTEL_EXPORTER_OTLP_COMPRESSION',
      'zip',
      { OTEL_LOGS_EXPORTER: 'otlp' },
      /OTEL_EXPORTER_OTLP_COMPRESSION is invalid/,
    ],
    [
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      'soon',
      { OTEL_LOGS_EXPORTER: 'otlp' },
      /'soon' for OTEL_EXPORTER_OTLP_TIMEOUT/,
    ],
    ['OTEL_BLRP_MAX_QUEUE_SIZE', 'lots', {}, /OTEL_BLRP_MAX_QUEUE_SIZE="lots" is not a positive/],
    ['OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', '-1', {}, /OTEL_BLRP_MAX_EXPORT_BATCH_SIZE="-1" is not/],
    ['OTEL_BLRP_SCHEDULE_DELAY', '1.5', {}, /OTEL_BLRP_SCHEDULE_DELAY="1.5" is not/],
    ['OTEL_BLRP_EXPORT_TIMEOUT', '30s', {}, /OTEL_BLRP_EXPORT_TIMEOUT="30s" is not/],
    ['OTEL_RESOURCE_ATTRIBUTES', 'team', {}, /OTEL_RESOURCE_ATTRIBUTES entry #1 is not key=value/],
  ];
  for (const [name, value, context, expected] of typos) {
    it(`says in one line that ${name}=${value} is ignored`, async () => {
      // Where OTLP is on, it points at a closed port and is given up on quickly.
      const otlp = name.includes('ENDPOINT')
        ? {}
        : { otlp: { url: `http://127.0.0.1:${closedPort}/v1/logs`, timeoutMillis: 200 } };
      const { lines } = await run(otlp, { ...context, [name]: value });
      const about = lines.filter((l) => l.includes(name) && !l.includes('export path dropped'));
      expect(about).toHaveLength(1);
      expect(about[0]).toMatch(expected);
      expect(about[0]).toMatch(/^\[seclog\] warn: /);
      expectNoRepeats(lines);
    });
  }

  it('keeps the default exporters when OTEL_LOGS_EXPORTER holds only unknown names', async () => {
    const directory = mkdtempSync(join(root, 'defaults-'));
    const child = spawn(
      process.execPath,
      [fixture, JSON.stringify({ file: { directory }, console: null })],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...cleanEnv(), OTEL_LOGS_EXPORTER: 'consol,fiel' },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await once(child, 'exit');
    // The console is on by default (the options leave it to the defaults here).
    expect(stdout.split('\n').filter((l) => l.includes('"body":"record"'))).toHaveLength(9);
  });

  it('leaves everything to a diag logger the application installed', async () => {
    const blocker = join(root, 'another-file');
    writeFileSync(blocker, 'not a directory');
    const { lines, stdout } = await run(
      { file: { directory: join(blocker, 'logs') } },
      { OTEL_LOGS_EXPORTER: 'file,consol' },
      'app-diag',
    );
    expect(lines).toEqual([]);
    expect(stdout).toMatch(/app-diag error: @seclog\/node: the log directory/);
    expect(stdout).toMatch(/app-diag warn: @seclog\/node: OTEL_LOGS_EXPORTER value "consol"/);
  });
});
