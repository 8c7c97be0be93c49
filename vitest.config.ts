// One vitest run for the whole workspace. Tests import packages by their public names, which resolve
// to source here (no build needed). SECLOG_OTEL_LINE=3 swaps every OpenTelemetry package for the
// 3.x line installed in compat/otel-3 (scripts/test-otel3.mjs runs that on Node 22).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

const seclogAliases = [
  ...readdirSync(join(root, 'packages')).map((dir) => ({
    find: new RegExp(`^@seclog/${dir}$`),
    replacement: join(root, 'packages', dir, 'src', 'index.ts'),
  })),
  // The one subpath export: the verifier without OpenTelemetry (what @seclog/cli imports).
  {
    find: /^@seclog\/rotating-file-log-record-exporter\/verify$/,
    replacement: join(root, 'packages', 'rotating-file-log-record-exporter', 'src', 'verify.ts'),
  },
];

function otel3Aliases(): { find: RegExp; replacement: string }[] {
  const base = join(root, 'compat', 'otel-3', 'node_modules', '@opentelemetry');
  return readdirSync(base).map((name) => {
    const pkg = JSON.parse(readFileSync(join(base, name, 'package.json'), 'utf8')) as {
      exports: { '.': { default: { default: string } } };
    };
    return {
      find: new RegExp(`^@opentelemetry/${name}$`),
      replacement: join(base, name, pkg.exports['.'].default.default),
    };
  });
}

const otelLine = process.env.SECLOG_OTEL_LINE === '3' ? '3' : '0.223';

export default defineConfig({
  resolve: {
    alias: [...seclogAliases, ...(otelLine === '3' ? otel3Aliases() : [])],
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'collector-config/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
    ],
    env: {
      SECLOG_OTEL_LINE: otelLine,
      // Child processes spawned by tests resolve the same line (vitest strips the parent's
      // NODE_OPTIONS from its workers, so it is set here for them).
      ...(otelLine === '3' && {
        NODE_OPTIONS: `--require=${join(root, 'scripts', 'otel3-register.cjs')}`,
      }),
    },
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Lines of the suite that need a newer runtime than Node 20 skip themselves; everything else
    // runs on both lines.
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
