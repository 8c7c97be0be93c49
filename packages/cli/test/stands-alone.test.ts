// The `seclog` bin loads no OpenTelemetry package: copied with the one package it depends on into a
// folder where none is installed, it still verifies and makes keys (tail reads files only).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { buildCli, ROOT_DIR, tempDir, writeRecords } from './helpers.js';

beforeAll(() => buildCli(), 120_000);

/** A folder holding @seclog/cli and @seclog/rotating-file-log-record-exporter (dist only). */
function installAlone(dir: string): string {
  for (const [name, folder] of [
    ['cli', 'cli'],
    ['rotating-file-log-record-exporter', 'rotating-file-log-record-exporter'],
  ] as const) {
    const to = join(dir, 'node_modules', '@seclog', name);
    mkdirSync(to, { recursive: true });
    cpSync(join(ROOT_DIR, 'packages', folder, 'package.json'), join(to, 'package.json'));
    cpSync(join(ROOT_DIR, 'packages', folder, 'dist'), join(to, 'dist'), { recursive: true });
  }
  return join(dir, 'node_modules', '@seclog', 'cli', 'dist', 'bin.js');
}

describe('@seclog/cli', () => {
  it('runs verify and keys with no OpenTelemetry package installed', async () => {
    const app = tempDir();
    const bin = installAlone(app.dir);
    // NODE_PATH (set by package-manager shims) would reach the repository's node_modules, and the
    // 3.x run's NODE_OPTIONS hook maps @opentelemetry/* to compat/otel-3.
    const { NODE_PATH: _path, NODE_OPTIONS: _options, ...env } = process.env;
    const run = (...args: string[]) =>
      spawnSync(process.execPath, args, { encoding: 'utf8', cwd: app.dir, env });
    // The check means something only if no OTel package is reachable from there.
    const probe = join(app.dir, 'probe.mjs');
    writeFileSync(
      probe,
      "await import('@opentelemetry/api').then(() => console.log('found'), () => console.log('absent'));\n",
    );
    expect(run(probe).stdout).toBe('absent\n');
    const logs = join(app.dir, 'logs');
    const e = new RotatingFileLogRecordExporter({ directory: logs });
    await writeRecords(e, 3);
    await e.shutdown();
    const verify = run(bin, 'verify', logs);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const keys = run(bin, 'keys', 'init', '--dir', join(app.dir, 'state'), '--slots', '1');
    expect(keys.status).toBe(0);
    expect(keys.stdout).toMatch(/^seclog-vk1:/);
    expect(run(bin, '--version').stdout).toMatch(/^\d+\.\d+\.\d+/);
    app.cleanup();
  });
});
