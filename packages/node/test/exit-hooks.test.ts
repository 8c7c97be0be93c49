import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/emit-then-wait.mjs', import.meta.url));
let dir: string;

/** Records of the application in the files (the chain anchors at shutdown are not counted). */
function countRecords(directory: string): number {
  let n = 0;
  for (const name of readdirSync(directory).filter((f) => f.endsWith('.ndjson'))) {
    for (const line of readFileSync(join(directory, name), 'utf8').split('\n').filter(Boolean)) {
      for (const rl of JSON.parse(line).resourceLogs)
        for (const sl of rl.scopeLogs)
          for (const lr of sl.logRecords) if (lr.eventName !== 'seclog.chain.anchor') n++;
    }
  }
  return n;
}

async function runChild(
  count: number,
  mode: 'signal' | 'exit' | 'app-handler',
  signal?: NodeJS.Signals,
) {
  const child = spawn(process.execPath, [fixture, dir, String(count), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (signal && out.includes('ready')) child.kill(signal);
  });
  const [code, sig] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  expect(out).toContain(`line ${process.env.SECLOG_OTEL_LINE ?? '0.223'}\n`);
  return { code, sig };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seclog-exit-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('startSecurityLogging', () => {
  describe('exit handling', () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`flushes every queued record on ${signal} and still ends the process by that signal`, async () => {
        const { code, sig } = await runChild(5000, 'signal', signal);
        expect(sig).toBe(signal);
        expect(code).toBeNull();
        expect(countRecords(dir)).toBe(5000);
      });
    }

    it('leaves a signal the application handles to it, and keeps logging through its graceful close', async () => {
      const { code, sig } = await runChild(2000, 'app-handler', 'SIGTERM');
      expect(sig).toBeNull();
      expect(code).toBe(0);
      expect(countRecords(dir)).toBe(2002);
    });

    it('flushes queued records on beforeExit when the event loop runs dry', async () => {
      const { code } = await runChild(3000, 'exit');
      expect(code).toBe(0);
      expect(countRecords(dir)).toBe(3000);
    });
  });
});
