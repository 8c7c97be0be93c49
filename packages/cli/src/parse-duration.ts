// Parses the durations the CLI accepts (`500ms`, `30s`, `5m`, `2h`, `7d`).

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration like `5m`; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (m === null) return undefined;
  const ms = Number(m[1]) * (UNITS[m[2] as string] as number);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
