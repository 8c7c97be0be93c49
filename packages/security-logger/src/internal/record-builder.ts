// Builds the attributes, body and exception of a record from caller input: request correlation
// first, then extra attributes, then explicit fields (later wins), every value converted safely.
import { isMainThread, threadId } from 'node:worker_threads';
import { diag } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_SECLOG_COMPONENT,
  ATTR_SECLOG_REQUEST_ID,
  ATTR_THREAD_ID,
  SECURITY_EVENT_PARAMETERS,
} from '@seclog/semconv';
import type { SecurityEventParameterType } from '@seclog/semconv';
import { escapeForLine } from '../escape-for-line.js';
import { getRequestContext } from '../request-context.js';
import type { AnyValue } from '../types.js';
import { captureCodeLocation } from './code-location.js';
import {
  MAX_ARRAY_LENGTH,
  MAX_OBJECT_KEYS,
  MAX_STRING_LENGTH,
  toAnyValue,
  toStringValue,
  truncateString,
} from './to-any-value.js';

/** Attributes being assembled for one record. */
export type Attributes = Record<string, AnyValue>;

const PARAMETERS: readonly (readonly [string, string, SecurityEventParameterType])[] =
  Object.entries(SECURITY_EVENT_PARAMETERS).map(
    ([name, p]) => [name, p.attribute, p.type] as const,
  );

// Position of each parameter in PARAMETERS, so a call looks up only the fields it was given.
const PARAMETER_INDEX: ReadonlyMap<string, number> = new Map(
  PARAMETERS.map(([name], index) => [name, index]),
);

// Keys already found valid. Applications use a few dozen keys over and over, and a lookup costs
// less than scanning the characters; capped so keys built per request cannot grow it without end.
const VALID_KEYS = new Set<string>();
const MAX_VALID_KEYS = 1024;

/** Printable ASCII, no whitespace, 1 to 255 characters: anything a backend can index as a key. */
function isAttributeKey(key: string): boolean {
  if (VALID_KEYS.has(key)) return true;
  // `__proto__` would replace the prototype of the attributes object (here and in the SDK, which
  // assigns keys plainly), smuggling inherited values past every own-property check.
  if (key === '__proto__' || !scanAttributeKey(key)) return false;
  if (VALID_KEYS.size < MAX_VALID_KEYS) VALID_KEYS.add(key);
  return true;
}

