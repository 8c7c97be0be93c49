import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver } from '../../../packages/node/test/support/otlp-receiver.js';
import type { OtlpReceiver } from '../../../packages/node/test/support/otlp-receiver.js';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const cliBin = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
let logDir: string;
let receiver: OtlpReceiver | undefined;

interface ConsoleRecord {
  eventName?: string;
  body: unknown;
  traceId?: string;
  spanId?: string;
  severityNumber: number;
  attributes: Record<string, unknown>;
}

async function runDemo(env: Record<string, string> = {}) {
  const token = `${'ghp'}_${Array.from({ length: 36 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('')}`;
  const child = spawn(process.execPath, ['--import', './telemetry.js', 'demo.js'], {
    cwd: demoDir,
    env: {
      ...process.env,
      SECLOG_DEMO_LOG_DIR: logDir,
      SECLOG_DEMO_CONSOLE_FORMAT: 'json',
      SECLOG_DEMO_API_TOKEN: token,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const records = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ConsoleRecord);
  return { code, stdout, stderr, records, token };
}

/** Chain anchors (`seclog.chain.anchor`) are the black box's own records, outside any request. */
const isAnchor = (r: { eventName?: string }): boolean => r.eventName === 'seclog.chain.anchor';

const key = (requestId: unknown, eventName: string | undefined, body: unknown) =>
  `${String(requestId)}|${eventName ?? ''}|${JSON.stringify(body)}`;

beforeEach(() => {
  logDir = mkdtempSync(join(tmpdir(), 'seclog-demo-'));
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  rmSync(logDir, { recursive: true, force: true });
});

describe('examples/demo', () => {
  it('runs the whole story, exits 0 and correlates every record with its request and trace', async () => {
    const { code, records, stderr, stdout, token } = await runDemo();
    expect(code, stderr).toBe(0);
    const names = records.map((r) => r.eventName);
    for (const expected of [
      'seclog.authn_login_success',
      'seclog.authn_login_fail',
      'seclog.authn_login_successafterfail',
      'seclog.authn_login_fail_max',
      'seclog.authn_login_lock',
      'seclog.authz_fail',
      'seclog.sys_config_change',
      'seclog.session_created',
      'seclog.session_logout',
      'seclog.input_validation_fail',
    ]) {
      expect(names).toContain(expected);
    }
    expect(records.some(isAnchor)).toBe(true);
    const traceByRequest = new Map<unknown, string>();
    for (const r of records.filter((x) => !isAnchor(x))) {
      expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(r.spanId).toMatch(/^[0-9a-f]{16}$/);
      const requestId = r.attributes['seclog.request.id'];
      expect(requestId).toEqual(expect.any(String));
      const trace = traceByRequest.get(requestId);
      if (trace !== undefined) expect(r.traceId).toBe(trace);
      traceByRequest.set(requestId, r.traceId!);
    }
    expect(new Set(traceByRequest.values()).size).toBe(traceByRequest.size);
    const lock = records.find((r) => r.eventName === 'seclog.authn_login_lock')!;
    expect(lock.attributes).toMatchObject({
      'user.id': 'bob',
      'seclog.reason': 'maxretries',
      'seclog.request.id': 'attack-5',
    });
    const change = records.find((r) => r.eventName === 'seclog.sys_config_change')!;
    expect(change.attributes).toMatchObject({
      'seclog.outcome': 'failure',
      'exception.type': 'EROFS',
    });
    expect(change.attributes['exception.stacktrace']).toContain('saveFirewallRule');
    expect(stdout).not.toContain('<script>');
    expect(stdout).not.toContain(token.slice(4));
    expect(stderr).toContain(`tamper-evident files in ${logDir}`);

    const fileText = readdirSync(logDir)
      .map((f) => readFileSync(join(logDir, f), 'utf8'))
      .join('\n');
    expect(fileText).not.toContain(token.slice(4));
    expect(fileText).toContain('seclog.authn_login_lock');
  });

  it('leaves a directory that seclog verify accepts', async () => {
    const { code } = await runDemo();
    expect(code).toBe(0);
    expect(existsSync(cliBin), 'packages/cli is built').toBe(true);
    const verify = spawn(process.execPath, [cliBin, 'verify', logDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    verify.stdout.on('data', (d: Buffer) => (out += d.toString()));
    verify.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const [verifyCode] = (await once(verify, 'exit')) as [number];
    expect(verifyCode, out).toBe(0);
  });

  for (const protocol of ['http/json', 'http/protobuf'] as const) {
    it(`exports every event exactly once over OTLP ${protocol} to a real receiver, with no unredacted secret`, async () => {
      receiver = await startOtlpReceiver();
      const { code, records, stderr, token } = await runDemo({
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      });
      expect(code, stderr).toBe(0);
      expect(
        receiver.contentTypes.every((t) =>
          t.includes(protocol === 'http/json' ? 'json' : 'protobuf'),
        ),
      ).toBe(true);
      const sent = records
        .map((r) => key(r.attributes['seclog.request.id'], r.eventName, r.body))
        .sort();
      const received = receiver.records
        .map((r) => key(r.attributes['seclog.request.id'], r.eventName, r.body))
        .sort();
      expect(received).toEqual(sent);
      expect(receiver.records.some(isAnchor)).toBe(true);
      for (const r of receiver.records) {
        expect(r.resource['service.name']).toBe('demo-auth-api');
        if (isAnchor(r)) continue;
        expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(r.spanId).toMatch(/^[0-9a-f]{16}$/);
        if (r.eventName.startsWith('seclog.')) expect([9, 13, 18]).toContain(r.severityNumber);
      }
      const byConsole = new Map(
        records.map((r) => [key(r.attributes['seclog.request.id'], r.eventName, r.body), r]),
      );
      for (const r of receiver.records) {
        const c = byConsole.get(key(r.attributes['seclog.request.id'], r.eventName, r.body))!;
        // OTLP carries an absent trace id (an anchor's) as empty, the console leaves it out.
        expect(r.traceId || undefined).toBe(c.traceId);
        expect(r.severityNumber).toBe(c.severityNumber);
      }
      expect(Buffer.concat(receiver.rawBodies).toString('latin1')).not.toContain(token.slice(4));
    });
  }
});
