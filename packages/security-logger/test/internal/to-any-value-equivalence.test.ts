// Proves the fast paths of toAnyValue change nothing: on random values, hostile ones included, it
// returns exactly what the original converter (test/internal/reference) returns, key order too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toAnyValue, toStringValue } from '../../src/internal/to-any-value.js';
import * as reference from './reference/to-any-value.js';

/**
 * Equal in every observable way: values, prototypes, property flags and key order. (toStrictEqual
 * cannot be used: it compares `.constructor`, which an own `constructor` key replaces.)
 */
function expectSame(actual: unknown, expected: unknown): void {
  expect(canonical(actual)).toStrictEqual(canonical(expected));
}

function canonical(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? ['-0'] : value;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array)
    return ['bytes', Object.getPrototypeOf(value) === Uint8Array.prototype, [...value]];
  const prototype: unknown = Object.getPrototypeOf(value);
  const kind = Array.isArray(value) ? 'array' : prototype === Object.prototype ? 'object' : 'other';
  return [
    kind,
    Reflect.ownKeys(value).map((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      return [
        String(key),
        descriptor?.enumerable,
        descriptor?.writable,
        descriptor?.configurable,
        canonical(descriptor?.value),
      ];
    }),
  ];
}

const awkwardKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '…', ''),
  fc.string({ minLength: 250, maxLength: 300 }),
);

const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(undefined, null, -0, NaN, Infinity, -Infinity, 10n ** 30n, Symbol('s')),
  fc.date({ noInvalidDate: false }),
  fc.constant(() => 1),
);

/** Plain objects of the common shapes and the awkward ones, nested past MAX_DEPTH at times. */
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('object'),
    fc.array(tie('value'), { maxLength: 6 }),
  ),
  object: fc.oneof(
    fc.dictionary(awkwardKey, tie('value'), { maxKeys: 8 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), {
      maxKeys: 8,
      noNullPrototype: false,
    }),
  ),
}));

describe('toAnyValue', () => {
  it('returns what the original converter returns for any value', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withTypedArray: true,
          withUnicodeString: true,
        }),
        (value) => {
          expectSame(toAnyValue(value), reference.toAnyValue(value));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns what the original converter returns for plain objects with awkward keys', () => {
    fc.assert(
      fc.property(plain.object, (value) => {
        expectSame(toAnyValue(value), reference.toAnyValue(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('returns what the original converter returns for wide objects and huge strings', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 9000 }), {
          minKeys: 60,
          maxKeys: 80,
        }),
        fc.string({ minLength: 8190, maxLength: 8200 }),
        (wide, huge) => {
          expectSame(toAnyValue(wide), reference.toAnyValue(wide));
          expectSame(toAnyValue(huge), reference.toAnyValue(huge));
          expectSame(toAnyValue({ huge }), reference.toAnyValue({ huge }));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('returns what the original converter returns for cycles and shared references', () => {
    fc.assert(
      fc.property(plain.object, fc.nat(5), (value, where) => {
        const root = { value, shared: value, list: [value] } as Record<string, unknown>;
        let node: Record<string, unknown> = root;
        for (let i = 0; i < where; i += 1) {
          const child: Record<string, unknown> = { i };
          node.child = child;
          node = child;
        }
        node.back = root;
        expectSame(toAnyValue(root), reference.toAnyValue(root));
      }),
      { numRuns: 300 },
    );
  });

  it('returns what the original converter returns for hostile objects', () => {
    const throwing = (): never => {
      throw new Error('trap');
    };
    const getter: Record<string, unknown> = { a: 1 };
    Object.defineProperty(getter, 'bad', { enumerable: true, get: throwing });
    const swappedError = Object.setPrototypeOf(new Error('x'), Object.prototype) as object;
    const swappedView = Object.setPrototypeOf(new Uint16Array([1, 2]), Object.prototype) as object;
    const swappedMap = Object.setPrototypeOf(new Map([['k', 1]]), null) as object;
    const tagged = { [Symbol.toStringTag]: 'Promise', a: 1 };
    const hostile: unknown[] = [
      getter,
      { nested: getter },
      new Proxy({}, { ownKeys: throwing, get: throwing, getPrototypeOf: throwing }),
      new Proxy({ a: 1 }, { getPrototypeOf: throwing }),
      new Proxy({ a: 1, b: { c: 2 } }, {}),
      new Proxy([1, 2], { getPrototypeOf: () => Object.prototype }),
      new Proxy({ a: 1 }, { get: (_t, key) => (key === Symbol.toStringTag ? 'Error' : 1) }),
      swappedError,
      swappedView,
      swappedMap,
      tagged,
      { tagged },
      Object.create({ inherited: 1 }) as object,
    ];
    for (const value of hostile) {
      expectSame(toAnyValue(value), reference.toAnyValue(value));
      expect(toStringValue(value)).toBe(reference.toStringValue(value));
    }
  });
});

describe('toStringValue', () => {
  it('returns what the original converter returns for any value', () => {
    fc.assert(
      fc.property(
        fc.anything({ withMap: true, withSet: true, withNullPrototype: true }),
        (value) => {
          expect(toStringValue(value)).toBe(reference.toStringValue(value));
        },
      ),
      { numRuns: 300 },
    );
  });
});
