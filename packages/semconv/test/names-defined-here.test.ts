// Every `seclog.*` name another package spells out (attribute, event, metric, or a prefix of them)
// is one this package defines, so @seclog/semconv stays the one list of what seclog emits. The
// packages that depend on no seclog package (the file exporter, the CLI's verifier) keep copies of
// their names; this is what keeps those copies true.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as semconv from '@seclog/semconv';

const packagesDir = fileURLToPath(new URL('../..', import.meta.url));

/** Every string starting with `seclog.` anywhere in the package's exports, and template prefixes. */
function definedNames(): Set<string> {
  const names = new Set<string>([semconv.ATTR_SECLOG_COLLISION('')]);
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith(semconv.SECLOG_ATTRIBUTE_PREFIX)) names.add(value);
    } else if (Array.isArray(value)) {
      for (const v of value as unknown[]) walk(v);
    } else if (typeof value === 'object' && value !== null) {
      for (const v of Object.values(value)) walk(v);
    }
  };
  walk(Object.values(semconv));
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** `seclog.…` between quotes or backticks, or before a `${`: literals, template heads, and names in comments. */
const SECLOG_LITERAL = /(['"`])(seclog\.[a-z0-9_.]*)(?=\1|\$\{)/g;

function spelledOutNames(): { name: string; where: string }[] {
  const found: { name: string; where: string }[] = [];
  for (const pkg of readdirSync(packagesDir)) {
    if (pkg === 'semconv') continue;
    for (const file of sourceFiles(join(packagesDir, pkg, 'src'))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const m of line.matchAll(SECLOG_LITERAL)) {
          found.push({ name: m[2]!, where: `packages/${file.slice(packagesDir.length)}:${i + 1}` });
        }
      });
    }
  }
  return found;
}

describe('@seclog/semconv', () => {
  it('defines every seclog.* name the other packages spell out', () => {
    const defined = definedNames();
    const known = (name: string): boolean =>
      defined.has(name) || (name.endsWith('.') && [...defined].some((d) => d.startsWith(name)));
    const found = spelledOutNames();
    // The scan itself finds names (else it would pass on any source).
    expect(found.map((f) => f.name)).toContain(semconv.ATTR_SECLOG_CHAIN_SEQ);
    expect(found.filter((f) => !known(f.name))).toEqual([]);
  });

  it('defines only names a scan like the one above can find', () => {
    for (const name of definedNames()) expect(name).toMatch(/^seclog\.[a-z0-9_.]*$/);
  });

  it('lists every seclog event name it defines in SECLOG_EVENT_NAMES, and nothing else', () => {
    const constants = Object.entries(semconv)
      .filter(([k]) => k.startsWith('EVENT_SECLOG_'))
      .map(([, v]) => v as string);
    const vocabulary = semconv.SECURITY_EVENTS.map((e) => e.eventName);
    expect(constants).toContain(semconv.EVENT_SECLOG_ALERT_SUPPRESSED);
    expect([...semconv.SECLOG_EVENT_NAMES].sort()).toEqual([...vocabulary, ...constants].sort());
  });
});
