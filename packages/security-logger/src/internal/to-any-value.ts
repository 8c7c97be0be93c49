// Converts anything a caller passes into an OTel AnyValue, deterministically and without ever
// throwing: cycles, BigInt, functions, class instances, binary data, hostile getters and Proxies.
import type { AnyValue } from '../types.js';

/** Longest string kept; longer ones are cut and end with `…[truncated N chars]`. */
export const MAX_STRING_LENGTH = 8192;
/** Nesting depth below which objects and arrays become `[MaxDepth]`. */
export const MAX_DEPTH = 8;
/** Items kept per array, Set or Map; a final `…[N more items]` string counts the rest. */
export const MAX_ARRAY_LENGTH = 128;
/** Keys kept per object; a final `…` key holds `[N more keys]`. */
export const MAX_OBJECT_KEYS = 64;
/** Bytes kept from a Buffer, typed array or ArrayBuffer (no marker: bytes have no room for one). */
export const MAX_BYTES = 8192;
/** Values converted per call; beyond it every value becomes `[truncated]`. */
const MAX_NODES = 2048;
/** Substituted for any value that throws while being read or converted. */
export const UNSERIALIZABLE = '[unserializable]';

const MAX_KEY_LENGTH = 256;

interface State {
  nodes: number;
  // The objects being converted, outermost first: at most MAX_DEPTH of them, so a linear scan
  // beats a Set, which would cost an allocation per call.
  readonly ancestors: object[];
}

/** Longest token-shaped run a cut backs off over; a longer run is a blob, not a secret. */
const MAX_TOKEN_RUN = 4096;

/**
 * Cuts `text` to `max` characters (never inside a surrogate pair) and says how much was cut. A cut
 * through a token-shaped run (`ghp_…`, a JWT, `password=…`) drops the whole run: half a token keeps
 * most of its randomness, and the redactor only recognises whole ones.
 */
export function truncateString(text: string, max: number = MAX_STRING_LENGTH): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  if (isTokenChar(text.charCodeAt(end)) && isTokenChar(text.charCodeAt(end - 1))) {
    const floor = Math.max(0, end - MAX_TOKEN_RUN);
    let start = end - 1;
    while (start > floor && isTokenChar(text.charCodeAt(start - 1))) start--;
    if (start > floor || floor === 0) end = start;
  }
  return `${text.slice(0, end)}…[truncated ${text.length - end} chars]`;
}

/** Characters of tokens, base64, JWTs and `key=value`: `[A-Za-z0-9_+/=.~-]`. */
function isTokenChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 45 ||
    c === 43 ||
    c === 47 ||
    c === 61 ||
    c === 46 ||
    c === 126
  );
}

/** `value` as an AnyValue within the limits above; never throws. */
export function toAnyValue(value: unknown): AnyValue {
  // Most attribute values are primitives: one node, no state to allocate.
  switch (typeof value) {
    case 'string':
      return truncateString(value);
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
      return String(value);
    case 'boolean':
      return value;
    case 'undefined':
      return undefined;
    default:
      break;
  }
  try {
    return convert(value, 0, { nodes: 0, ancestors: [] });
  } catch {
    return UNSERIALIZABLE;
  }
}

/** `value` as a single string (objects as JSON of their AnyValue); never throws. */
export function toStringValue(value: unknown): string {
  try {
    if (typeof value === 'string') return truncateString(value);
    const converted = toAnyValue(value);
    if (typeof converted === 'string') return converted;
    if (converted === undefined) return 'undefined';
    return truncateString(JSON.stringify(converted) ?? 'undefined');
  } catch {
    return UNSERIALIZABLE;
  }
}

function safeConvert(value: unknown, depth: number, state: State): AnyValue {
  try {
    return convert(value, depth, state);
  } catch {
    return UNSERIALIZABLE;
  }
}

function convert(value: unknown, depth: number, state: State): AnyValue {
  state.nodes += 1;
  if (state.nodes > MAX_NODES) return '[truncated]';
  switch (typeof value) {
    case 'string':
      return truncateString(value);
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
      return String(value);
    case 'boolean':
      return value;
    case 'undefined':
      return undefined;
    case 'bigint':
      return truncateString(value.toString());
    case 'symbol':
      return truncateString(value.toString());
    case 'function':
      return `[Function ${functionName(value)}]`;
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= MAX_DEPTH) return '[MaxDepth]';
  const { ancestors } = state;
  for (let i = 0; i < ancestors.length; i += 1) {
    if (ancestors[i] === object) return '[Circular]';
  }
  ancestors.push(object);
  try {
    return convertObject(object, depth, state);
  } finally {
    ancestors.pop();
  }
}

