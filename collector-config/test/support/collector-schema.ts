// The shape of schema/components-v0.159.json (the Collector component schemas our configs may use)
// and its loader.
import { readFileSync } from 'node:fs';

/** Pipeline signal types. */
export type Signal = 'logs' | 'traces' | 'metrics' | 'profiles';

/** One configuration key: its type and, for nested values, the schema of what it holds. */
export interface SchemaNode {
  readonly type: string;
  readonly required?: boolean;
  readonly keys?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly values?: SchemaNode;
  readonly enum?: readonly unknown[];
  readonly sensitive?: boolean;
  readonly note?: string;
}

/** One component type (e.g. exporter/otlp_http). */
export interface ComponentSchema {
  readonly keys: Readonly<Record<string, SchemaNode>>;
  readonly stability_logs?: string;
  readonly aliases?: readonly string[];
  readonly deprecated_keys?: readonly string[];
  readonly removed_keys?: readonly string[];
  readonly not_accepted_legacy_keys?: readonly string[];
  /** Signals a receiver, processor or exporter serves. */
  readonly signals?: readonly Signal[];
  /** Connector input -> output signal pairs. */
  readonly connects?: readonly (readonly [Signal, Signal])[];
  readonly note?: string;
}

/** The whole schema file. */
export interface CollectorSchema {
  readonly contrib_version: string;
  readonly top_level_keys: readonly string[];
  readonly service: Readonly<Record<string, SchemaNode>>;
  /** Deprecated type aliases, "<kind>/<old>" -> "<kind>/<new>". */
  readonly deprecated_aliases: Readonly<Record<string, string>>;
  /** Types that no longer exist, "<kind>/<type>" -> what to use instead. */
  readonly removed_types: Readonly<Record<string, string>>;
  /** Proposed snake_case names not confirmed in v0.159, "<kind>/<new>" -> "<kind>/<current>". */
  readonly unconfirmed_renames: Readonly<Record<string, string>>;
  readonly components: Readonly<Record<string, ComponentSchema>>;
}

/** Reads collector-config/schema/components-v0.159.json. */
export function loadCollectorSchema(): CollectorSchema {
  const url = new URL('../../schema/components-v0.159.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as CollectorSchema;
}
