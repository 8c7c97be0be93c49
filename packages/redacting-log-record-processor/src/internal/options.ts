// Validates RedactingLogRecordProcessorOptions at construction (clear errors naming the option) and
// resolves them into the engine's configuration. Patterns are compiled as RegExp data, never as code.
import type {
  RedactingLogRecordProcessorOptions,
  RedactionAction,
  RedactionClass,
  RedactionRuleOptions,
} from '../types.js';
import { PREFIX_RULES } from './builtin-rules.js';
import { TEXT_RULES } from './text-rules.js';

const PKG = '@seclog/redacting-log-record-processor';

/** Ids of the key-name rules (key-classifier.ts), one per redaction class. */
const KEY_RULE_IDS = [
  'key-credential',
  'key-payment',
  'key-government-id',
  'key-email',
  'key-phone',
  'key-user-id',
  'key-session-id',
  'key-ip',
] as const;

/** Every built-in rule id, in documentation order. */
export const BUILTIN_RULE_IDS: readonly string[] = [
  ...PREFIX_RULES.map((r) => r.id),
  ...TEXT_RULES.map((r) => r.id),
  ...KEY_RULE_IDS,
];

const CLASSES: readonly RedactionClass[] = [
  'credential',
  'payment',
  'government-id',
  'email',
  'phone',
  'user-id',
  'session-id',
  'ip',
];

const ALLOWED_ACTIONS: Readonly<Record<RedactionClass, readonly RedactionAction[]>> = {
  credential: ['placeholder', 'remove'],
  payment: ['mask', 'placeholder', 'remove'],
  'government-id': ['placeholder', 'remove'],
  email: ['hmac', 'mask', 'placeholder', 'remove'],
  phone: ['hmac', 'placeholder', 'remove'],
  'user-id': ['hmac', 'keep', 'placeholder', 'remove'],
  'session-id': ['hmac', 'placeholder', 'remove'],
  ip: ['keep', 'hmac', 'placeholder', 'remove'],
};

const KNOWN_OPTIONS = new Set([
  'keys',
  'rules',
  'allowKeys',
  'allowValues',
  'disableRules',
  'actions',
  'hmac',
  'summary',
  'maxWorkPerRecord',
  'maxJsonLength',
  'maxDepth',
]);

/** A user rule after validation. */
export interface CompiledRule {
  readonly id: string;
  readonly re: RegExp;
  readonly keywords: readonly string[];
  readonly cls: RedactionClass;
  readonly validate: ((match: string) => boolean) | undefined;
}

/** Everything the engine needs, validated. */
export interface ResolvedOptions {
  readonly keys: readonly string[];
  readonly allowKeys: readonly string[];
  readonly rules: readonly CompiledRule[];
  readonly allowValues: readonly RegExp[];
  readonly disabled: ReadonlySet<string>;
  readonly actions: Readonly<Record<RedactionClass, RedactionAction>>;
  readonly hmac: { readonly key: string; readonly keyId: string } | undefined;
  readonly summary: 'info' | 'debug' | 'silent';
  readonly maxWork: number;
  readonly maxJsonLength: number;
  readonly maxDepth: number;
}

function fail(message: string): never {
  throw new TypeError(`${PKG}: ${message}`);
}

