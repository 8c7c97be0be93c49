// Property-based test: random secrets hidden at random places of random structures (bodies and
// attributes, maps and arrays, inside text, JSON strings and URLs) never reach the exported bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFixtures, valueFixtures } from './fixtures/secrets.js';
import type { KeyFixture, SecretFixture } from './fixtures/secrets.js';
import { leaks, serialize, setup } from './setup.js';

const BENIGN_KEYS = [
  'id',
  'name',
  'items',
  'detail',
  'meta',
  'http.route',
  'event.outcome',
  'notes',
  'x',
];
// Separators that end a token, so the secret keeps its boundaries inside surrounding text.
const SEPARATORS = [' ', '\n', '"', ', ', '; ', ' (', ') ', '\t'];

type Tree = string | number | boolean | null | Tree[] | { [k: string]: Tree };

const leaf: fc.Arbitrary<Tree> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...BENIGN_KEYS), tie('node'), { maxKeys: 4 }),
  ),
})).node;

/** Puts `value` somewhere in `root` following `path`; returns the new root. */
function insert(root: Tree, path: readonly number[], value: Tree, key: string): Tree {
  if (path.length === 0 || root === null || typeof root !== 'object') {
    return { [key]: value, sibling: root };
  }
  const [step, ...rest] = path as [number, ...number[]];
  if (Array.isArray(root)) {
    const copy = root.slice();
    if (copy.length === 0 || step % 3 === 0)
      copy.splice(step % (copy.length + 1), 0, { [key]: value });
    else copy[step % copy.length] = insert(copy[step % copy.length]!, rest, value, key);
    return copy;
  }
  const keys = Object.keys(root);
  if (keys.length === 0 || step % 3 === 0) return { ...root, [key]: value };
  const k = keys[step % keys.length]!;
  return { ...root, [k]: insert(root[k]!, rest, value, key) };
}

const VALUES = valueFixtures();
const KEYS = keyFixtures();

const hiddenValue = fc.record({
  fixture: fc.constantFrom<SecretFixture>(...VALUES),
  before: fc.string({ maxLength: 10 }),
  after: fc.string({ maxLength: 10 }),
  sepBefore: fc.constantFrom(...SEPARATORS),
  sepAfter: fc.constantFrom(...SEPARATORS),
  encoding: fc.constantFrom('none', 'json', 'url'),
});

describe('RedactingLogRecordProcessor', () => {
  describe('onEmit', () => {
    it('finds every random secret hidden at a random place of a random structure', () => {
      const { emit } = setup();
      fc.assert(
        fc.property(
          tree,
          fc.array(fc.nat(), { maxLength: 6 }),
          hiddenValue,
          fc.constantFrom('body', 'attribute'),
          (root, path, hidden, where) => {
            const { fixture } = hidden;
            const text = `${hidden.before}${hidden.sepBefore}${fixture.text}${hidden.sepAfter}${hidden.after}`;
            const value: Tree =
              hidden.encoding === 'json'
                ? JSON.stringify({ wrapped: [text] })
                : hidden.encoding === 'url'
                  ? `https://h.example/p?x=1&v=${encodeURIComponent(text)}`
                  : text;
            const structure = insert(root, path, value, 'hidden');
            const out =
              where === 'body'
                ? emit({ body: structure })
                : emit({ attributes: { 'app.data': structure } });
            expect(leaks(serialize([out]), fixture.forbidden)).toEqual([]);
          },
        ),
        { numRuns: Number(process.env.SECLOG_FC_RUNS ?? 300) },
      );
    });

    it('finds every random secret under a sensitive key spelled in a random style', () => {
      const { emit } = setup();
      const styles = [
        (k: string) => k,
        (k: string) => k.toUpperCase(),
        (k: string) => k.replace(/[_.-]([a-z])/g, (_m, c: string) => c.toUpperCase()),
        (k: string) => k.replace(/[_.]/g, '-'),
      ];
      fc.assert(
        fc.property(
          tree,
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.constantFrom<KeyFixture>(...KEYS.filter((f) => !f.key.includes('header'))),
          fc.constantFrom(...styles),
          (root, path, fixture, style) => {
            const structure = insert(root, path, fixture.value, style(fixture.key));
            const out = emit({ body: structure });
            expect(leaks(serialize([out]), fixture.forbidden)).toEqual([]);
          },
        ),
        { numRuns: Number(process.env.SECLOG_FC_RUNS ?? 200) },
      );
    });
  });
});
