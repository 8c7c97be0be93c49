// What npm users receive: every @seclog/* tarball, packed as a release packs it, stands alone:
// the license, a README whose links work on the npm page, a real repository, and a CLI that
// brings no OpenTelemetry package of its own. (scripts/check-packed-install.mjs installs them.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PACKAGES = readdirSync(join(ROOT, 'packages')).sort();

interface Packed {
  files: string[];
  readme: string;
  license: string;
  manifest: {
    name: string;
    repository?: { url?: string; directory?: string };
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    bin?: Record<string, string>;
  };
}

let dir: string;
const packed = new Map<string, Packed>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seclog-packed-'));
  execFileSync(
    'npx',
    ['--yes', 'pnpm@10', '-r', '--filter', './packages/*', 'pack', '--pack-destination', dir],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (const tarball of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
    const out = join(dir, tarball.slice(0, -'.tgz'.length));
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', out]);
    const files = execFileSync('tar', ['-tzf', join(dir, tarball)], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '')
      .map((f) => f.replace(/^package\//, ''));
    const read = (name: string): string =>
      files.includes(name) ? readFileSync(join(out, 'package', name), 'utf8') : '';
    const manifest = JSON.parse(read('package.json')) as Packed['manifest'];
    packed.set(manifest.name, {
      files,
      readme: read('README.md'),
      license: read('LICENSE'),
      manifest,
    });
  }
}, 120_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the packed @seclog/* tarballs', () => {
  it('are one per package', () => {
    expect([...packed.keys()].sort()).toEqual(PACKAGES.map((p) => `@seclog/${p}`));
  });

  it.each(PACKAGES)('@seclog/%s holds the Apache-2.0 LICENSE of the repository', (name) => {
    const p = packed.get(`@seclog/${name}`)!;
    expect(p.files).toContain('LICENSE');
    expect(p.license).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(p.license).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
  });

  it.each(PACKAGES)('@seclog/%s has a README whose links are all absolute', (name) => {
    const p = packed.get(`@seclog/${name}`)!;
    expect(p.readme).toMatch(/^# @seclog\//);
    const links = [...p.readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((l) => !/^(https:\/\/|#)/.test(l))).toEqual([]);
    expect(p.readme).not.toContain('../');
  });

  // The floor of require() of an ES module (a CommonJS app's `require('@seclog/node')`).
  it.each(PACKAGES)('@seclog/%s names its repository folder and a Node floor', (name) => {
    const { manifest } = packed.get(`@seclog/${name}`)!;
    expect(manifest.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/seclog/seclog.git',
      directory: `packages/${name}`,
    });
    expect(manifest.engines?.node).toBe('^20.19.0 || >=22.12.0');
  });

  // `seclog rules` loads @seclog/detection (and with it OpenTelemetry) only when it runs; verify,
  // tail and keys load none (stands-alone.test.ts in @seclog/cli).
  it('@seclog/cli depends on no OpenTelemetry package, and @seclog/node brings it', () => {
    const cli = packed.get('@seclog/cli')!.manifest;
    expect(Object.keys(cli.dependencies ?? {}).sort()).toEqual([
      '@seclog/detection',
      '@seclog/rotating-file-log-record-exporter',
      '@seclog/semconv',
    ]);
    expect(cli.bin).toEqual({ seclog: './dist/bin.js' });
    expect(packed.get('@seclog/node')!.manifest.dependencies).toHaveProperty('@seclog/cli');
  });
});
