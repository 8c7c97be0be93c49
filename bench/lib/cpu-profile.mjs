// Summarizes a V8 .cpuprofile: self time per function and per package (which workspace package,
// which dependency, node internals, GC), so the report can say where a contender's time goes.
import path from 'node:path';

/** Which package a script URL belongs to. */
export function packageOf(url) {
  if (!url) return '(native / vm)';
  if (url.startsWith('node:')) return 'node internals';
  const p = url.replace(/^file:\/\//, '');
  const ws = /\/packages\/([^/]+)\//.exec(p);
  if (ws && !p.includes('/node_modules/')) return `@seclog/${ws[1]}`;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = p.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (p.includes('/bench/')) return 'bench harness';
  return path.basename(p);
}

/**
 * @param {{ nodes: any[], samples: number[], timeDeltas: number[] }} profile
 * @param {string} root path prefix stripped from locations
 */
export function summarizeProfile(profile, root = '') {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fns = new Map();
  const pkgs = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') continue;
    total += us;
    const name =
      cf.functionName || (cf.url ? '(anonymous)' : '(anonymous, no script: builtin or native)');
    const file = cf.url
      ? cf.url
          .replace(/^file:\/\//, '')
          .replace(root, '')
          .replace(/^.*\/node_modules\//, '')
      : '';
    const where = file ? `${file}:${cf.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const f = fns.get(key) ?? { name, where, pkg: packageOf(cf.url), selfUs: 0 };
    f.selfUs += us;
    fns.set(key, f);
    const pkg = ['(garbage collector)', '(program)'].includes(name) ? name : packageOf(cf.url);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const pct = (us) => (total > 0 ? (100 * us) / total : 0);
  const all = [...fns.values()].sort((a, b) => b.selfUs - a.selfUs);
  const view = (f) => ({
    name: f.name,
    where: f.where,
    pkg: f.pkg,
    selfMs: f.selfUs / 1000,
    pct: pct(f.selfUs),
  });
  /** The five heaviest functions of each workspace package: where each owner should look first. */
  const byWorkspacePackage = {};
  for (const f of all) {
    if (!f.pkg.startsWith('@seclog/')) continue;
    const list = (byWorkspacePackage[f.pkg] ??= []);
    if (list.length < 5) list.push(view(f));
  }
  return {
    byWorkspacePackage,
    totalMs: total / 1000,
    top: [...fns.values()]
      .sort((a, b) => b.selfUs - a.selfUs)
      .slice(0, 40)
      .map((f) => ({
        name: f.name,
        where: f.where,
        pkg: f.pkg,
        selfMs: f.selfUs / 1000,
        pct: pct(f.selfUs),
      })),
    byPackage: [...pkgs.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, selfMs: us / 1000, pct: pct(us) })),
  };
}
