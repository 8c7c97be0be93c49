import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAnchors, verifyDirectory } from '@seclog/rotating-file-log-record-exporter';

const fixture = fileURLToPath(new URL('./fixtures/last-words.mjs', import.meta.url));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seclog-last-words-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

async function runChild(
  mode: string,
  options: {
    count?: number;
    phase?: 'first-tick' | 'started';
    signal?: NodeJS.Signals;
    nodeArgs?: string[];
    env?: Record<string, string>;
  } = {},
): Promise<Ending> {
  const { count = 20, phase = 'first-tick', signal, nodeArgs = [], env = {} } = options;
  const child = spawn(process.execPath, [...nodeArgs, fixture, dir, String(count), mode, phase], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    // Once: a second signal would find seclog's handler gone and kill the child outright.
    if (signal !== undefined && !signalled && stdout.includes('ready\n')) {
      signalled = true;
      child.kill(signal);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code, sig] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal: sig, stdout, stderr };
}

/** Event names and bodies of every record in the directory's data files, in file order. */
function fileRecords(): { eventName?: string; body?: string }[] {
  const out: { eventName?: string; body?: string }[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean)) {
      const request = JSON.parse(line) as {
        resourceLogs: {
          scopeLogs: { logRecords: { eventName?: string; body?: { stringValue?: string } }[] }[];
        }[];
      };
      for (const rl of request.resourceLogs)
        for (const sl of rl.scopeLogs)
          for (const r of sl.logRecords) {
            const record: { eventName?: string; body?: string } = {};
            if (r.eventName !== undefined) record.eventName = r.eventName;
            if (r.body?.stringValue !== undefined) record.body = r.body.stringValue;
            out.push(record);
          }
    }
  }
  return out;
}

function consoleEvents(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { eventName?: string; body?: string }).eventName ?? '');
}

async function expectLastWordsOnDisk(count: number, extra: string[] = []): Promise<void> {
  const records = fileRecords();
  const bodies = records.map((r) => r.body).filter((b) => b === 'before the end');
  expect(bodies).toHaveLength(count);
  expect(records.map((r) => r.eventName)).toContain('seclog.sys_crash');
  for (const body of extra) expect(records.map((r) => r.body)).toContain(body);
  const result = await verifyDirectory(dir, {
    ...(process.env.SECLOG_TEST_HMAC_KEY !== undefined && {
      hmacKey: process.env.SECLOG_TEST_HMAC_KEY,
    }),
  });
  expect(result.issues).toEqual([]);
  expect(result.ok).toBe(true);
  // The exit path seals what it wrote: no file is left for recovery to close.
  expect(result.notes.filter((n) => /crash|unsealed|recover/i.test(n))).toEqual([]);
}