function stringArray(value: unknown, name: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${name} must be an array of strings`);
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0) {
      fail(`${name}[${i}] must be a non-empty string`);
    }
  });
  return value as string[];
}

/**
 * Finds a quantifier that makes a pattern unsafe for a backtracking engine: an unbounded one (`*`,
 * `+`, `{n,}`) outside character classes, or a repeating quantifier on a group that itself contains a
 * quantifier (`(a{1,9}){1,9}`), whose backtracking is bounded but combinatorial.
 */
export function findUnsafeQuantifier(source: string): string | undefined {
  let inClass = false;
  // One entry per open group: whether a quantifier occurred inside it.
  const groups: boolean[] = [];
  let lastGroupQuantified = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const closedGroupBefore = lastGroupQuantified;
    lastGroupQuantified = false;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') lastGroupQuantified = groups.pop() ?? false;
    else if (c === '*' || c === '+') return c;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 16));
      if (m === null) continue;
      if (m[2] !== undefined && m[3] === '') return m[0];
      const max = m[3] !== undefined ? Number(m[3]) : Number(m[1]);
      if (closedGroupBefore && max > 1) return `nested ${m[0]}`;
      if (groups.length > 0) groups[groups.length - 1] = true;
      i += m[0].length - 1;
    } else if (c === '?') {
      // `?` after `(` is group syntax; elsewhere it is a {0,1} quantifier (or lazy marker).
      if (source[i - 1] !== '(' && groups.length > 0) groups[groups.length - 1] = true;
    }
  }
  return undefined;
}

function compilePattern(source: unknown, flags: string, name: string): RegExp {
  if (typeof source !== 'string' || source.length === 0 || source.length > 4096) {
    fail(`${name} must be a non-empty string of at most 4096 characters`);
  }
  const unsafe = findUnsafeQuantifier(source);
  if (unsafe?.startsWith('nested') === true) {
    fail(`${name} must not repeat a group that contains a quantifier (found '${unsafe.slice(7)}')`);
  }
  if (unsafe !== undefined) {
    fail(`${name} must bound every quantifier (found '${unsafe}'; write {0,N} or {1,N})`);
  }
  try {
    return new RegExp(source, flags);
  } catch (err) {
    return fail(`${name} is not a valid regular expression: ${(err as Error).message}`);
  }
}

function positiveInt(value: unknown, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(`${name} must be an integer >= ${min}`);
  }
  return value;
}

function compileRule(rule: unknown, i: number, seen: Set<string>): CompiledRule {
  const name = `rules[${i}]`;
  if (typeof rule !== 'object' || rule === null) fail(`${name} must be an object`);
  const r = rule as Partial<RedactionRuleOptions>;
  if (typeof r.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(r.id)) {
    fail(`${name}.id must match [a-z0-9][a-z0-9-]{0,39}`);
  }
  if (seen.has(r.id)) fail(`${name}.id '${r.id}' is already used`);
  seen.add(r.id);
  const flags = r.flags ?? '';
  if (
    typeof flags !== 'string' ||
    !/^[imsu]{0,4}$/.test(flags) ||
    new Set(flags).size !== flags.length
  ) {
    fail(`${name}.flags must be distinct letters among i, m, s, u`);
  }
  const re = compilePattern(r.pattern, `g${flags}`, `${name}.pattern`);
  if (re.test('')) fail(`${name}.pattern must not match the empty string`);
  const keywords = stringArray(r.keywords, `${name}.keywords`);
  const cls = r.class ?? 'credential';
  if (!CLASSES.includes(cls)) fail(`${name}.class must be one of ${CLASSES.join(', ')}`);
  if (r.validate !== undefined && typeof r.validate !== 'function') {
    fail(`${name}.validate must be a function`);
  }
  return { id: r.id, re, keywords, cls, validate: r.validate };
}

/** Validates options eagerly and returns the resolved configuration; throws TypeError on misuse. */
export function resolveOptions(
  options: RedactingLogRecordProcessorOptions | undefined,
): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('options must be an object');
  for (const key of Object.keys(o))
    if (!KNOWN_OPTIONS.has(key))
      fail(`${key} is not an option (known: ${[...KNOWN_OPTIONS].join(', ')})`);

  const keys = stringArray(o.keys, 'keys');
  const allowKeys = stringArray(o.allowKeys, 'allowKeys');
  const allowValues = stringArray(o.allowValues, 'allowValues').map((src, i) =>
    compilePattern(`^(?:${src})$`, '', `allowValues[${i}]`),
  );
  const disabledList = stringArray(o.disableRules, 'disableRules');
  disabledList.forEach((id, i) => {
    if (!BUILTIN_RULE_IDS.includes(id))
      fail(`disableRules[${i}] '${id}' is not a built-in rule id`);
  });

  if (o.rules !== undefined && !Array.isArray(o.rules)) fail('rules must be an array');
  const seen = new Set(BUILTIN_RULE_IDS);
  const rules = (o.rules ?? []).map((rule, i) => compileRule(rule, i, seen));

  let hmac: ResolvedOptions['hmac'];
  if (o.hmac !== undefined) {
    if (typeof o.hmac !== 'object' || o.hmac === null)
      fail('hmac must be an object { key, keyId }');
    if (typeof o.hmac.key !== 'string' || o.hmac.key.length < 32) {
      fail('hmac.key must be a string of at least 32 characters');
    }
    if (typeof o.hmac.keyId !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,15}$/.test(o.hmac.keyId)) {
      fail('hmac.keyId must match [A-Za-z][A-Za-z0-9_-]{0,15}');
    }
    hmac = { key: o.hmac.key, keyId: o.hmac.keyId };
  }

  const withKey = hmac !== undefined;
  const actions: Record<RedactionClass, RedactionAction> = {
    credential: 'placeholder',
    payment: 'mask',
    'government-id': 'placeholder',
    email: withKey ? 'hmac' : 'mask',
    phone: withKey ? 'hmac' : 'placeholder',
    'user-id': withKey ? 'hmac' : 'keep',
    'session-id': withKey ? 'hmac' : 'placeholder',
    ip: 'keep',
  };
  if (o.actions !== undefined) {
    if (typeof o.actions !== 'object' || o.actions === null) fail('actions must be an object');
    for (const [cls, action] of Object.entries(o.actions)) {
      if (!CLASSES.includes(cls as RedactionClass)) {
        fail(`actions.${cls} is not a class (${CLASSES.join(', ')})`);
      }
      const allowed = ALLOWED_ACTIONS[cls as RedactionClass];
      if (!allowed.includes(action)) {
        fail(`actions.${cls} must be one of ${allowed.join(', ')}`);
      }
      if (action === 'hmac' && !withKey) fail(`actions.${cls} is 'hmac' but no hmac key is set`);
      actions[cls as RedactionClass] = action;
    }
  }

  const summary = o.summary ?? 'info';
  if (summary !== 'info' && summary !== 'debug' && summary !== 'silent') {
    fail(`summary must be 'info', 'debug' or 'silent'`);
  }

  return {
    keys,
    allowKeys,
    rules,
    allowValues,
    disabled: new Set(disabledList),
    actions,
    hmac,
    summary,
    maxWork: positiveInt(o.maxWorkPerRecord, 'maxWorkPerRecord', 1024, 4_000_000),
    maxJsonLength: positiveInt(o.maxJsonLength, 'maxJsonLength', 0, 65_536),
    maxDepth: positiveInt(o.maxDepth, 'maxDepth', 1, 32),
  };
}
