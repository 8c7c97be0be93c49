// `seclog verify --anchors FILE`: a directory rolled back to an old copy verifies on its own, and
// fails against the anchors its writer sent off the host (here as ECS lines, as a SIEM returns).
import { describe, it, expect } from 'vitest';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSecurityLogging } from '@seclog/node';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { runCli } from '@seclog/cli';
import { tempDir } from './helpers.js';

const KEY = 'cli-anchor-test-key-0123456';

async function verify(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['verify', ...args], {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    isTTY: false,
  });
  return { code, out, err };
}

async function run(logs: string, siem: string, from: number, n: number): Promise<void> {
  const seclog = startSecurityLogging({
    serviceName: 'auth-api',
    console: false,
    file: { directory: logs, hmacKey: KEY, keyId: 'k1' },
    exporters: { siem: new RotatingFileLogRecordExporter({ directory: siem, format: 'ecs-json' }) },
    handleExit: false,
    registerGlobal: false,
  });
  for (let i = from; i < from + n; i++) seclog.security.authn.loginFail({ userId: `u${i}` });
  await seclog.shutdown();
}

describe('seclog verify --anchors', () => {
  it('passes an intact directory and fails a rolled-back one, naming the anchor line and the local end', async () => {
    const { dir, cleanup } = tempDir();
    const logs = join(dir, 'logs');
    const siem = join(dir, 'siem');
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `${KEY}\n`);
    const anchors = join(dir, 'anchors.ndjson');
    const exportSiem = (): void =>
      writeFileSync(
        anchors,
        readdirSync(siem)
          .filter((f) => f.endsWith('.ndjson'))
          .sort()
          .map((f) => readFileSync(join(siem, f), 'utf8'))
          .join(''),
      );
    await run(logs, siem, 0, 5);
    cpSync(logs, join(dir, 'copy'), { recursive: true });
    await run(logs, siem, 5, 5);
    exportSiem();
    const intact = await verify(logs, '--hmac-key-file', keyFile, '--anchors', anchors);
    expect(intact.err).toBe('');
    expect(intact.out).toMatch(
      /^seclog verify: OK: \d+ files?, \d+ records intact, 2 anchors found; signatures checked with the HMAC key$/m,
    );
    expect(intact.code).toBe(0);

    rmSync(logs, { recursive: true });
    cpSync(join(dir, 'copy'), logs, { recursive: true });
    expect((await verify(logs, '--hmac-key-file', keyFile)).code).toBe(0);
    // Sequence 6 is the first run's own anchor record; 11 the second run's, which is gone.
    const rolledBack = await verify(logs, '--hmac-key-file', keyFile, '--anchors', anchors);
    expect(rolledBack.code).toBe(1);
    // The second anchor in the export is the first one the old copy does not reach.
    const lineOf = readFileSync(anchors, 'utf8')
      .split('\n')
      .flatMap((l, i) => (l.includes('"event.action":"seclog.chain.anchor"') ? [i + 1] : []))[1];
    expect(rolledBack.err.split('\n')[0]).toMatch(
      new RegExp(
        `^seclog verify: BROKEN: ${anchors.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} line ${lineOf}: anchor-missing: anchor of slot 0 at sequence 11 .* is missing locally: slot 0 ends at sequence 6 \\(seclog-000001\\.ndjson line \\d+\\); the directory was rolled back or its newest records deleted \\(local: seclog-000001\\.ndjson line \\d+\\)$`,
      ),
    );
    cleanup();
  });

  it("reads the anchors in @seclog/node's JSON console lines, and fails a file with none", async () => {
    const { dir, cleanup } = tempDir();
    const logs = join(dir, 'logs');
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, `${KEY}\n`);
    let consoleText = '';
    const seclog = startSecurityLogging({
      serviceName: 'auth-api',
      console: { format: 'json', stream: { write: (c: string) => (consoleText += c) } },
      file: { directory: logs, hmacKey: KEY, keyId: 'k1' },
      handleExit: false,
      registerGlobal: false,
    });
    seclog.security.authn.loginFail({ userId: 'u1' });
    await seclog.shutdown();
    const shipped = join(dir, 'console.ndjson');
    writeFileSync(shipped, consoleText);
    const ok = await verify(logs, '--hmac-key-file', keyFile, '--anchors', shipped);
    expect(ok.out).toMatch(/, 1 anchor found; signatures checked with the HMAC key$/m);
    expect(ok.code).toBe(0);
    const none = join(dir, 'none.ndjson');
    writeFileSync(none, `${JSON.stringify({ message: 'no anchor here' })}\n`);
    const empty = await verify(logs, '--hmac-key-file', keyFile, '--anchors', none);
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/anchor-missing: .* holds no anchor, so nothing was checked/);
    cleanup();
  });

  it('names the key file, not the directory, when it holds no verification key', async () => {
    const { dir, cleanup } = tempDir();
    const keyFile = join(dir, 'hmac.key');
    writeFileSync(keyFile, `${KEY}\n`);
    const r = await verify(dir, '--verification-key-file', keyFile);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--verification-key-file .*hmac\.key does not hold a verification key/);
    cleanup();
  });
});
