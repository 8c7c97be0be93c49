// Every row against the three rows people compare a logger with: pino + redact, pino + redact
// through pino-roll (what a pino user runs for rotation) and the bare OTel SDK (the floor of
// anything built on the SDK; a 3.x-line row is compared with the bare SDK of the same line).
import { markdownTable } from './stats.mjs';

/** The baselines, in the order the table and the chart show them. */
export const BASELINES = [
  { key: 'pinoRedact', id: 'pino-redact', short: 'pino+redact' },
  { key: 'pinoRedactRoll', id: 'pino-redact-roll', short: 'pino+redact+roll' },
  { key: 'otelSdk', id: 'otel-sdk', short: 'bare SDK' },
];

/** The bare-SDK row a row is compared with: the one of its own OpenTelemetry line. */
function sdkFor(row) {
  return row.line === '3' ? 'otel-sdk-otel3' : 'otel-sdk';
}

/**
 * For each measured row, `{ id, recPerSec: { pinoRedact, pinoRedactRoll, otelSdk }, cpuUsPerRec:
 * { … } }`: the row's value divided by the baseline's (undefined where either is missing).
 * rec/s above 1 is faster than the baseline; CPU µs/rec above 1 costs more.
 * @param {readonly Record<string, any>[]} rows
 */
export function baselineRatios(rows) {
  const byId = new Map(rows.filter((r) => !r.skipped).map((r) => [r.id, r]));
  const ratio = (row, base, metric) => {
    const b = byId.get(base);
    const v = b ? row[metric] / b[metric] : Number.NaN;
    return Number.isFinite(v) ? v : undefined;
  };
  return rows
    .filter((r) => !r.skipped)
    .map((row) => {
      const out = { id: row.id, recPerSec: {}, cpuUsPerRec: {} };
      for (const { key, id } of BASELINES) {
        const base = key === 'otelSdk' ? sdkFor(row) : id;
        out.recPerSec[key] = ratio(row, base, 'recPerSec');
        out.cpuUsPerRec[key] = ratio(row, base, 'cpuUsPerRec');
      }
      return out;
    });
}

/** `1.234` → `1.23x`; '—' when undefined. */
function times(v) {
  return v === undefined ? '—' : `${v.toFixed(2)}x`;
}

const BASELINE_TITLES = {
  pinoRedact: '÷ pino + redact',
  pinoRedactRoll: '÷ pino + redact + pino-roll',
  otelSdk: '÷ bare SDK (same line)',
};

/** Every row's rec/s and CPU µs/rec against the baselines (lib/baselines.mjs). */
export function baselineTable(rows) {
  const columns = [
    { title: 'contender', key: 'id', align: 'left' },
    ...BASELINES.map(({ key }) => ({ title: `rec/s ${BASELINE_TITLES[key]}`, key: `rate_${key}` })),
    ...BASELINES.map(({ key }) => ({
      title: `CPU/rec ${BASELINE_TITLES[key]}`,
      key: `cpu_${key}`,
    })),
  ];
  const body = baselineRatios(rows).map((r) => {
    const row = { id: r.id };
    for (const { key } of BASELINES) {
      row[`rate_${key}`] = times(r.recPerSec[key]);
      row[`cpu_${key}`] = times(r.cpuUsPerRec[key]);
    }
    return row;
  });
  return markdownTable(columns, body);
}
