// Builds packages/*/dist once before the suite: tests that spawn child processes run the built
// JavaScript (child processes cannot load TypeScript sources). Type errors do not stop the build
// here; `pnpm typecheck` reports them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(
      `vitest global setup: tsc -b reported errors (tests use whatever was emitted)\n${result.stdout}`,
    );
  }
}
