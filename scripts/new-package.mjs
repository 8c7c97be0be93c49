// One-off scaffolding helper kept for adding packages consistently: node scripts/new-package.mjs <dir> <description> [deps-json] [peers-json] [refs]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
const [dir, description, deps = '{}', peers = '{}', refs = ''] = process.argv.slice(2);
const name = `@seclog/${dir}`;
const root = `packages/${dir}`;
mkdirSync(`${root}/src`, { recursive: true });
mkdirSync(`${root}/test`, { recursive: true });
const pkg = {
  name,
  version: '0.1.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  engines: { node: '^20.19.0 || >=22.12.0' },
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', '!dist/**/*.map', '!dist/**/*.tsbuildinfo'],
  sideEffects: false,
  dependencies: JSON.parse(deps),
  peerDependencies: JSON.parse(peers),
  repository: { type: 'git', url: 'git+https://example.invalid/seclog.git', directory: root },
};
if (!Object.keys(pkg.dependencies).length) delete pkg.dependencies;
if (!Object.keys(pkg.peerDependencies).length) delete pkg.peerDependencies;
writeFileSync(`${root}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
const tsconfig = {
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
  include: ['src'],
  references: refs ? refs.split(',').map((r) => ({ path: `../${r}` })) : [],
};
writeFileSync(`${root}/tsconfig.json`, JSON.stringify(tsconfig, null, 2) + '\n');
if (!existsSync(`${root}/src/index.ts`))
  writeFileSync(`${root}/src/index.ts`, `// ${name}: ${description}\nexport {};\n`);