describe('startSecurityLogging', () => {
  describe('last words: records emitted just before the process ends', () => {
    for (const phase of ['first-tick', 'started'] as const) {
      describe(
        phase === 'first-tick' ? 'before the file exporter started' : 'while it runs',
        () => {
          it('lands them in the file and on the console on process.exit(), keeping the exit code', async () => {
            const end = await runChild('exit', { phase });
            expect(end.code).toBe(3);
            await expectLastWordsOnDisk(20);
            expect(consoleEvents(end.stdout)).toContain('seclog.sys_crash');
          });

          it('lands them on an uncaught exception, which Node still reports and exits 1 on', async () => {
            const end = await runChild('throw', { phase });
            expect(end.code).toBe(1);
            expect(end.stderr).toContain('Error: boom');
            await expectLastWordsOnDisk(20);
            expect(consoleEvents(end.stdout)).toContain('seclog.sys_crash');
          });

          it('lands them on an unhandled rejection (default mode: the process ends with 1)', async () => {
            const end = await runChild('reject', { phase });
            expect(end.code).toBe(1);
            await expectLastWordsOnDisk(20);
          });
        },
      );
    }

    // The console is the off-host copy here: a process that never calls shutdown() must still
    // leave an anchor of its last records there, or rollback checks never work for it.
    it.each([
      ['its event loop runs dry', 'dry', 0],
      ['process.exit()', 'exit', 3],
      ['an uncaught exception', 'throw', 1],
    ] as const)(
      'anchors its last records off the host when it ends by %s',
      async (_n, mode, code) => {
        const end = await runChild(mode, { phase: 'started' });
        expect(end.code).toBe(code);
        await expectLastWordsOnDisk(20);
        expect(consoleEvents(end.stdout).filter((e) => e === 'seclog.chain.anchor')).toHaveLength(
          1,
        );
        const shipped = join(dir, 'shipped.json');
        writeFileSync(shipped, end.stdout);
        const anchors = await verifyAnchors(dir, shipped);
        expect(anchors.issues).toEqual([]);
        // The anchor covers the last record of the run: sys.crash, emitted last.
        const lastSeq = fileRecords().filter((r) => r.eventName !== 'seclog.chain.anchor').length;
        const anchor = end.stdout
          .split('\n')
          .filter((l) => l.includes('seclog.chain.anchor'))
          .map((l) => JSON.parse(l) as { attributes: Record<string, unknown> })[0]!;
        expect(anchor.attributes['seclog.chain.anchor.seq']).toBe(lastSeq);
      },
    );

    it('leaves --unhandled-rejections=warn alone: the process lives on, then ends and lands them', async () => {
      const end = await runChild('reject', { nodeArgs: ['--unhandled-rejections=warn'] });
      expect(end.code).toBe(0);
      expect(end.stderr).toContain('rejected');
      await expectLastWordsOnDisk(20);
    });

    it("keeps the application's uncaughtException handler in charge, and lands what it logs", async () => {
      const end = await runChild('app-uncaught-handler', { phase: 'started' });
      expect(end.code).toBe(7);
      await expectLastWordsOnDisk(20, ['uncaught']);
    });

    it('lands records that exit handlers registered after seclog emit', async () => {
      const end = await runChild('exit-handler-logs');
      expect(end.code).toBe(0);
      await expectLastWordsOnDisk(20, ['said in an exit handler']);
    });

    it('lands them on SIGTERM with no handler, and the process still ends by SIGTERM', async () => {
      const end = await runChild('signal', { signal: 'SIGTERM' });
      expect(end.signal).toBe('SIGTERM');
      await expectLastWordsOnDisk(20);
    });

    it('lands them on SIGTERM when the shutdown runs out of time: the rest is written synchronously', async () => {
      const end = await runChild('signal', {
        count: 3000,
        phase: 'started',
        signal: 'SIGTERM',
        env: { SECLOG_TEST_MAX_FILE_BYTES: '4096', SECLOG_TEST_SHUTDOWN_TIMEOUT: '50' },
      });
      expect(end.signal).toBe('SIGTERM');
      expect(end.stderr).toMatch(
        // Other paths may be named first (each seal's chain anchor goes down the console path too).
        /shutdown did not finish within 50 ms: (.*; )?the file export path still has/,
      );
      await expectLastWordsOnDisk(3000);
    });

    it("lands them and the handler's own records on SIGTERM the application handles", async () => {
      const end = await runChild('signal-app-handler', { signal: 'SIGTERM' });
      expect(end.code).toBe(0);
      await expectLastWordsOnDisk(20, ['closing']);
    });

    it('seals them under the HMAC key, so verify with the key passes', async () => {
      const key = ['last', 'words', 'test', 'key', 'material'].join('-');
      const end = await runChild('exit', { phase: 'started', env: { SECLOG_TEST_HMAC_KEY: key } });
      expect(end.code).toBe(3);
      const result = await verifyDirectory(dir, { hmacKey: key });
      expect(result.issues).toEqual([]);
      expect(fileRecords().map((r) => r.eventName)).toContain('seclog.sys_crash');
    });

    it('keeps to maxFileBytes at exit: the burst is rotated into sealed files', async () => {
      const end = await runChild('exit', {
        count: 2000,
        phase: 'started',
        env: { SECLOG_TEST_MAX_FILE_BYTES: '4096' },
      });
      expect(end.code).toBe(3);
      await expectLastWordsOnDisk(2000);
      const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
      expect(files.length).toBeGreaterThan(100);
      // Every file but an oversized single line stays within the limit.
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        if (text.split('\n').filter(Boolean).length > 1)
          expect(text.length).toBeLessThanOrEqual(4096);
      }
    });

    it('writes a burst larger than one batch in order, chained', async () => {
      const end = await runChild('exit', { count: 5000, phase: 'started' });
      expect(end.code).toBe(3);
      await expectLastWordsOnDisk(5000);
    });
  });
});
