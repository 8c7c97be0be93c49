// Static checks of an OpenTelemetry Collector config against the v0.159 component schemas: what
// `otelcol validate` would reject, plus our rules (no deprecated names, OTTL syntax, seclog vocabulary).
import type { CollectorSchema, ComponentSchema, SchemaNode, Signal } from './collector-schema.js';
import {
  OttlError,
  eventNameTests,
  parseCondition,
  parseStatement,
  pathsIn,
  re2ToRegExp,
  type OttlBool,
  type OttlContext,
  type OttlStatement,
} from './ottl.js';

/** What a finding is about; tests match on it. */
export type FindingCode =
  | 'not-a-config'
  | 'unknown-top-level-key'
  | 'invalid-id'
  | 'unknown-component'
  | 'deprecated-name'
  | 'unknown-key'
  | 'deprecated-key'
  | 'wrong-type'
  | 'not-in-enum'
  | 'missing-key'
  | 'component-rule'
  | 'undefined-reference'
  | 'unused-component'
  | 'pipeline-shape'
  | 'connector-wiring'
  | 'ottl-syntax'
  | 'unknown-event-name'
  | 'unknown-attribute'
  | 'config-source'
  | 'hygiene';

/** One problem, at a dotted path inside the config. */
export interface Finding {
  readonly code: FindingCode;
  readonly path: string;
  readonly message: string;
}

/** The names seclog emits: conditions and transforms may only read these. */
export interface SeclogVocabulary {
  readonly eventNames: readonly string[];
  readonly attributeKeys: readonly string[];
  readonly resourceAttributeKeys: readonly string[];
}

/** What the checks need besides the config. */
export interface CheckContext {
  readonly schema: CollectorSchema;
  readonly vocabulary: SeclogVocabulary;
}

