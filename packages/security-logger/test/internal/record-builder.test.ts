// Proves the fast paths of the record builder change nothing: on random fields and extra
// attributes it builds exactly the attributes (values and key order) the original builder built.
import fc from 'fast-check';
import { SECURITY_EVENT_PARAMETERS } from '@seclog/semconv';
import { describe, expect, it } from 'vitest';
import {
  addExtraAttributes,
  addParameters,
  snapshotFields,
} from '../../src/internal/record-builder.js';
import type { Attributes } from '../../src/internal/record-builder.js';
import { MAX_OBJECT_KEYS } from '../../src/internal/to-any-value.js';
import * as reference from './reference/record-builder.js';

const PARAMETER_NAMES = Object.keys(SECURITY_EVENT_PARAMETERS);

/** Values of every parameter type, right and wrong, including ones that need conversion. */
const parameterValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^-?\d{1,17}$/),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.bigInt(),
  fc.constantFrom(undefined, null, NaN, ['a', 1, null], { nested: { deep: true } }),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 140 }),
);

/** A fields object as a caller passes it: some parameters, some other keys, maybe `__proto__`. */
const fieldsArbitrary = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...PARAMETER_NAMES), parameterValue, { maxKeys: 12 }),
    fc.dictionary(fc.string({ maxLength: 8 }), parameterValue, { maxKeys: 4 }),
    fc.option(fc.dictionary(fc.constantFrom(...PARAMETER_NAMES), parameterValue, { maxKeys: 3 })),
  )
  .map(([parameters, others, inherited]) => {
    const fields: Record<string, unknown> = { ...others, ...parameters };
    if (inherited !== null) {
      Object.defineProperty(fields, '__proto__', {
        value: inherited,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return fields;
  });

/** Attributes already present before the parameters are added (the caller's extras). */
function prefilled(): Attributes {
  return { 'seclog.component': 'auth', 'user.id': 'from-extra', 'zzz.last': 1 };
}

describe('addParameters', () => {
  it('adds what the original catalogue scan added, in the same order', () => {
    fc.assert(
      fc.property(fieldsArbitrary, (fields) => {
        const snapshot = snapshotFields(fields);
        const actual = prefilled();
        const expected = prefilled();
        addParameters(actual, snapshot);
        reference.addParameters(expected, snapshot);
        expect(Object.entries(actual)).toStrictEqual(Object.entries(expected));
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a parameter inherited from a polluted Object.prototype as before', () => {
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.userId = 'polluted';
    try {
      for (const fields of [{}, { userId: 'own' }, { reason: 'r' }]) {
        const actual: Attributes = {};
        const expected: Attributes = {};
        addParameters(actual, snapshotFields(fields));
        reference.addParameters(expected, snapshotFields(fields));
        expect(Object.entries(actual)).toStrictEqual(Object.entries(expected));
        expect(actual['user.id']).toBeDefined();
      }
    } finally {
      delete prototype.userId;
    }
  });

  it('replaces a parameter whose getter throws', () => {
    const inherited = {};
    Object.defineProperty(inherited, 'userId', {
      enumerable: true,
      get: () => {
        throw new Error('trap');
      },
    });
    const snapshot = Object.create(inherited) as Record<string, unknown>;
    const actual: Attributes = {};
    addParameters(actual, snapshot);
    expect(actual).toStrictEqual({ 'user.id': '[unserializable]' });
  });
});

const attributeKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  // Not __proto__: both builders let it replace the attributes' prototype (reported separately).
  fc.constantFrom('', ' ', 'a b', 'é', '~', '!', '\x7f', 'constructor', 'toString'),
  fc.string({ minLength: 254, maxLength: 257 }).map((key) => key.replace(/[^\x21-\x7e]/g, 'x')),
);

describe('addExtraAttributes', () => {
  it('adds what the original builder added, in the same order', () => {
    fc.assert(
      fc.property(
        fc
          .dictionary(attributeKey, fc.anything({ withMap: true, withDate: true }), {
            maxKeys: 70,
          })
          .filter((extra) => !Object.keys(extra).includes('__proto__')),
        (extra) => {
          const actual = prefilled();
          const expected = prefilled();
          addExtraAttributes(actual, extra);
          reference.addExtraAttributes(expected, extra);
          // toEqual, not toStrictEqual: a converted value may have its own `constructor` key.
          expect(actual).toEqual(expected);
          expect(Object.keys(actual)).toStrictEqual(Object.keys(expected));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('still checks every key once more distinct valid keys were seen than it remembers', () => {
    for (let round = 0; round < 3; round += 1) {
      const extra: Record<string, number> = {};
      for (let i = 0; i < MAX_OBJECT_KEYS; i += 1) extra[`k${round}.${i}.${'x'.repeat(i)}`] = i;
      const attributes: Attributes = {};
      addExtraAttributes(attributes, extra);
      expect(Object.keys(attributes)).toStrictEqual(Object.keys(extra));
    }
    for (let i = 0; i < 1100; i += 1) addExtraAttributes({}, { [`filler.${i}`]: i });
    const attributes: Attributes = {};
    addExtraAttributes(attributes, { 'a b': 1, 'late.key': 2, ['x'.repeat(256)]: 3, é: 4 });
    expect(attributes).toStrictEqual({ 'late.key': 2 });
  });
});
