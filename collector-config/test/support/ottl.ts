// A tokenizer, parser and small evaluator for the subset of OTTL (OpenTelemetry Transformation
// Language) our collector configs use, so statements and conditions are checked without a Collector.

/** The OTTL contexts a logs pipeline can use, and the path roots each one may name. */
export type OttlContext = 'log' | 'scope' | 'resource';

const ROOTS_BY_CONTEXT: Readonly<Record<OttlContext, readonly string[]>> = {
  log: ['log', 'scope', 'resource'],
  scope: ['scope', 'resource'],
  resource: ['resource'],
};

/** Fields of each path root (ottllog / ottlscope / ottlresource contexts). */
const FIELDS_BY_ROOT: Readonly<Record<string, readonly string[]>> = {
  log: [
    'body',
    'attributes',
    'cache',
    'severity_number',
    'severity_text',
    'time',
    'time_unix_nano',
    'observed_time',
    'observed_time_unix_nano',
    'trace_id',
    'span_id',
    'flags',
    'event_name',
    'dropped_attributes_count',
  ],
  scope: ['name', 'version', 'attributes', 'dropped_attributes_count', 'cache'],
  resource: ['attributes', 'dropped_attributes_count', 'cache'],
};

/** Editors (statement-level functions) with their argument counts [min, max]. */
const EDITORS: Readonly<Record<string, readonly [number, number]>> = {
  set: [2, 2],
  delete_key: [2, 2],
  delete_matching_keys: [2, 2],
  keep_keys: [2, 2],
  keep_matching_keys: [2, 2],
  replace_pattern: [3, 5],
  replace_all_patterns: [4, 6],
  replace_match: [3, 4],
  replace_all_matches: [3, 4],
  merge_maps: [3, 3],
  truncate_all: [2, 2],
  limit: [3, 3],
  append: [2, 3],
  flatten: [1, 4],
  route: [0, 0],
};

/** Converters (value-returning functions, capitalised) with their argument counts [min, max]. */
const CONVERTERS: Readonly<Record<string, readonly [number, number]>> = {
  Concat: [2, 2],
  IsMatch: [2, 2],
  IsString: [1, 1],
  IsInt: [1, 1],
  IsMap: [1, 1],
  String: [1, 1],
  Int: [1, 1],
  Format: [2, 2],
  UnixMilli: [1, 1],
  ToLowerCase: [1, 1],
  ToUpperCase: [1, 1],
  Substring: [3, 3],
  Len: [1, 1],
};