type Kind = 'receiver' | 'processor' | 'exporter' | 'connector' | 'extension';
const SECTIONS: readonly (readonly [string, Kind])[] = [
  ['receivers', 'receiver'],
  ['processors', 'processor'],
  ['exporters', 'exporter'],
  ['connectors', 'connector'],
  ['extensions', 'extension'],
];
const SIGNALS: readonly Signal[] = ['logs', 'traces', 'metrics', 'profiles'];
const ID_PATTERN = /^([a-z][a-z0-9_]*)(?:\/([^/\s]+))?$/;
const ENV_REF = /\$\{(env|file):[^}]+\}/;
const WHOLE_ENV_REF = /^\$\{(env|file):[^}]+\}$/;
const DURATION = /^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$|^0$/;
const SENSITIVE_KEYS = new Set([
  'token',
  'password',
  'api_key',
  'client_secret',
  'key_pem',
  'authorization',
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isMap(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(id: string): string {
  return ID_PATTERN.exec(id)?.[1] ?? id;
}

/** Runs every check on a parsed config; returns the findings (empty when the config is clean). */
export function checkCollectorConfig(config: unknown, context: CheckContext): Finding[] {
  return new ConfigChecker(context).check(config);
}

class ConfigChecker {
  private readonly _findings: Finding[] = [];

  constructor(private readonly _context: CheckContext) {}

  private _add(code: FindingCode, path: string, message: string): void {
    this._findings.push({ code, path, message });
  }

  check(config: unknown): Finding[] {
    if (!isMap(config)) {
      this._add('not-a-config', '', 'the document is not a YAML mapping');
      return this._findings;
    }
    for (const key of Object.keys(config)) {
      if (!this._context.schema.top_level_keys.includes(key)) {
        this._add('unknown-top-level-key', key, `unknown top-level key ${key}`);
      }
    }
    const defined = new Map<Kind, Map<string, Json>>();
    for (const [section, kind] of SECTIONS) {
      const components = new Map<string, Json>();
      defined.set(kind, components);
      const value = config[section];
      if (value === undefined || value === null) continue;
      if (!isMap(value)) {
        this._add('wrong-type', section, `${section} must be a mapping of component ids`);
        continue;
      }
      for (const [id, body] of Object.entries(value)) {
        components.set(id, body);
        this._checkComponent(kind, id, body, `${section}.${id}`);
      }
    }
    this._checkService(config.service, defined);
    return this._findings;
  }

  // ---- components -------------------------------------------------------------------------

  private _schemaFor(kind: Kind, id: string, path: string): ComponentSchema | undefined {
    const match = ID_PATTERN.exec(id);
    if (!match) {
      this._add(
        'invalid-id',
        path,
        `${id} is not a valid component id (<type>[/<name>], lower_snake_case type)`,
      );
      return undefined;
    }
    const key = `${kind}/${match[1]}`;
    const { schema } = this._context;
    const alias = schema.deprecated_aliases[key];
    if (alias !== undefined) {
      const current = alias.split('/')[1]!;
      this._add(
        'deprecated-name',
        path,
        `${kind} type ${match[1]} is a deprecated alias; use ${current}`,
      );
      return schema.components[alias];
    }
    const component = schema.components[key];
    if (component) return component;
    const removed = schema.removed_types[key];
    const unconfirmed = schema.unconfirmed_renames[key];
    this._add(
      'unknown-component',
      path,
      removed !== undefined
        ? `${kind} type ${match[1]} no longer exists: ${removed}`
        : unconfirmed !== undefined
          ? `${kind} type ${match[1]} is a proposed rename not confirmed in v${schema.contrib_version.replace(/^v/, '')}; use ${unconfirmed.split('/')[1]!}`
          : `unknown ${kind} type ${match[1]} (not in the v0.159 schema subset)`,
    );
    return undefined;
  }

  private _checkComponent(kind: Kind, id: string, body: Json, path: string): void {
    const schema = this._schemaFor(kind, id, path);
    if (!schema) return;
    if (body !== null && !isMap(body)) {
      this._add('wrong-type', path, `${id} must be a mapping (or empty for defaults)`);
      return;
    }
    const config = body ?? {};
    this._checkKeys(config, schema.keys, path, '', schema);
    this._checkDeprecatedKeys(config, schema, path);
    this._checkHygiene(config, path);
    const type = typeOf(id);
    const rule = COMPONENT_RULES[`${kind}/${type}`];
    rule?.(config, (message, at = '') =>
      this._add('component-rule', at ? `${path}.${at}` : path, message),
    );
    for (const queuePath of ['sending_queue']) {
      const queue = config[queuePath];
      if (isMap(queue)) this._checkQueue(queue, `${path}.${queuePath}`);
    }
    if (kind === 'processor' && type === 'transform') this._checkTransform(config, path);
    if (kind === 'processor' && type === 'filter') this._checkFilter(config, path);
    if (kind === 'connector' && type === 'routing') this._checkRoutingOttl(config, path);
    if (kind === 'processor' && type === 'redaction') this._checkRedactionPatterns(config, path);
  }

  private _checkKeys(
    value: Record<string, Json>,
    keys: Readonly<Record<string, SchemaNode>>,
    path: string,
    relative: string,
    component: ComponentSchema | undefined,
  ): void {
    for (const [key, child] of Object.entries(value)) {
      const node = keys[key];
      const childPath = `${path}.${key}`;
      const childRelative = relative ? `${relative}.${key}` : key;
      if (!node) {
        const removed =
          component?.removed_keys?.includes(childRelative) === true ||
          component?.not_accepted_legacy_keys?.includes(childRelative) === true;
        const suggestion = closest(key, Object.keys(keys));
        this._add(
          'unknown-key',
          childPath,
          removed
            ? `${childRelative} was removed from this component; the Collector rejects it as an invalid key`
            : `invalid key ${key}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
        );
        continue;
      }
      this._checkValue(child, node, childPath, childRelative, component);
    }
    for (const [key, node] of Object.entries(keys)) {
      if (node.required === true && value[key] === undefined) {
        this._add('missing-key', `${path}.${key}`, `${key} is required`);
      }
    }
  }

  private _checkValue(
    value: Json,
    node: SchemaNode,
    path: string,
    relative: string,
    component: ComponentSchema | undefined,
  ): void {
    if (typeof value === 'string' && WHOLE_ENV_REF.test(value)) return;
    const wrong = (expected: string): void =>
      this._add('wrong-type', path, `expected ${expected}, got ${JSON.stringify(value)}`);
    switch (node.type) {
      case 'string':
        if (typeof value !== 'string') return wrong('a string');
        break;
      case 'int':
        if (typeof value !== 'number' || !Number.isInteger(value)) return wrong('an integer');
        break;
      case 'float':
        if (typeof value !== 'number') return wrong('a number');
        break;
      case 'bool':
        if (typeof value !== 'boolean') return wrong('true or false');
        break;
      case 'duration':
        if (typeof value !== 'string' || !DURATION.test(value))
          return wrong('a duration such as 5s');
        break;
      case 'any':
        break;
      case 'map':
        if (!isMap(value)) return wrong('a mapping');
        if (node.values) {
          for (const [k, v] of Object.entries(value)) {
            this._checkValue(v, node.values, `${path}.${k}`, `${relative}.${k}`, component);
          }
        }
        break;
      case 'object':
        if (value === null) break;
        if (!isMap(value)) return wrong('a mapping');
        if (node.keys) this._checkKeys(value, node.keys, path, relative, component);
        break;
      case 'list':
        if (!Array.isArray(value)) return wrong('a list');
        if (node.items) {
          value.forEach((item, i) =>
            this._checkValue(item, node.items!, `${path}[${i}]`, `${relative}[]`, component),
          );
        }
        break;
      case 'object|string':
        if (typeof value === 'string') break;
        if (!isMap(value)) return wrong('a string or a mapping');
        if (node.keys) this._checkKeys(value, node.keys, path, relative, component);
        break;
      default:
        break;
    }
    if (node.enum && (typeof value === 'string' || typeof value === 'number')) {
      if (!node.enum.includes(value)) {
        this._add(
          'not-in-enum',
          path,
          `${JSON.stringify(value)} is not one of ${node.enum.map((e) => JSON.stringify(e)).join(', ')}`,
        );
      }
    }
  }

  private _checkDeprecatedKeys(
    config: Record<string, Json>,
    schema: ComponentSchema,
    path: string,
  ): void {
    for (const entry of schema.deprecated_keys ?? []) {
      const [keyPath, expected] = entry.split(': ');
      for (const [where, value] of valuesAt(config, keyPath!.split('.'))) {
        if (expected === undefined || value === expected) {
          this._add(
            'deprecated-key',
            `${path}.${where}`,
            `${keyPath!}${expected ? `: ${expected}` : ''} is deprecated`,
          );
        }
      }
    }
  }

  private _checkQueue(queue: Record<string, Json>, path: string): void {
    if (queue.wait_for_result === true && queue.storage !== undefined) {
      this._add('component-rule', path, 'wait_for_result cannot be combined with storage');
    }
    const batch = queue.batch;
    if (
      isMap(batch) &&
      typeof batch.min_size === 'number' &&
      typeof queue.queue_size === 'number'
    ) {
      const queueSizer = typeof queue.sizer === 'string' ? queue.sizer : 'requests';
      const batchSizer = typeof batch.sizer === 'string' ? batch.sizer : 'items';
      if (queueSizer === batchSizer && batch.min_size > queue.queue_size) {
        this._add(
          'component-rule',
          `${path}.batch.min_size`,
          'batch.min_size must be <= queue_size',
        );
      }
    }
    if (
      isMap(batch) &&
      typeof batch.min_size === 'number' &&
      typeof batch.max_size === 'number' &&
      batch.max_size > 0 &&
      batch.min_size > batch.max_size
    ) {
      this._add('component-rule', `${path}.batch.max_size`, 'batch.max_size must be >= min_size');
    }
  }

  private _checkHygiene(config: Record<string, Json>, path: string): void {
    walk(config, path, (value, at, key) => {
      if (typeof value === 'string') {
        for (const ref of value.matchAll(/\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
          if (
            ref[1] === undefined ||
            !/^(env:[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?|file:.+)$/.test(ref[1])
          ) {
            this._add(
              'config-source',
              at,
              `${ref[0]} is not a config source reference; write \${env:NAME} or \${env:NAME:-default}`,
            );
          }
        }
      }
      if (typeof value === 'string' && /(^|\/\/)0\.0\.0\.0(:|$)/.test(withDefaults(value))) {
        this._add('hygiene', at, 'listens on 0.0.0.0 (every interface); bind an explicit address');
      }
      if (key === 'insecure_skip_verify' && value === true) {
        this._add('hygiene', at, 'insecure_skip_verify disables certificate checks');
      }
      if (
        key !== undefined &&
        SENSITIVE_KEYS.has(key.toLowerCase()) &&
        typeof value === 'string' &&
        !ENV_REF.test(value)
      ) {
        this._add('hygiene', at, `${key} is a literal; take it from \${env:...} or \${file:...}`);
      }
      if ((key === 'log_request_body' || key === 'log_response_body') && value === true) {
        this._add('hygiene', at, `${key} logs whole payloads, secrets included`);
      }
    });
  }

  private _checkRedactionPatterns(config: Record<string, Json>, path: string): void {
    if (config.summary === 'debug') {
      this._add(
        'hygiene',
        `${path}.summary`,
        'summary: debug lists the names of redacted keys; use info',
      );
    }
    if (
      config.allow_all_keys !== true &&
      (!Array.isArray(config.allowed_keys) || config.allowed_keys.length === 0)
    ) {
      this._add(
        'component-rule',
        path,
        'with no allowed_keys and allow_all_keys false the processor deletes every attribute',
      );
    }
    for (const listKey of [
      'blocked_key_patterns',
      'blocked_values',
      'allowed_values',
      'ignored_key_patterns',
    ]) {
      const list = config[listKey];
      if (!Array.isArray(list)) continue;
      list.forEach((pattern, i) => {
        if (typeof pattern !== 'string') return;
        if (/\(\?[=!<]/.test(pattern) || /\\[1-9]/.test(pattern)) {
          this._add(
            'component-rule',
            `${path}.${listKey}[${i}]`,
            'RE2 has no look-around or back-references',
          );
          return;
        }
        try {
          re2ToRegExp(pattern);
        } catch (error) {
          this._add(
            'component-rule',
            `${path}.${listKey}[${i}]`,
            `invalid regex: ${(error as Error).message}`,
          );
        }
      });
    }
  }

  // ---- OTTL ---------------------------------------------------------------------------------

  private _parse(
    source: Json,
    path: string,
    kind: 'statement' | 'condition',
    context: OttlContext | undefined,
  ): OttlStatement | OttlBool | undefined {
    if (typeof source !== 'string') {
      this._add('wrong-type', path, `an OTTL ${kind} must be a string`);
      return undefined;
    }
    try {
      return kind === 'statement'
        ? parseStatement(source, context)
        : parseCondition(source, context);
    } catch (error) {
      if (!(error instanceof OttlError)) throw error;
      this._add('ottl-syntax', path, `${error.message} in ${JSON.stringify(source)}`);
      return undefined;
    }
  }

  private _checkTransform(config: Record<string, Json>, path: string): void {
    const written = new Set<string>();
    const groups = config.log_statements;
    if (!Array.isArray(groups)) return;
    groups.forEach((group, g) => {
      const groupPath = `${path}.log_statements[${g}]`;
      if (typeof group === 'string') {
        const parsed = this._parse(group, groupPath, 'statement', undefined);
        if (parsed && 'editor' in parsed) this._checkVocabulary(parsed, groupPath, written);
        return;
      }
      if (!isMap(group)) return;
      const context =
        typeof group.context === 'string' ? (group.context as OttlContext) : undefined;
      const conditions = Array.isArray(group.conditions) ? group.conditions : [];
      conditions.forEach((condition, i) => {
        const parsed = this._parse(
          condition,
          `${groupPath}.conditions[${i}]`,
          'condition',
          context,
        );
        if (parsed) this._checkVocabulary(parsed, `${groupPath}.conditions[${i}]`, written);
      });
      const statements = Array.isArray(group.statements) ? group.statements : [];
      statements.forEach((statement, i) => {
        const parsed = this._parse(
          statement,
          `${groupPath}.statements[${i}]`,
          'statement',
          context,
        );
        if (parsed && 'editor' in parsed) {
          if (parsed.editor.name === 'route') {
            this._add(
              'ottl-syntax',
              `${groupPath}.statements[${i}]`,
              'route() is only valid in the routing connector',
            );
          }
          this._checkVocabulary(parsed, `${groupPath}.statements[${i}]`, written);
        }
      });
    });
  }

  private _checkFilter(config: Record<string, Json>, path: string): void {
    const conditions = config.log_conditions;
    if (!Array.isArray(conditions)) return;
    conditions.forEach((item, i) => {
      const at = `${path}.log_conditions[${i}]`;
      const sources = isMap(item) && Array.isArray(item.conditions) ? item.conditions : [item];
      const context =
        isMap(item) && typeof item.context === 'string' ? (item.context as OttlContext) : undefined;
      sources.forEach((source, j) => {
        const where = sources.length === 1 && !isMap(item) ? at : `${at}.conditions[${j}]`;
        const parsed = this._parse(source, where, 'condition', context);
        if (parsed) this._checkVocabulary(parsed, where, new Set());
      });
    });
  }

  private _checkRoutingOttl(config: Record<string, Json>, path: string): void {
    const table = config.table;
    if (!Array.isArray(table)) return;
    table.forEach((route, i) => {
      if (!isMap(route)) return;
      const at = `${path}.table[${i}]`;
      const hasCondition = route.condition !== undefined;
      const hasStatement = route.statement !== undefined;
      if (hasCondition === hasStatement) {
        this._add('component-rule', at, 'a route needs exactly one of condition or statement');
      }
      const context = typeof route.context === 'string' ? route.context : undefined;
      if (context !== undefined && context !== 'log' && context !== 'resource') {
        this._add(
          'component-rule',
          `${at}.context`,
          `use context log or resource for logs, not ${context}`,
        );
      }
      const ottlContext = context === 'resource' ? 'resource' : 'log';
      if (hasCondition) {
        const parsed = this._parse(route.condition!, `${at}.condition`, 'condition', ottlContext);
        if (parsed) this._checkVocabulary(parsed, `${at}.condition`, new Set());
      }
      if (hasStatement) {
        const parsed = this._parse(route.statement!, `${at}.statement`, 'statement', ottlContext);
        if (parsed && 'editor' in parsed) {
          if (parsed.editor.name !== 'route') {
            this._add(
              'ottl-syntax',
              `${at}.statement`,
              'a routing statement must be route() with a where-clause',
            );
          }
          this._checkVocabulary(parsed, `${at}.statement`, new Set());
        }
      }
      if (!Array.isArray(route.pipelines) || route.pipelines.length === 0) {
        this._add('component-rule', `${at}.pipelines`, 'a route needs at least one pipeline');
      }
    });
  }

  /** Reads of log/resource attributes and event-name tests must name what seclog emits. */
  private _checkVocabulary(
    node: OttlStatement | OttlBool,
    path: string,
    written: Set<string>,
  ): void {
    const { vocabulary } = this._context;
    for (const p of pathsIn(node)) {
      const key = p.keys[0];
      if (p.field !== 'attributes' || typeof key !== 'string') continue;
      const isTarget = 'editor' in node && node.editor.name === 'set' && node.editor.args[0] === p;
      if (isTarget) continue;
      if (p.root === 'log' && !written.has(key) && !vocabulary.attributeKeys.includes(key)) {
        this._add(
          'unknown-attribute',
          path,
          `log attribute ${key} is not one seclog emits (@seclog/semconv EMITTED_ATTRIBUTE_KEYS)`,
        );
      }
      if (p.root === 'resource' && !vocabulary.resourceAttributeKeys.includes(key)) {
        this._add('unknown-attribute', path, `resource attribute ${key} is not one seclog sets`);
      }
    }
    for (const test of eventNameTests(node)) {
      if (test.kind === 'equals' && !vocabulary.eventNames.includes(test.value)) {
        this._add('unknown-event-name', path, `${test.value} is not a seclog event name`);
      }
      if (test.kind === 'regex') {
        let regex: RegExp | undefined;
        try {
          regex = re2ToRegExp(test.value);
        } catch (error) {
          this._add(
            'ottl-syntax',
            path,
            `invalid regex ${JSON.stringify(test.value)}: ${(error as Error).message}`,
          );
        }
        if (regex && !vocabulary.eventNames.some((name) => regex.test(name))) {
          this._add(
            'unknown-event-name',
            path,
            `${JSON.stringify(test.value)} matches no seclog event name`,
          );
        }
      }
    }
    if ('editor' in node && node.editor.name === 'set') {
      const target = node.editor.args[0];
      if (target?.kind === 'path' && target.root === 'log' && target.field === 'attributes') {
        const key = target.keys[0];
        if (typeof key === 'string') written.add(key);
      }
    }
  }

  // ---- service --------------------------------------------------------------------------------

  private _checkService(service: Json | undefined, defined: Map<Kind, Map<string, Json>>): void {
    if (!isMap(service)) {
      this._add('missing-key', 'service', 'service with pipelines is required');
      return;
    }
    this._checkKeys(service, this._context.schema.service, 'service', '', undefined);
    const extensions = defined.get('extension')!;
    const enabledExtensions = Array.isArray(service.extensions)
      ? service.extensions.filter((e) => typeof e === 'string')
      : [];
    for (const id of enabledExtensions) {
      if (!extensions.has(id))
        this._add('undefined-reference', 'service.extensions', `extension ${id} is not defined`);
    }
    for (const id of extensions.keys()) {
      if (!enabledExtensions.includes(id)) {
        this._add(
          'unused-component',
          `extensions.${id}`,
          `extension ${id} is defined but not listed in service.extensions`,
        );
      }
    }
    this._checkStorageReferences(defined, enabledExtensions);

    const pipelines = isMap(service.pipelines) ? service.pipelines : {};
    if (Object.keys(pipelines).length === 0)
      this._add('pipeline-shape', 'service.pipelines', 'no pipelines');
    const used = new Map<Kind, Set<string>>(SECTIONS.map(([, kind]) => [kind, new Set<string>()]));
    const connectorInputs = new Map<string, Set<Signal>>();
    const connectorOutputs = new Map<string, { signal: Signal; pipeline: string }[]>();

    for (const [pipelineId, pipeline] of Object.entries(pipelines)) {
      const at = `service.pipelines.${pipelineId}`;
      const signal = pipelineId.split('/')[0] as Signal;
      if (!SIGNALS.includes(signal) || !/^[a-z]+(\/[^/\s]+)?$/.test(pipelineId)) {
        this._add(
          'pipeline-shape',
          at,
          `pipeline id must be <signal>[/<name>] with signal ${SIGNALS.join('|')}`,
        );
        continue;
      }
      if (!isMap(pipeline)) continue;
      const list = (key: string): string[] =>
        Array.isArray(pipeline[key])
          ? pipeline[key].filter((x): x is string => typeof x === 'string')
          : [];
      const receivers = list('receivers');
      const processors = list('processors');
      const exporters = list('exporters');
      if (receivers.length === 0)
        this._add('pipeline-shape', at, 'a pipeline needs at least one receiver');
      if (exporters.length === 0)
        this._add('pipeline-shape', at, 'a pipeline needs at least one exporter');
      const seen = new Set<string>();
      for (const id of processors) {
        if (seen.has(id))
          this._add('pipeline-shape', `${at}.processors`, `processor ${id} is listed twice`);
        seen.add(id);
      }
      const resolve = (id: string, kinds: readonly Kind[], role: string): Kind | undefined => {
        const kind = kinds.find((k) => defined.get(k)!.has(id));
        if (!kind) {
          this._add(
            'undefined-reference',
            `${at}.${role}`,
            `${role.replace(/s$/, '')} ${id} is not defined`,
          );
          return undefined;
        }
        used.get(kind)!.add(id);
        const schema = this._lookup(kind, id);
        if (kind !== 'connector' && schema?.signals && !schema.signals.includes(signal)) {
          this._add('pipeline-shape', `${at}.${role}`, `${id} does not support ${signal}`);
        }
        return kind;
      };
      for (const id of receivers) {
        if (resolve(id, ['receiver', 'connector'], 'receivers') === 'connector') {
          const outputs = connectorOutputs.get(id) ?? [];
          outputs.push({ signal, pipeline: pipelineId });
          connectorOutputs.set(id, outputs);
        }
      }
      for (const id of processors) resolve(id, ['processor'], 'processors');
      for (const id of exporters) {
        if (resolve(id, ['exporter', 'connector'], 'exporters') === 'connector') {
          const inputs = connectorInputs.get(id) ?? new Set<Signal>();
          inputs.add(signal);
          connectorInputs.set(id, inputs);
        }
      }
    }

    for (const [section, kind] of SECTIONS) {
      if (kind === 'extension') continue;
      for (const id of defined.get(kind)!.keys()) {
        if (!used.get(kind)!.has(id)) {
          this._add(
            'unused-component',
            `${section}.${id}`,
            `${kind} ${id} is defined but used in no pipeline`,
          );
        }
      }
    }
    for (const [id, body] of defined.get('connector')!) {
      this._checkConnector(
        id,
        body,
        connectorInputs.get(id),
        connectorOutputs.get(id) ?? [],
        pipelines,
      );
    }
  }

  private _lookup(kind: Kind, id: string): ComponentSchema | undefined {
    const key = `${kind}/${typeOf(id)}`;
    const alias = this._context.schema.deprecated_aliases[key];
    return this._context.schema.components[alias ?? key];
  }

  private _checkConnector(
    id: string,
    body: Json,
    inputs: Set<Signal> | undefined,
    outputs: { signal: Signal; pipeline: string }[],
    pipelines: Record<string, Json>,
  ): void {
    const at = `connectors.${id}`;
    const schema = this._lookup('connector', id);
    if (!inputs && outputs.length === 0) return; // reported as unused
    if (!inputs) {
      this._add(
        'connector-wiring',
        at,
        `connector ${id} is used as a receiver but is no pipeline's exporter`,
      );
      return;
    }
    if (outputs.length === 0) {
      this._add(
        'connector-wiring',
        at,
        `connector ${id} is used as an exporter but is no pipeline's receiver`,
      );
      return;
    }
    const pairs = schema?.connects ?? [];
    for (const output of outputs) {
      if (
        ![...inputs].some((input) => pairs.some(([a, b]) => a === input && b === output.signal))
      ) {
        this._add(
          'connector-wiring',
          `service.pipelines.${output.pipeline}`,
          `connector ${id} cannot turn ${[...inputs].join('/')} into ${output.signal}`,
        );
      }
    }
    if (typeOf(id) === 'routing' && isMap(body)) {
      const receivingPipelines = new Set(outputs.map((o) => o.pipeline));
      const named: { where: string; pipeline: Json }[] = [];
      if (Array.isArray(body.default_pipelines)) {
        body.default_pipelines.forEach((p, i) =>
          named.push({ where: `${at}.default_pipelines[${i}]`, pipeline: p }),
        );
      }
      if (Array.isArray(body.table)) {
        body.table.forEach((route, r) => {
          if (isMap(route) && Array.isArray(route.pipelines)) {
            route.pipelines.forEach((p, i) =>
              named.push({ where: `${at}.table[${r}].pipelines[${i}]`, pipeline: p }),
            );
          }
        });
      }
      for (const { where, pipeline } of named) {
        if (typeof pipeline !== 'string' || pipelines[pipeline] === undefined) {
          this._add(
            'undefined-reference',
            where,
            `pipeline ${typeof pipeline === 'string' ? pipeline : JSON.stringify(pipeline)} is not defined`,
          );
        } else if (!receivingPipelines.has(pipeline)) {
          this._add(
            'connector-wiring',
            where,
            `pipeline ${pipeline} does not have ${id} as a receiver`,
          );
        }
      }
    }
  }

  private _checkStorageReferences(defined: Map<Kind, Map<string, Json>>, enabled: Json[]): void {
    for (const [section, kind] of SECTIONS) {
      for (const [id, body] of defined.get(kind)!) {
        walk(body, `${section}.${id}`, (value, at, key) => {
          if (key !== 'storage' || typeof value !== 'string') return;
          if (!defined.get('extension')!.has(value)) {
            this._add('undefined-reference', at, `storage extension ${value} is not defined`);
          } else if (!enabled.includes(value)) {
            this._add(
              'undefined-reference',
              at,
              `storage extension ${value} is not enabled in service.extensions`,
            );
          } else if (typeOf(value) !== 'file_storage') {
            this._add('undefined-reference', at, `${value} is not a storage extension`);
          }
        });
      }
    }
  }
}

/** Per-type rules that `Validate()` enforces beyond the key schema. */
const COMPONENT_RULES: Readonly<
  Record<
    string,
    (config: Record<string, Json>, report: (message: string, at?: string) => void) => void
  >
> = {
  'processor/memory_limiter': (c, report) => {
    if (c.limit_mib === undefined && c.limit_percentage === undefined) {
      report('memory_limiter needs limit_mib or limit_percentage');
    }
    if (
      typeof c.limit_mib === 'number' &&
      typeof c.spike_limit_mib === 'number' &&
      c.spike_limit_mib >= c.limit_mib
    ) {
      report('spike_limit_mib must be smaller than limit_mib', 'spike_limit_mib');
    }
  },
  'receiver/otlp': (c, report) => {
    if (!isMap(c.protocols) || (c.protocols.grpc === undefined && c.protocols.http === undefined)) {
      report('otlp needs protocols.grpc and/or protocols.http', 'protocols');
    }
  },
  'exporter/otlp_http': (c, report) => {
    if (c.endpoint === undefined && c.logs_endpoint === undefined)
      report('otlp_http needs endpoint or logs_endpoint');
  },
  'exporter/elasticsearch': (c, report) => {
    if (c.endpoints === undefined && c.cloudid === undefined && c.endpoint === undefined) {
      report('elasticsearch needs endpoints or cloudid');
    }
  },
  'exporter/splunk_hec': (c, report) => {
    if (c.endpoint === undefined) report('splunk_hec needs endpoint (the full HEC URL)');
  },
  'receiver/otlp_json_file': (c, report) => {
    if (c.delete_after_read === true && c.start_at !== 'beginning') {
      report('delete_after_read needs start_at: beginning', 'delete_after_read');
    }
  },
};

/** The value the Collector sees when no variable is set: each `${env:X:-d}` becomes d. */
function withDefaults(value: string): string {
  return value.replace(
    /\$\{env:[A-Za-z_][A-Za-z0-9_]*(?::-([^}]*))?\}/g,
    (_, fallback?: string) => fallback ?? '',
  );
}

/** Values at a dotted key path; `[]` segments fan out over list items. */
function valuesAt(value: Json, segments: readonly string[], prefix = ''): [string, Json][] {
  if (segments.length === 0) return [[prefix, value]];
  const [head, ...rest] = segments;
  const list = head!.endsWith('[]');
  const key = list ? head!.slice(0, -2) : head!;
  if (!isMap(value) || value[key] === undefined) return [];
  const here = prefix ? `${prefix}.${key}` : key;
  const child = value[key];
  if (list) {
    return Array.isArray(child)
      ? child.flatMap((item, i) => valuesAt(item, rest, `${here}[${i}]`))
      : [];
  }
  return valuesAt(child, rest, here);
}

function walk(
  value: Json,
  path: string,
  visit: (value: Json, path: string, key: string | undefined) => void,
  key?: string,
): void {
  visit(value, path, key);
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`, visit, key));
  else if (isMap(value))
    for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, visit, k);
}

/** The candidate within edit distance 2 of a misspelled key, if any. */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
