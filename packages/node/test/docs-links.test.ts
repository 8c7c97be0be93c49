// Every link in the repository's documents leads somewhere: a newcomer follows README.md, docs/
// and each package README (also on npm, where only absolute links work) and meets no dead end.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Links into the repository as the package READMEs write them (they must work on npm). */
const REPOSITORY_BLOB = 'https://github.com/seclog/seclog/blob/main/';
const REPOSITORY_TREE = 'https://github.com/seclog/seclog/tree/main/';

function markdownIn(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(dir, f));
}

const PACKAGE_READMES = readdirSync(join(ROOT, 'packages'))
  .map((p) => join('packages', p, 'README.md'))
  .filter((f) => existsSync(join(ROOT, f)));

const DOCUMENTS = [
  'README.md',
  ...markdownIn('docs'),
  ...PACKAGE_READMES,
  // Linked from docs/ as the next read.
  'collector-config/README.md',
  ...readdirSync(join(ROOT, 'examples')).map((e) => join('examples', e, 'README.md')),
];

/** The text outside fenced code blocks and inline code spans, where a `](x)` is no link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The link targets of a document: inline `[text](target "title")` and reference definitions. */
function linksOf(markdown: string): string[] {
  const text = prose(markdown);
  return [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!),
  ];
}

/** The anchors GitHub gives a document's headings (and any explicit `<a id>` / `<a name>`). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

const markdownCache = new Map<string, string>();
function read(path: string): string {
  let text = markdownCache.get(path);
  if (text === undefined) {
    text = readFileSync(join(ROOT, path), 'utf8');
    markdownCache.set(path, text);
  }
  return text;
}

/** Why `target`, linked from `from`, leads nowhere; undefined when it resolves. */
function deadEnd(from: string, target: string): string | undefined {
  let path: string;
  let anchor: string | undefined;
  const hash = target.indexOf('#');
  const file = hash === -1 ? target : target.slice(0, hash);
  if (hash !== -1) anchor = decodeURIComponent(target.slice(hash + 1));
  const prefix = [REPOSITORY_BLOB, REPOSITORY_TREE].find((p) => file.startsWith(p));
  if (prefix !== undefined) {
    path = decodeURIComponent(file.slice(prefix.length));
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(file)) {
    return undefined; // another site: not ours to check offline
  } else if (file === '') {
    path = from;
  } else {
    path = relative(ROOT, join(ROOT, dirname(from), decodeURIComponent(file)));
  }
  if (path.startsWith('..')) return `${target} leaves the repository`;
  if (!existsSync(join(ROOT, path))) return `${target}: no ${path}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!path.endsWith('.md') || statSync(join(ROOT, path)).isDirectory())
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `${target}: an anchor into a non-document`;
  return anchorsOf(read(path)).has(anchor)
    ? undefined
    : `${target}: no heading #${anchor} in ${path}`;
}

describe('the documents', () => {
  it('are found (README.md, docs/*.md, every package README, the collector configs, the examples)', () => {
    expect(DOCUMENTS).toContain('docs/file-format.md');
    expect(PACKAGE_READMES.length).toBe(readdirSync(join(ROOT, 'packages')).length);
    // So that a parser that found nothing would not pass every document below.
    expect(DOCUMENTS.flatMap((d) => linksOf(read(d))).length).toBeGreaterThan(50);
  });

  it.each(DOCUMENTS)('%s links only to files and headings that exist', (doc) => {
    const links = linksOf(read(doc));
    expect(links.map((l) => deadEnd(doc, l)).filter((why) => why !== undefined)).toEqual([]);
  });

  it.each(PACKAGE_READMES)('%s links with absolute addresses only (it is read on npm)', (doc) => {
    const relativeLinks = linksOf(read(doc)).filter((l) => !/^(https:\/\/|#)/.test(l));
    expect(relativeLinks).toEqual([]);
    expect(read(doc)).not.toContain('](../');
  });
});

describe('the link checker', () => {
  it('finds a missing file, a missing heading and a link out of the repository', () => {
    expect(deadEnd('docs/file-format.md', 'nosuch.md')).toMatch(/no docs\/nosuch\.md/);
    expect(deadEnd('docs/file-format.md', '#no-such-heading')).toMatch(/no heading/);
    expect(deadEnd('README.md', `${REPOSITORY_BLOB}docs/file-format.md#nope`)).toMatch(
      /no heading #nope/,
    );
    expect(deadEnd('packages/cli/README.md', '../../../x.md')).toMatch(/leaves the repository/);
    expect(deadEnd('docs/file-format.md', '#hash-chain')).toBeUndefined();
  });

  it('gives headings the anchors GitHub gives them', () => {
    expect([
      ...anchorsOf('# What `seclog verify` checks\n## Forward-secure sealing (T2)\n## A\n## A\n'),
    ]).toEqual(['what-seclog-verify-checks', 'forward-secure-sealing-t2', 'a', 'a-1']);
  });
});
