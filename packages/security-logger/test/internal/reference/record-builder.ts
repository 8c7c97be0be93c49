// addExtraAttributes and addParameters as they stood before their fast paths (verbatim), kept as
// the oracle the property tests compare the optimised builders against. Test-only.
import { SECURITY_EVENT_PARAMETERS } from '@seclog/semconv';
import type { SecurityEventParameterType } from '@seclog/semconv';
import type { Attributes } from '../../../src/internal/record-builder.js';
import { reportError, warn } from '../../../src/internal/record-builder.js';
import type { AnyValue } from '../../../src/types.js';
import {
  MAX_ARRAY_LENGTH,
  MAX_OBJECT_KEYS,
  toAnyValue,
  toStringValue,
  truncateString,
} from './to-any-value.js';

const PARAMETERS: readonly (readonly [string, string, SecurityEventParameterType])[] =
  Object.entries(SECURITY_EVENT_PARAMETERS).map(
    ([name, p]) => [name, p.attribute, p.type] as const,
  );

const ATTRIBUTE_KEY = /^[\x21-\x7e]{1,255}$/;

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
  for (const key of keys.slice(0, MAX_OBJECT_KEYS)) {
    if (!ATTRIBUTE_KEY.test(key)) {
      warn(`invalid attribute key ${JSON.stringify(truncateString(key, 64))} dropped`);
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

/** Adds every catalogued parameter present in `fields` under its attribute key. */
export function addParameters(
  attributes: Attributes,
  fields: Readonly<Record<string, unknown>>,
): void {
  for (const [name, attribute, type] of PARAMETERS) {
    let value: unknown;
    try {
      value = fields[name];
    } catch {
      value = '[unserializable]';
    }
    if (value === undefined || value === null) continue;
    try {
      attributes[attribute] = toParameterValue(value, type);
    } catch {
      attributes[attribute] = '[unserializable]';
    }
  }
}
