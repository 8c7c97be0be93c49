// The README documents every environment variable the configs read.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configFileNames, readConfigText } from './support/load-configs.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('collector-config README', () => {
  it.each(configFileNames())('documents every environment variable %s reads', (name) => {
    const variables = [...readConfigText(name).matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g)].map(
      (m) => m[1]!,
    );
    expect(variables.length).toBeGreaterThan(0);
    expect(variables.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
  });

  it('names every config file', () => {
    expect(configFileNames().filter((name) => !readme.includes(`(${name})`))).toEqual([]);
  });
});