const SEVERITY_ENUMS: readonly string[] = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`),
  ),
];

/** The numeric value of an OTTL log severity enum, e.g. SEVERITY_NUMBER_ERROR2 -> 18. */
export function severityEnumValue(name: string): number | undefined {
  const index = SEVERITY_ENUMS.indexOf(name);
  return index < 0 ? undefined : index;
}

/** Thrown for any lexical, syntactic or semantic OTTL error; `message` says what and where. */
export class OttlError extends Error {
  override readonly name = 'OttlError';
}

type TokenKind = 'string' | 'int' | 'float' | 'ident' | 'op' | 'punct' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value?: string | number;
  readonly pos: number;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** Splits OTTL source into tokens; string literals are unquoted with Go's escape rules. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new OttlError(`unterminated string starting at ${start}`);
        const c = source[i]!;
        if (c === '"') break;
        if (c === '\\') {
          const next = source[i + 1];
          if (next === undefined) throw new OttlError(`unterminated string starting at ${start}`);
          const simple = SIMPLE_ESCAPES[next];
          if (simple !== undefined) {
            value += simple;
            i += 2;
            continue;
          }
          const hex = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(
            source.slice(i + 1),
          );
          if (hex) {
            value += String.fromCodePoint(parseInt(hex[0].slice(1), 16));
            i += 1 + hex[0].length;
            continue;
          }
          throw new OttlError(
            `invalid escape \\${next} in string at ${i} (write \\\\${next} for a regex escape)`,
          );
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: source.slice(start, i), value, pos: start });
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      i += number[0].length;
      tokens.push({
        kind: number[1] === undefined ? 'int' : 'float',
        text: number[0],
        value: Number(number[0]),
        pos: start,
      });
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (ident) {
      i += ident[0].length;
      tokens.push({ kind: 'ident', text: ident[0], pos: start });
      continue;
    }
    const op = /^(==|!=|<=|>=|<|>|\+|-|\*|\/)/.exec(source.slice(i));
    if (op) {
      i += op[0].length;
      tokens.push({ kind: 'op', text: op[0], pos: start });
      continue;
    }
    if ('()[],.{}:'.includes(ch)) {
      i++;
      tokens.push({ kind: 'punct', text: ch, pos: start });
      continue;
    }
    throw new OttlError(`unexpected character ${JSON.stringify(ch)} at ${i}`);
  }
  tokens.push({ kind: 'eof', text: '', pos: source.length });
  return tokens;
}

/** A path such as log.attributes["user.id"]: its root, field and bracket keys. */
export interface OttlPath {
  readonly kind: 'path';
  readonly root: string;
  readonly field: string;
  readonly keys: readonly (string | number)[];
}
/** A value expression. */
export type OttlValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'nil' }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'list'; readonly items: readonly OttlValue[] }
  | OttlPath
  | OttlCall
  | {
      readonly kind: 'math';
      readonly op: string;
      readonly left: OttlValue;
      readonly right: OttlValue;
    };
/** A converter or editor call. */
export interface OttlCall {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly OttlValue[];
}
/** A boolean expression (a condition or a where-clause). */
export type OttlBool =
  | { readonly kind: 'or' | 'and'; readonly left: OttlBool; readonly right: OttlBool }
  | { readonly kind: 'not'; readonly operand: OttlBool }
  | {
      readonly kind: 'compare';
      readonly op: string;
      readonly left: OttlValue;
      readonly right: OttlValue;
    }
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'test'; readonly call: OttlCall };
/** A statement: one editor call with an optional where-clause. */
export interface OttlStatement {
  readonly editor: OttlCall;
  readonly where?: OttlBool;
}

const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const BOOL_CONVERTERS = new Set(['IsMatch', 'IsString', 'IsInt', 'IsMap']);

class Parser {
  private _i = 0;
  constructor(
    private readonly _tokens: Token[],
    private readonly _context: OttlContext | undefined,
  ) {}

  private get _peek(): Token {
    return this._tokens[this._i]!;
  }

  private _next(): Token {
    const token = this._peek;
    if (token.kind !== 'eof') this._i++;
    return token;
  }

  private _is(text: string): boolean {
    const t = this._peek;
    return (t.kind === 'punct' || t.kind === 'op' || t.kind === 'ident') && t.text === text;
  }

  private _expect(text: string): void {
    if (!this._is(text)) {
      throw new OttlError(
        `expected ${JSON.stringify(text)} at ${this._peek.pos}, found ${this._describe()}`,
      );
    }
    this._next();
  }

  private _describe(): string {
    return this._peek.kind === 'eof' ? 'end of input' : JSON.stringify(this._peek.text);
  }

  end(): void {
    if (this._peek.kind !== 'eof')
      throw new OttlError(`unexpected ${this._describe()} at ${this._peek.pos}`);
  }

  statement(): OttlStatement {
    const name = this._peek;
    if (name.kind !== 'ident' || !/^[a-z]/.test(name.text)) {
      throw new OttlError(
        `a statement must start with an editor such as set(...), found ${this._describe()}`,
      );
    }
    if (EDITORS[name.text] === undefined) {
      const converter = CONVERTERS[name.text.charAt(0).toUpperCase() + name.text.slice(1)];
      throw new OttlError(
        `unknown editor ${name.text}${converter ? ' (converters are capitalised and cannot stand alone)' : ''}`,
      );
    }
    this._next();
    const editor = this._callRest(name.text, EDITORS[name.text]!);
    if (this._is('where')) {
      this._next();
      return { editor, where: this.boolExpr() };
    }
    return { editor };
  }

  boolExpr(): OttlBool {
    let left = this._boolTerm();
    while (this._is('or')) {
      this._next();
      left = { kind: 'or', left, right: this._boolTerm() };
    }
    return left;
  }

  private _boolTerm(): OttlBool {
    let left = this._boolFactor();
    while (this._is('and')) {
      this._next();
      left = { kind: 'and', left, right: this._boolFactor() };
    }
    return left;
  }

  private _boolFactor(): OttlBool {
    if (this._is('not')) {
      this._next();
      return { kind: 'not', operand: this._boolFactor() };
    }
    if (this._is('(')) {
      const saved = this._i;
      try {
        this._next();
        const inner = this.boolExpr();
        this._expect(')');
        if (!COMPARE_OPS.has(this._peek.text)) return inner;
      } catch (error) {
        if (!(error instanceof OttlError)) throw error;
      }
      this._i = saved;
    }
    const left = this._value();
    if (this._peek.kind === 'op' && COMPARE_OPS.has(this._peek.text)) {
      const op = this._next().text;
      return { kind: 'compare', op, left, right: this._value() };
    }
    if (left.kind === 'bool') return { kind: 'const', value: left.value };
    if (left.kind === 'call' && BOOL_CONVERTERS.has(left.name)) return { kind: 'test', call: left };
    throw new OttlError(`expected a comparison or a boolean converter at ${this._peek.pos}`);
  }

  private _value(): OttlValue {
    let left = this._mathTerm();
    while (this._peek.kind === 'op' && (this._peek.text === '+' || this._peek.text === '-')) {
      const op = this._next().text;
      left = { kind: 'math', op, left, right: this._mathTerm() };
    }
    return left;
  }

  private _mathTerm(): OttlValue {
    let left = this._primary();
    while (this._peek.kind === 'op' && (this._peek.text === '*' || this._peek.text === '/')) {
      const op = this._next().text;
      left = { kind: 'math', op, left, right: this._primary() };
    }
    return left;
  }

  private _primary(): OttlValue {
    const token = this._peek;
    if (token.kind === 'string') {
      this._next();
      return { kind: 'string', value: token.value as string };
    }
    if (token.kind === 'int' || token.kind === 'float') {
      this._next();
      return { kind: 'number', value: token.value as number };
    }
    if (token.kind === 'op' && token.text === '-') {
      this._next();
      const operand = this._primary();
      if (operand.kind !== 'number')
        throw new OttlError(`expected a number after "-" at ${token.pos}`);
      return { kind: 'number', value: -operand.value };
    }
    if (this._is('[')) {
      this._next();
      const items: OttlValue[] = [];
      while (!this._is(']')) {
        items.push(this._value());
        if (!this._is(',')) break;
        this._next();
      }
      this._expect(']');
      return { kind: 'list', items };
    }
    if (this._is('(')) {
      this._next();
      const inner = this._value();
      this._expect(')');
      return inner;
    }
    if (token.kind !== 'ident')
      throw new OttlError(`unexpected ${this._describe()} at ${token.pos}`);
    this._next();
    if (token.text === 'true' || token.text === 'false')
      return { kind: 'bool', value: token.text === 'true' };
    if (token.text === 'nil') return { kind: 'nil' };
    if (this._is('(')) {
      const arity = CONVERTERS[token.text];
      if (arity === undefined) {
        throw new OttlError(
          EDITORS[token.text] === undefined
            ? `unknown converter ${token.text}`
            : `editor ${token.text} cannot be used as a value`,
        );
      }
      return this._callRest(token.text, arity);
    }
    if (/^[A-Z][A-Z0-9_]*$/.test(token.text)) {
      if (severityEnumValue(token.text) === undefined)
        throw new OttlError(`unknown enum ${token.text}`);
      return { kind: 'enum', name: token.text };
    }
    return this._pathRest(token);
  }

  private _callRest(name: string, [min, max]: readonly [number, number]): OttlCall {
    this._expect('(');
    const args: OttlValue[] = [];
    while (!this._is(')')) {
      args.push(this._value());
      if (!this._is(',')) break;
      this._next();
    }
    this._expect(')');
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      throw new OttlError(`${name} takes ${expected} arguments, got ${args.length}`);
    }
    checkArgumentKinds(name, args);
    return { kind: 'call', name, args };
  }

  private _pathRest(first: Token): OttlPath {
    const root = first.text;
    const allowedRoots = this._context
      ? ROOTS_BY_CONTEXT[this._context]
      : ['log', 'scope', 'resource'];
    if (FIELDS_BY_ROOT[root] === undefined) {
      throw new OttlError(`path ${root} needs a context prefix (log., scope. or resource.)`);
    }
    if (!allowedRoots.includes(root)) {
      throw new OttlError(
        `path root ${root} is not available in the ${this._context ?? 'log'} context`,
      );
    }
    this._expect('.');
    const field = this._next();
    if (field.kind !== 'ident' || !FIELDS_BY_ROOT[root].includes(field.text)) {
      throw new OttlError(`unknown path ${root}.${field.text}`);
    }
    const keys: (string | number)[] = [];
    while (this._is('[')) {
      this._next();
      const key = this._next();
      if (key.kind !== 'string' && key.kind !== 'int') {
        throw new OttlError(`a path key must be a string or an integer, at ${key.pos}`);
      }
      keys.push(key.value!);
      this._expect(']');
    }
    if (
      ['attributes', 'cache'].includes(field.text) === false &&
      keys.length > 0 &&
      field.text !== 'body'
    ) {
      throw new OttlError(`${root}.${field.text} takes no keys`);
    }
    return { kind: 'path', root, field: field.text, keys };
  }
}

/** Editors whose first argument is the path they change. */
const TARGET_EDITORS = new Set([
  'set', 'delete_key', 'delete_matching_keys', 'keep_keys', 'keep_matching_keys', 'replace_pattern',
  'replace_all_patterns', 'replace_match', 'replace_all_matches', 'merge_maps', 'truncate_all',
  'limit', 'append', 'flatten',
]); // prettier-ignore

/** Functions whose argument at this index is a regex given as a string literal. */
const REGEX_ARGUMENT: Readonly<Record<string, number>> = {
  IsMatch: 1,
  replace_pattern: 1,
  replace_all_patterns: 2,
  delete_matching_keys: 1,
  keep_matching_keys: 1,
};

function checkArgumentKinds(name: string, args: readonly OttlValue[]): void {
  if (TARGET_EDITORS.has(name) && args[0]?.kind !== 'path') {
    throw new OttlError(`the first argument of ${name} must be a path it can change`);
  }
  const regexIndex = REGEX_ARGUMENT[name];
  if (regexIndex === undefined) return;
  const pattern = args[regexIndex];
  if (pattern?.kind !== 'string')
    throw new OttlError(`${name} needs its pattern as a string literal`);
  if (/\(\?[=!<]/.test(pattern.value) || /\\[1-9]/.test(pattern.value)) {
    throw new OttlError(
      `${name} pattern ${JSON.stringify(pattern.value)}: RE2 has no look-around or back-references`,
    );
  }
  try {
    re2ToRegExp(pattern.value);
  } catch (error) {
    throw new OttlError(
      `${name} pattern ${JSON.stringify(pattern.value)} is not a valid regex: ${(error as Error).message}`,
    );
  }
  if (
    name === 'replace_all_patterns' &&
    !(args[1]?.kind === 'string' && ['key', 'value'].includes(args[1].value))
  ) {
    throw new OttlError('replace_all_patterns mode must be "key" or "value"');
  }
}

/** Parses one OTTL statement (editor call plus optional where-clause); throws OttlError. */
export function parseStatement(source: string, context?: OttlContext): OttlStatement {
  const parser = new Parser(tokenize(source), context);
  const statement = parser.statement();
  parser.end();
  return statement;
}

/** Parses one OTTL condition (a boolean expression); throws OttlError. */
export function parseCondition(source: string, context?: OttlContext): OttlBool {
  const parser = new Parser(tokenize(source), context);
  const condition = parser.boolExpr();
  parser.end();
  return condition;
}

/** Every path read by a value, condition or statement, in source order. */
export function pathsIn(node: OttlValue | OttlBool | OttlStatement): OttlPath[] {
  const out: OttlPath[] = [];
  const visit = (n: OttlValue | OttlBool | OttlStatement): void => {
    if ('editor' in n) {
      visit(n.editor);
      if (n.where) visit(n.where);
      return;
    }
    switch (n.kind) {
      case 'path':
        out.push(n);
        break;
      case 'call':
        n.args.forEach(visit);
        break;
      case 'list':
        n.items.forEach(visit);
        break;
      case 'math':
      case 'compare':
      case 'or':
      case 'and':
        visit(n.left);
        visit(n.right);
        break;
      case 'not':
        visit(n.operand);
        break;
      case 'test':
        visit(n.call);
        break;
      default:
        break;
    }
  };
  visit(node);
  return out;
}

/** Every (IsMatch pattern | == literal) a condition tests log.event_name against. */
export function eventNameTests(
  node: OttlBool | OttlStatement,
): { kind: 'regex' | 'equals'; value: string }[] {
  const out: { kind: 'regex' | 'equals'; value: string }[] = [];
  const isEventName = (v: OttlValue): boolean =>
    v.kind === 'path' && v.root === 'log' && v.field === 'event_name';
  const visitValue = (v: OttlValue): void => {
    if (v.kind === 'call') {
      const [target, pattern] = v.args;
      if (v.name === 'IsMatch' && target && isEventName(target) && pattern?.kind === 'string') {
        out.push({ kind: 'regex', value: pattern.value });
      }
      v.args.forEach(visitValue);
    }
  };
  const visit = (n: OttlBool): void => {
    switch (n.kind) {
      case 'or':
      case 'and':
        visit(n.left);
        visit(n.right);
        break;
      case 'not':
        visit(n.operand);
        break;
      case 'test':
        visitValue(n.call);
        break;
      case 'compare':
        for (const [a, b] of [
          [n.left, n.right],
          [n.right, n.left],
        ] as const) {
          if (isEventName(a) && b.kind === 'string') out.push({ kind: 'equals', value: b.value });
        }
        visitValue(n.left);
        visitValue(n.right);
        break;
      default:
        break;
    }
  };
  if ('editor' in node) {
    visitValue(node.editor);
    if (node.where) visit(node.where);
  } else {
    visit(node);
  }
  return out;
}

/** Translates an RE2 pattern of the subset we use into a JavaScript RegExp. */
export function re2ToRegExp(pattern: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? 'iu' : 'u');
}

/** A log record as the evaluator sees it; `executeStatements` mutates the maps in place. */
export interface OttlRecord {
  readonly eventName?: string;
  readonly severityNumber?: number;
  readonly body?: unknown;
  /** Log timestamp in nanoseconds since the epoch. */
  readonly timeUnixNano?: bigint;
  readonly attributes?: Record<string, unknown>;
  readonly resource?: Record<string, unknown>;
  readonly scope?: Record<string, unknown>;
  /** The per-record scratch map of a transform statement group. */
  readonly cache?: Record<string, unknown>;
}

/** The map a path's bracket key indexes into, or undefined for scalar fields. */
function mapOf(path: OttlPath, record: OttlRecord): Record<string, unknown> | undefined {
  if (path.field === 'cache') return record.cache;
  if (path.field !== 'attributes') return undefined;
  if (path.root === 'resource') return record.resource;
  if (path.root === 'scope') return record.scope;
  return record.attributes;
}

function evalValue(v: OttlValue, record: OttlRecord): unknown {
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return v.value;
    case 'nil':
      return undefined;
    case 'enum':
      return severityEnumValue(v.name);
    case 'list':
      return v.items.map((item) => evalValue(item, record));
    case 'path': {
      const key = v.keys[0];
      if (v.root === 'log' && v.field === 'event_name') return record.eventName;
      if (v.root === 'log' && v.field === 'severity_number') return record.severityNumber ?? 0;
      if (v.root === 'log' && v.field === 'body') return record.body;
      if (v.root === 'log' && v.field === 'time') return record.timeUnixNano;
      const map = mapOf(v, record);
      if (map !== undefined && v.keys.length === 0) return map;
      if (map !== undefined && typeof key === 'string') return map[key];
      throw new OttlError(`the evaluator does not support ${v.root}.${v.field}`);
    }
    case 'call': {
      const args = v.args.map((a) => evalValue(a, record));
      switch (v.name) {
        case 'IsMatch':
          return typeof args[0] === 'string' && re2ToRegExp(String(args[1])).test(args[0]);
        case 'IsString':
          return typeof args[0] === 'string';
        case 'UnixMilli':
          return typeof args[0] === 'bigint' ? Number(args[0] / 1_000_000n) : undefined;
        case 'Concat': {
          const [items, delimiter] = args as [unknown[], string];
          return items
            .filter((item) => item !== undefined)
            .map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
            .join(delimiter);
        }
        default:
          throw new OttlError(`the evaluator does not support ${v.name}`);
      }
    }
    case 'math':
      throw new OttlError('the evaluator does not support math expressions');
  }
}

/** Go's regexp.ReplaceAllString for our subset: every match, `$` expansions unused. */
function replaceAll(value: string, pattern: string, replacement: string): string {
  const regex = re2ToRegExp(pattern);
  return value.replace(new RegExp(regex.source, `${regex.flags}g`), () => replacement);
}

/** Runs statements in order against one record, as a transform statement group would. */
export function executeStatements(statements: readonly OttlStatement[], record: OttlRecord): void {
  for (const { editor, where } of statements) {
    if (where && !evaluateCondition(where, record)) continue;
    const [target, ...rest] = editor.args;
    const args = rest.map((a) => evalValue(a, record));
    const targetPath = target?.kind === 'path' ? target : undefined;
    const map = targetPath ? mapOf(targetPath, record) : undefined;
    const key = targetPath?.keys[0];
    switch (editor.name) {
      case 'set':
        if (map === undefined || typeof key !== 'string') {
          throw new OttlError('the evaluator can only set map entries');
        }
        // OTTL's set() ignores a nil value.
        if (args[0] !== undefined) map[key] = args[0];
        break;
      case 'replace_pattern':
        if (map !== undefined && typeof key === 'string' && typeof map[key] === 'string') {
          map[key] = replaceAll(map[key], String(args[0]), String(args[1]));
        }
        break;
      case 'replace_all_patterns': {
        const whole = target ? evalValue(target, record) : undefined;
        if (typeof whole !== 'object' || whole === null || args[0] !== 'value') {
          throw new OttlError("the evaluator supports replace_all_patterns on a map's values only");
        }
        const entries = whole as Record<string, unknown>;
        for (const [k, v] of Object.entries(entries)) {
          if (typeof v === 'string') entries[k] = replaceAll(v, String(args[1]), String(args[2]));
        }
        break;
      }
      case 'keep_keys': {
        const whole = target ? evalValue(target, record) : undefined;
        const keep = args[0] as string[];
        if (typeof whole === 'object' && whole !== null) {
          const entries = whole as Record<string, unknown>;
          for (const k of Object.keys(entries)) if (!keep.includes(k)) delete entries[k];
        }
        break;
      }
      default:
        throw new OttlError(`the evaluator does not support ${editor.name}`);
    }
  }
}

/** Evaluates a condition against a record (the subset routing conditions use). */
export function evaluateCondition(condition: OttlBool, record: OttlRecord): boolean {
  switch (condition.kind) {
    case 'or':
      return (
        evaluateCondition(condition.left, record) || evaluateCondition(condition.right, record)
      );
    case 'and':
      return (
        evaluateCondition(condition.left, record) && evaluateCondition(condition.right, record)
      );
    case 'not':
      return !evaluateCondition(condition.operand, record);
    case 'const':
      return condition.value;
    case 'test':
      return evalValue(condition.call, record) === true;
    case 'compare': {
      const left = evalValue(condition.left, record);
      const right = evalValue(condition.right, record);
      switch (condition.op) {
        case '==':
          return left === right;
        case '!=':
          return left !== right;
        default:
          if (typeof left !== 'number' || typeof right !== 'number') return false;
          if (condition.op === '<') return left < right;
          if (condition.op === '<=') return left <= right;
          if (condition.op === '>') return left > right;
          return left >= right;
      }
    }
  }
}
