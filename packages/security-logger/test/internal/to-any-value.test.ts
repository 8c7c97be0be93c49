// Tests the conversion of hostile values into OTel AnyValue: deterministic, bounded, never throws.
import { describe, expect, it } from 'vitest';
import {
  MAX_ARRAY_LENGTH,
  MAX_BYTES,
  MAX_DEPTH,
  MAX_OBJECT_KEYS,
  MAX_STRING_LENGTH,
  UNSERIALIZABLE,
  toAnyValue,
  toStringValue,
  truncateString,
} from '../../src/internal/to-any-value.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  get sum(): number {
    return this.x + this.y;
  }
}

function nest(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { child: value };
  return value;
}

describe('toAnyValue', () => {
  it.each<[string, unknown, unknown]>([
    ['a string', 'abc', 'abc'],
    ['a number', 1.5, 1.5],
    ['negative zero', -0, 0],
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['-Infinity', -Infinity, '-Infinity'],
    ['a boolean', false, false],
    ['null', null, null],
    ['undefined', undefined, undefined],
    ['a BigInt', 12345678901234567890n, '12345678901234567890'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a named function', function handler() {}, '[Function handler]'],
    ['an arrow function', () => 1, '[Function anonymous]'],
    ['a Date', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), '2026-01-02T03:04:05.000Z'],
    ['an invalid Date', new Date(NaN), 'Invalid Date'],
    ['a RegExp', /a+b/gi, '/a+b/gi'],
    ['a URL', new URL('https://example.com/a?b=1'), 'https://example.com/a?b=1'],
    ['a boxed string', new String('boxed'), 'boxed'],
    ['a class instance', new Point(1, 2), { x: 1, y: 2 }],
    ['a Map with string keys', new Map([['a', 1]]), { a: 1 }],
    ['a Map with other keys', new Map<unknown, unknown>([[1, 'one']]), [[1, 'one']]],
    ['a Set', new Set(['a', 'b']), ['a', 'b']],
    ['an array with holes and undefined', new Array<unknown>(3).fill(1, 0, 1), [1, null, null]],
    ['an object with undefined values', { a: undefined, b: 1 }, { b: 1 }],
    ['a Promise', Promise.resolve(1), '[object Promise]'],
    ['a WeakMap', new WeakMap(), '[object WeakMap]'],
    ['a Float64Array', new Float64Array([1.5, NaN]), [1.5, 'NaN']],
    ['a BigInt64Array', new BigInt64Array([1n]), ['1']],
  ])('converts %s', (_name, input, expected) => {
    expect(toAnyValue(input)).toEqual(expected);
  });

  it('converts a Buffer to a plain Uint8Array copy of its bytes', () => {
    const buffer = Buffer.from('hello');
    const result = toAnyValue(buffer);
    expect(result).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(result)).toBe(false);
    expect(Array.from(result as Uint8Array)).toEqual(Array.from(buffer));
  });

  it('converts an ArrayBuffer and a DataView to bytes, capped', () => {
    expect(toAnyValue(new ArrayBuffer(3))).toEqual(new Uint8Array(3));
    expect(toAnyValue(new DataView(new ArrayBuffer(100_000)))).toHaveLength(MAX_BYTES);
  });

  it('marks cycles and keeps repeated (acyclic) references', () => {
    const shared = { s: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    expect(toAnyValue(cyclic)).toEqual({ shared: { s: 1 }, again: { s: 1 }, self: '[Circular]' });
  });

  it('converts an Error to its name, message, code, stack and cause', () => {
    const error = Object.assign(new Error('outer', { cause: new RangeError('inner') }), {
      code: 'E1',
    });
    const result = toAnyValue(error) as Record<string, unknown>;
    expect(result.name).toBe('Error');
    expect(result.message).toBe('outer');
    expect(result.code).toBe('E1');
    expect(result.stack).toContain('outer');
    expect((result.cause as Record<string, unknown>).name).toBe('RangeError');
  });

  it('truncates a huge string with a marker counting the cut characters', () => {
    const result = toAnyValue('x'.repeat(MAX_STRING_LENGTH + 10));
    expect(result).toBe(`${'x'.repeat(MAX_STRING_LENGTH)}…[truncated 10 chars]`);
  });

  it('drops a token the cut would split instead of keeping most of it', () => {
    const token = 'ghp_' + 'aB3'.repeat(12);
    const lead = 'x '.repeat(MAX_STRING_LENGTH / 2 - 10);
    const result = truncateString(`${lead}key=${token} and more`);
    expect(result).toBe(`${lead}…[truncated ${4 + token.length + 9} chars]`);
  });

  it('cuts a run longer than any token where the limit falls', () => {
    const result = truncateString('x'.repeat(MAX_STRING_LENGTH + 10));
    expect(result.startsWith('x'.repeat(MAX_STRING_LENGTH))).toBe(true);
  });

  it('never cuts a surrogate pair in half', () => {
    const text = `${'x'.repeat(MAX_STRING_LENGTH - 1)}👋tail`;
    const result = truncateString(text);
    expect(result.startsWith(`${'x'.repeat(MAX_STRING_LENGTH - 1)}…`)).toBe(true);
  });

  it('caps arrays and counts the rest', () => {
    const result = toAnyValue(
      Array.from({ length: MAX_ARRAY_LENGTH + 5 }, (_, i) => i),
    ) as unknown[];
    expect(result).toHaveLength(MAX_ARRAY_LENGTH + 1);
    expect(result.at(-1)).toBe('…[5 more items]');
  });

  it('caps object keys and counts the rest', () => {
    const object = Object.fromEntries(
      Array.from({ length: MAX_OBJECT_KEYS + 3 }, (_, i) => [`k${i}`, i]),
    );
    const result = toAnyValue(object) as Record<string, unknown>;
    expect(Object.keys(result)).toHaveLength(MAX_OBJECT_KEYS + 1);
    expect(result['…']).toBe('[3 more keys]');
  });

  it('stops at the maximum depth', () => {
    let result = toAnyValue(nest(MAX_DEPTH + 2)) as Record<string, unknown>;
    for (let i = 0; i < MAX_DEPTH; i += 1) result = result.child as Record<string, unknown>;
    expect(result).toBe('[MaxDepth]');
  });

  it('bounds the total work on a wide and deep value', () => {
    const wide = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => ({ a: 1 })));
    const json = JSON.stringify(toAnyValue(wide));
    expect(json).toContain('[truncated]');
    expect(json.length).toBeLessThan(200_000);
  });

  it('replaces a getter that throws, keeping the other keys', () => {
    const object = {
      ok: 1,
      get bad(): never {
        throw new Error('getter');
      },
    };
    expect(toAnyValue(object)).toEqual({ ok: 1, bad: UNSERIALIZABLE });
  });

  it('replaces a Proxy whose traps throw', () => {
    const trap = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { ownKeys: trap, get: trap, getPrototypeOf: trap });
    expect(toAnyValue(proxy)).toBe(UNSERIALIZABLE);
    expect(toAnyValue({ inner: proxy })).toEqual({ inner: UNSERIALIZABLE });
  });

  it('keeps a __proto__ key as data', () => {
    const object = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const result = toAnyValue(object) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('is deterministic', () => {
    const make = () => ({ b: [1n, new Set([2])], a: new Map([['k', new Date(0)]]) });
    expect(JSON.stringify(toAnyValue(make()))).toBe(JSON.stringify(toAnyValue(make())));
  });
});

describe('toStringValue', () => {
  it('renders objects as JSON of their AnyValue', () => {
    expect(toStringValue({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(toStringValue(5)).toBe('5');
    expect(toStringValue(undefined)).toBe('undefined');
  });
});
