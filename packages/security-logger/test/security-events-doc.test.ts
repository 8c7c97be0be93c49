// Checks that docs/security-events.md shows every vocabulary event and parameter as users call them.
import { readFileSync } from 'node:fs';
import { SECURITY_EVENT_PARAMETERS, SECURITY_EVENTS } from '@seclog/semconv';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../docs/security-events.md', import.meta.url), 'utf8');

// Table rows as trimmed cells (prettier pads them).
const rows = doc
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );

describe('docs/security-events.md', () => {
  it.each(SECURITY_EVENTS.map((e) => [e.eventName, e] as const))('lists %s', (eventName, event) => {
    const row = rows.find((cells) => cells[1] === `\`${eventName}\``);
    expect(row, eventName).toBeDefined();
    const [method, , level, parameters, , ecs, ocsf] = row ?? [];
    expect(method).toBe(`\`${event.group}.${event.method}\``);
    expect(level?.startsWith(event.level)).toBe(true);
    expect(parameters).toBe(event.parameters.map((p) => `\`${p}\``).join(', '));
    expect(ecs).toBe(
      [
        event.ecs.kind,
        event.ecs.category.join(', '),
        event.ecs.type.join(', '),
        event.ecs.outcome,
      ].join(' / '),
    );
    expect(ocsf).toContain(`(${event.ocsf.typeUid})`);
  });

  it('lists every parameter with its attribute', () => {
    for (const [name, { attribute }] of Object.entries(SECURITY_EVENT_PARAMETERS)) {
      const row = rows.find((cells) => cells[0] === `\`${name}\``);
      expect(row?.[1], name).toBe(`\`${attribute}\``);
    }
  });
});