function functionName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name;
    return typeof name === 'string' && name !== ''
      ? truncateString(name, MAX_KEY_LENGTH)
      : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function convertObject(object: object, depth: number, state: State): AnyValue {
  if (Array.isArray(object)) return convertList(object, object.length, depth, state);
  const tag = Object.prototype.toString.call(object);
  // The common case, a plain object, skips the instanceof ladder below. The tag and isView checks
  // keep exotic objects whose prototype was swapped for Object.prototype on their usual paths.
  if (tag === '[object Object]' && !ArrayBuffer.isView(object)) {
    const prototype: unknown = Object.getPrototypeOf(object);
    if (prototype === Object.prototype || prototype === null) {
      return convertRecord(object, depth, state);
    }
  }
  if (object instanceof Date) {
    const time = Date.prototype.getTime.call(object);
    return Number.isNaN(time) ? 'Invalid Date' : new Date(time).toISOString();
  }
  if (object instanceof Error || tag === '[object Error]')
    return convertError(object as Error, depth, state);
  if (object instanceof Uint8Array)
    return copyBytes(object.buffer, object.byteOffset, object.byteLength);
  if (ArrayBuffer.isView(object)) {
    if (object instanceof DataView)
      return copyBytes(object.buffer, object.byteOffset, object.byteLength);
    const view = object as unknown as ArrayLike<unknown>;
    return convertList(view, view.length, depth, state);
  }
  if (object instanceof ArrayBuffer) return copyBytes(object, 0, object.byteLength);
  if (typeof SharedArrayBuffer !== 'undefined' && object instanceof SharedArrayBuffer) {
    return copyBytes(object, 0, object.byteLength);
  }
  if (object instanceof Map) return convertMap(object, depth, state);
  if (object instanceof Set) return convertList([...object], object.size, depth, state);
  if (object instanceof RegExp || object instanceof URL) return truncateString(object.toString());
  if (object instanceof String || object instanceof Number || object instanceof Boolean) {
    return convert(object.valueOf(), depth, state);
  }
  if (
    tag === '[object Promise]' ||
    tag === '[object WeakMap]' ||
    tag === '[object WeakSet]' ||
    tag === '[object WeakRef]'
  ) {
    return tag;
  }
  return convertRecord(object, depth, state);
}

function copyBytes(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array {
  return new Uint8Array(new Uint8Array(buffer, offset, Math.min(length, MAX_BYTES)));
}

function convertList(
  list: ArrayLike<unknown>,
  length: number,
  depth: number,
  state: State,
): AnyValue[] {
  const kept = Math.min(length, MAX_ARRAY_LENGTH);
  const result: AnyValue[] = [];
  for (let i = 0; i < kept; i += 1) {
    let item: AnyValue;
    try {
      item = convert(list[i], depth + 1, state);
    } catch {
      item = UNSERIALIZABLE;
    }
    result.push(item === undefined ? null : item);
  }
  if (length > kept) result.push(`…[${length - kept} more items]`);
  return result;
}

function convertMap(map: Map<unknown, unknown>, depth: number, state: State): AnyValue {
  const entries = [...map.entries()];
  if (entries.every(([key]) => typeof key === 'string')) {
    return convertEntries(entries as [string, unknown][], depth, state);
  }
  return convertList(
    entries.map(([key, value]) => [key, value]),
    entries.length,
    depth,
    state,
  );
}

function convertRecord(object: object, depth: number, state: State): AnyValue {
  const keys = Object.keys(object);
  const kept = Math.min(keys.length, MAX_OBJECT_KEYS);
  // Every value is read before any is converted, so a getter sees the object as it was passed.
  const values: unknown[] = new Array<unknown>(kept);
  for (let i = 0; i < kept; i += 1) {
    try {
      values[i] = (object as Record<string, unknown>)[keys[i] as string];
    } catch {
      values[i] = UNSERIALIZABLE;
    }
  }
  const result: { [key: string]: AnyValue } = {};
  for (let i = 0; i < kept; i += 1) {
    let converted: AnyValue;
    try {
      converted = convert(values[i], depth + 1, state);
    } catch {
      converted = UNSERIALIZABLE;
    }
    if (converted !== undefined) setData(result, keys[i] as string, converted);
  }
  if (keys.length > MAX_OBJECT_KEYS) result['…'] = `[${keys.length - MAX_OBJECT_KEYS} more keys]`;
  return result;
}

/** Sets `key` on a fresh result object as plain data, whatever Object.prototype holds. */
function setData(result: { [key: string]: AnyValue }, key: string, value: AnyValue): void {
  const name = key.length > MAX_KEY_LENGTH ? truncateString(key, MAX_KEY_LENGTH) : key;
  // Plain assignment is far cheaper; only a name inherited from Object.prototype (__proto__, or one
  // a polluted prototype gained) could turn it into a setter call or a failed write.
  if (name in Object.prototype) {
    Object.defineProperty(result, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    result[name] = value;
  }
}

function convertEntries(
  entries: readonly [string, unknown][],
  depth: number,
  state: State,
): { [key: string]: AnyValue } {
  const result: { [key: string]: AnyValue } = {};
  let count = 0;
  for (const [key, value] of entries) {
    if (count === MAX_OBJECT_KEYS) {
      result['…'] = `[${entries.length - MAX_OBJECT_KEYS} more keys]`;
      break;
    }
    const converted = safeConvert(value, depth + 1, state);
    if (converted === undefined) continue;
    setData(result, key, converted);
    count += 1;
  }
  return result;
}

function convertError(error: Error, depth: number, state: State): AnyValue {
  const result: { [key: string]: AnyValue } = {};
  const read = (key: string): unknown => {
    try {
      return (error as unknown as Record<string, unknown>)[key];
    } catch {
      return UNSERIALIZABLE;
    }
  };
  for (const key of ['name', 'message', 'code', 'stack', 'cause']) {
    const value = read(key);
    if (value === undefined) continue;
    result[key] = safeConvert(value, depth + 1, state);
  }
  return result;
}
