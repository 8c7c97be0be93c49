// A contender marked `line: '3'` really runs on Node 22 and sdk-logs 3.x, and the others on the
// workspace's line: one small real run of each through run-one.mjs (nothing timed is asserted).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

interface Runtime {
  missing?: string;
  execPath: string;
  execArgv: string[];
  env: NodeJS.ProcessEnv;
}

const load = (file: string) => import(/* @vite-ignore */ new URL(file, import.meta.url).href);
const { childRuntime } = (await load('../lib/otel-line.mjs')) as {
  childRuntime: (line: string | undefined, env: NodeJS.ProcessEnv) => Runtime;
};
const { parseResultLine } = (await load('../lib/stats.mjs')) as {
  parseResultLine: (stdout: string) => Record<string, unknown> | undefined;
};

const runOne = fileURLToPath(new URL('../run-one.mjs', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'seclog-bench-line-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

// The parent's line must not leak into the child: the row says which line it wants.
const { SECLOG_OTEL_LINE: _line, NODE_OPTIONS: _options, ...cleanEnv } = process.env;

function run(id: string, line: string | undefined) {
  const rt = childRuntime(line, { ...cleanEnv, BENCH_VERIFY: '0' });
  if (rt.missing) throw new Error(rt.missing);
  const child = spawnSync(rt.execPath, [...rt.execArgv, runOne, id, join(base, id), '300', '100'], {
    encoding: 'utf8',
    env: rt.env,
    timeout: 60_000,
  });
  const result = parseResultLine(child.stdout);
  if (!result) throw new Error(`run-one ${id} gave no result: ${child.stderr}`);
  return result as { lost: number; skipped?: boolean; runtime: Record<string, string> };
}

// A fresh clone has no compat/otel-3 until scripts/test-otel3.mjs installs it, which CI's
// test:all does after the first pass: this case then runs in the 3.x pass.
const lineInstalled = childRuntime('3', {}).missing === undefined;

describe('childRuntime', () => {
  it.skipIf(!lineInstalled)(
    'starts a 3.x-line contender on Node 22 with every OTel package from compat/otel-3',
    () => {
      const result = run('otel-sdk-otel3', '3');
      expect(result.skipped).toBeUndefined();
      expect(result.lost).toBe(0);
      expect(result.runtime.node).toMatch(/^v22\./);
      expect(result.runtime.sdkLogs).toMatch(/^3\./);
      expect(result.runtime.api).toBe('1.10.0');
    },
    60_000,
  );

  it("starts every other contender on this Node with the workspace's 0.223 line", () => {
    const rt = childRuntime(undefined, cleanEnv);
    expect(rt.execPath).toBe(process.execPath);
    expect(rt.execArgv).toEqual([]);
    const result = run('otel-sdk', undefined);
    expect(result.lost).toBe(0);
    expect(result.runtime.sdkLogs).toMatch(/^0\.223\./);
  }, 60_000);
});
