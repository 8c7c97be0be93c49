// Reads and parses the collector YAML files of this package.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The collector-config directory. */
export const CONFIG_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** The YAML file names in collector-config/, sorted. */
export function configFileNames(): string[] {
  return readdirSync(CONFIG_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
}

/** The raw text of one config file. */
export function readConfigText(name: string): string {
  return readFileSync(new URL(name, new URL('../../', import.meta.url)), 'utf8');
}

/** One config file parsed strictly (duplicate keys and YAML errors throw). */
export function loadConfig(name: string): Record<string, unknown> {
  return parse(readConfigText(name), { strict: true, uniqueKeys: true }) as Record<string, unknown>;
}
