// The fast rejection of plain keys is an optimization only: with it or without it, every key of the
// word lists, in every spelling, and every key of the fixtures has the same class.
import { describe, expect, it } from 'vitest';
import { BUILTIN_KEY_NAMES, KeyClassifier } from '../../src/internal/key-classifier.js';
import { KEY_FAMILIES, NOT_CREDENTIAL_KEYS } from '../fixtures/leak-shapes.js';
import { keyFixtures } from '../fixtures/secrets.js';

/** A name as code spells it: cases, separators between any two letters, words around it. */
function spellings(name: string): string[] {
  const camel = `my${name[0]!.toUpperCase()}${name.slice(1)}`;
  const spaced = [...name].join('_');
  return [
    name, name.toUpperCase(), camel, spaced, [...name].join('-').toUpperCase(), `x_${name}`,
    `${name}_value`, `${name}_type`, `${name}s`, `${name}2`, `a.${name}`, `${name}.id`,
    `http.request.header.x-${name}`, `${name.slice(0, 2)}.${name.slice(2)}`, `user[${name}]`,
  ]; // prettier-ignore
}

const PLAIN_KEYS = [
  'field_1', 'count', 'http.route', 'event.name', 'duration_ms', 'K', '\u212aey', 'ke\u200by',
  'p\u0430ssword', 'ｐａｓｓｗｏｒｄ', '', '_', '.', '0', 'a', 'spanId', 'zip', 'description',
]; // prettier-ignore

function compare(keys: readonly string[], allow: readonly string[]): void {
  const gated = new KeyClassifier(keys, allow);
  const full = new KeyClassifier(keys, allow, false);
  const names = [
    ...BUILTIN_KEY_NAMES.flatMap(spellings),
    ...keys.flatMap(spellings),
    ...allow.flatMap(spellings),
    ...KEY_FAMILIES,
    ...NOT_CREDENTIAL_KEYS,
    ...keyFixtures().map((f) => f.key),
    ...PLAIN_KEYS,
  ];
  for (const name of names) expect(gated.classify(name), name).toBe(full.classify(name));
  for (const name of names) expect(gated.classifyParam(name), name).toBe(full.classifyParam(name));
}

describe('KeyClassifier', () => {
  it('classifies every listed name in every spelling as it does without the fast rejection', () => {
    compare([], []);
  });

  it('keeps the user keys and allowKeys, down to one character, through the fast rejection', () => {
    compare(['x', 'db', 'vaultRef', 'My-Thing'], ['q', 'ok', 'publicNote']);
    expect(new KeyClassifier(['x'], []).classify('X')).toBe('credential');
    expect(new KeyClassifier([], ['publicNote']).classify('public_note')).toBe('allow');
  });
});