function scanAttributeKey(key: string): boolean {
  const length = key.length;
  if (length === 0 || length > 255) return false;
  for (let i = 0; i < length; i += 1) {
    const code = key.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

const COMPONENT_NAME = /^[A-Za-z0-9@_][A-Za-z0-9._:/@-]{0,127}$/;

/** Throws a TypeError naming `option` unless `name` is a valid component name. */
export function validateComponentName(name: unknown, option: string): string {
  if (typeof name !== 'string' || !COMPONENT_NAME.test(name)) {
    throw new TypeError(
      `security-logger: ${option} must be 1-128 characters of [A-Za-z0-9._:/@-] starting with a letter, digit, @ or _`,
    );
  }
  return name;
}

/** Throws a TypeError unless `logger` has an `emit` method. */
export function validateLogger(logger: unknown): void {
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof (logger as { emit?: unknown }).emit !== 'function'
  ) {
    throw new TypeError(
      'security-logger: logger must be an OpenTelemetry Logger (an object with emit())',
    );
  }
}

/** Reports a failure inside seclog without ever throwing into the application. */
export function reportError(error: unknown): void {
  try {
    globalErrorHandler(error instanceof Error || typeof error === 'string' ? error : String(error));
  } catch {
    // The error handler itself failed; nothing left to tell.
  }
}

/** Warns about caller misuse through `diag`, with the caller's text escaped. */
export function warn(message: string): void {
  try {
    diag.warn(`security-logger: ${escapeForLine(truncateString(message, 512))}`);
  } catch {
    // diag logger failed; misuse is not worth throwing for.
  }
}

/**
 * A caller's rejected name as a warning may show it: warnings go to stderr, which redaction never
 * sees, and a name is sometimes data (`bad key password=...`, a token pasted as an event name).
 * Shows at most the first 24 name-like characters (letters, digits, `_`, `.`, `-`) and the length.
 */
export function rejectedName(name: string): string {
  const shown = /^[A-Za-z0-9_.-]{0,24}/.exec(name)![0];
  return shown.length === name.length
    ? JSON.stringify(shown)
    : `${JSON.stringify(shown)}... (${name.length} characters; the rest is not shown, it may hold data)`;
}

/** The attributes every record starts with: the request's, its id, component, thread, code location. */
export function baseAttributes(
  component: string | undefined,
  withCodeLocation: boolean,
): Attributes {
  const attributes: Attributes = {};
  const request = getRequestContext();
  if (request !== undefined) {
    for (const [key, value] of Object.entries(request.attributes ?? {})) {
      attributes[key] = Array.isArray(value)
        ? [...(value as readonly string[])]
        : (value as AnyValue);
    }
    attributes[ATTR_SECLOG_REQUEST_ID] = request.requestId;
  }
  if (component !== undefined) attributes[ATTR_SECLOG_COMPONENT] = component;
  // process.pid is a Resource attribute; thread.id only tells worker threads apart from the main one.
  if (!isMainThread) attributes[ATTR_THREAD_ID] = threadId;
  if (withCodeLocation) Object.assign(attributes, captureCodeLocation());
  return attributes;
}

/**
 * A plain copy of the caller's fields object, read once key by key, so a hostile object (throwing
 * getters, Proxy traps) costs only the fields that throw, not the whole event.
 */
export function snapshotFields(fields: unknown): Readonly<Record<string, unknown>> {
  const copy: Record<string, unknown> = {};
  if (fields === undefined || fields === null) return copy;
  if (typeof fields !== 'object') {
    warn('event fields must be an object; ignored');
    return copy;
  }
  let keys: string[];
  try {
    keys = Object.keys(fields);
  } catch (error) {
    reportError(error);
    return copy;
  }
  for (const key of keys) {
    if (key === '__proto__') {
      warn('event field __proto__ ignored');
      continue;
    }
    try {
      copy[key] = (fields as Record<string, unknown>)[key];
    } catch {
      copy[key] = '[unserializable]';
    }
  }
  return copy;
}

// Fields the event methods read besides the catalogued parameters (`level`: custom events and
// upload_validation only).
const NON_PARAMETER_FIELDS = new Set(['outcome', 'error', 'message', 'attributes']);
// `<event>\0<field>` pairs already warned about; capped, as field names built per call would
// otherwise grow it without end (past the cap, further unknown fields go unreported).
const WARNED_FIELDS = new Set<string>();
const MAX_WARNED_FIELDS = 1024;

/**
 * Warns, once per event name and field, about each field of `fields` that nothing reads, so it
 * would be dropped without a word (`loginFail({ password })`). Names the field, never its value.
 */
export function warnUnreadFields(
  eventName: string,
  fields: Readonly<Record<string, unknown>>,
  takesLevel: boolean,
): void {
  for (const key of Object.keys(fields)) {
    if (PARAMETER_INDEX.has(key) || NON_PARAMETER_FIELDS.has(key)) continue;
    if (takesLevel && key === 'level') continue;
    const id = `${eventName}\0${key}`;
    if (WARNED_FIELDS.has(id) || WARNED_FIELDS.size >= MAX_WARNED_FIELDS) continue;
    WARNED_FIELDS.add(id);
    warn(
      `${eventName} has no field ${rejectedName(key)}; it was dropped (put extra attributes under attributes: { ... })`,
    );
  }
}

/** Adds caller-supplied extra attributes: invalid keys are dropped with a warning, values converted. */
export function addExtraAttributes(attributes: Attributes, extra: unknown): void {
  if (extra === undefined || extra === null) return;
  if (typeof extra !== 'object') {
    warn('attributes must be an object; ignored');
    return;
  }
  let keys: string[];
  try {
    keys = Object.keys(extra);
  } catch (error) {
    reportError(error);
    return;
  }
  if (keys.length > MAX_OBJECT_KEYS) {
    warn(`only the first ${MAX_OBJECT_KEYS} of ${keys.length} extra attributes are kept`);
  }
  const kept = Math.min(keys.length, MAX_OBJECT_KEYS);
  for (let i = 0; i < kept; i += 1) {
    const key = keys[i] as string;
    if (!isAttributeKey(key)) {
      warn(`invalid attribute key ${rejectedName(key)} dropped`);
      continue;
    }
    let value: unknown;
    try {
      value = (extra as Record<string, unknown>)[key];
    } catch {
      value = '[unserializable]';
    }
    const converted = toAnyValue(value);
    if (converted !== undefined) attributes[key] = converted;
  }
}

function toParameterValue(value: unknown, type: SecurityEventParameterType): AnyValue {
  switch (type) {
    case 'int':
      if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
      if (
        typeof value === 'bigint' &&
        value <= BigInt(Number.MAX_SAFE_INTEGER) &&
        value >= BigInt(Number.MIN_SAFE_INTEGER)
      ) {
        return Number(value);
      }
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
      // Not an integer: kept as a string rather than lost.
      return toStringValue(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : toStringValue(value);
    case 'string[]': {
      if (!Array.isArray(value)) return [toStringValue(value)];
      const items = (value as unknown[])
        .slice(0, MAX_ARRAY_LENGTH)
        .map((item) => toStringValue(item));
      if (value.length > MAX_ARRAY_LENGTH)
        items.push(`…[${value.length - MAX_ARRAY_LENGTH} more items]`);
      return items;
    }
    case 'string':
      return toStringValue(value);
  }
}

/**
 * Adds every catalogued parameter present in `fields` under its attribute key, in catalogue order.
 * `fields` is a {@link snapshotFields} copy: its keys say which parameters to read.
 */
export function addParameters(
  attributes: Attributes,
  fields: Readonly<Record<string, unknown>>,
): void {
  // A prototype other than Object.prototype means a `__proto__` field replaced it: the catalogue
  // scan then reads inherited parameters exactly as before.
  if (PARAMETERS.length > 60 || Object.getPrototypeOf(fields) !== Object.prototype) {
    for (let index = 0; index < PARAMETERS.length; index += 1)
      addParameter(attributes, fields, index);
    return;
  }
  // Which parameters are present, as two 30-bit masks (no allocation); for-in also sees
  // enumerable inherited names, as the lookups of the catalogue scan did.
  let low = 0;
  let high = 0;
  for (const key in fields) {
    const index = PARAMETER_INDEX.get(key);
    if (index === undefined) continue;
    if (index < 30) low |= 1 << index;
    else high |= 1 << (index - 30);
  }
  for (let index = 0; low !== 0 && index < 30; index += 1) {
    if ((low & (1 << index)) === 0) continue;
    low &= ~(1 << index);
    addParameter(attributes, fields, index);
  }
  for (let index = 30; high !== 0 && index < PARAMETERS.length; index += 1) {
    if ((high & (1 << (index - 30))) === 0) continue;
    high &= ~(1 << (index - 30));
    addParameter(attributes, fields, index);
  }
}

function addParameter(
  attributes: Attributes,
  fields: Readonly<Record<string, unknown>>,
  index: number,
): void {
  const [name, attribute, type] = PARAMETERS[index] as (typeof PARAMETERS)[number];
  let value: unknown;
  try {
    value = fields[name];
  } catch {
    value = '[unserializable]';
  }
  if (value === undefined || value === null) return;
  try {
    attributes[attribute] = toParameterValue(value, type);
  } catch {
    attributes[attribute] = '[unserializable]';
  }
}

/** A body from a caller's message: strings kept (truncated), anything else converted to a string. */
export function toBody(message: unknown): string {
  return typeof message === 'string' ? truncateString(message) : toStringValue(message);
}

const MAX_STACK_LENGTH = 4 * MAX_STRING_LENGTH;

function readString(source: object, key: string, max: number): string | undefined {
  try {
    const value = (source as Record<string, unknown>)[key];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? truncateString(value, max) : toStringValue(value);
  } catch {
    return '[unserializable]';
  }
}

/**
 * A safe stand-in for the caller's error, for the record's `exception` field (a fresh Error
 * holding copies of name, message, stack and code, so hostile getters cannot throw inside the SDK)
 * and the `error.type` it implies: its `code` if any, else its `name`; `_OTHER` for non-errors.
 */
function toException(error: unknown): { exception: unknown; errorType: string } {
  let isErrorLike = false;
  try {
    isErrorLike =
      error instanceof Error ||
      (typeof error === 'object' &&
        error !== null &&
        typeof (error as { message?: unknown }).message === 'string' &&
        typeof (error as { stack?: unknown }).stack === 'string');
  } catch {
    isErrorLike = false;
  }
  if (!isErrorLike) return { exception: toStringValue(error), errorType: '_OTHER' };
  const source = error as object;
  const name = readString(source, 'name', 256) ?? 'Error';
  const message = readString(source, 'message', MAX_STRING_LENGTH) ?? '';
  const stack = readString(source, 'stack', MAX_STACK_LENGTH);
  let code: string | undefined;
  try {
    const raw = (source as { code?: unknown }).code;
    if (typeof raw === 'string' || typeof raw === 'number') code = truncateString(String(raw), 256);
  } catch {
    code = undefined;
  }
  const copy = new Error(message);
  copy.name = name;
  if (stack === undefined) delete copy.stack;
  else copy.stack = stack;
  if (code !== undefined) (copy as Error & { code?: string }).code = code;
  return { exception: copy, errorType: code ?? name };
}

/** Sets `exception` on the record and `error.type` (unless the caller set one) from `error`. */
export function applyError(
  record: { exception?: unknown },
  attributes: Attributes,
  error: unknown,
): void {
  const { exception, errorType } = toException(error);
  record.exception = exception;
  if (attributes[ATTR_ERROR_TYPE] === undefined) attributes[ATTR_ERROR_TYPE] = errorType;
}
