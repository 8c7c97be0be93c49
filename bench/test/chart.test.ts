// The chart and the baseline ratios of the bench report, from made-up rows (nothing is measured).
import { describe, expect, it } from 'vitest';

interface Row {
  id: string;
  seclog?: boolean;
  line?: '3';
  skipped?: string;
  recPerSec?: number;
  cpuUsPerRec?: number;
}

interface Ratios {
  id: string;
  recPerSec: Record<'pinoRedact' | 'pinoRedactRoll' | 'otelSdk', number | undefined>;
  cpuUsPerRec: Record<'pinoRedact' | 'pinoRedactRoll' | 'otelSdk', number | undefined>;
}

// Computed specifiers: the harness is plain .mjs, which the TypeScript project does not compile.
const load = (file: string) => import(/* @vite-ignore */ new URL(file, import.meta.url).href);
const { baselineRatios } = (await load('../lib/baselines.mjs')) as {
  baselineRatios: (rows: readonly Row[]) => Ratios[];
};
const { renderChart, escapeXml } = (await load('../lib/chart.mjs')) as {
  renderChart: (report: { machine: object; opts: object; rows: readonly Row[] }) => string;
  escapeXml: (s: string) => string;
};

const rows: Row[] = [
  { id: 'seclog-full', seclog: true, recPerSec: 100_000, cpuUsPerRec: 12 },
  { id: 'seclog-full-otel3', seclog: true, line: '3', recPerSec: 90_000, cpuUsPerRec: 15 },
  { id: 'otel-sdk', recPerSec: 200_000, cpuUsPerRec: 6 },
  { id: 'otel-sdk-otel3', line: '3', recPerSec: 180_000, cpuUsPerRec: 5 },
  { id: 'pino-redact', recPerSec: 125_000, cpuUsPerRec: 8 },
  { id: 'pino-redact-roll', recPerSec: 250_000, cpuUsPerRec: 4 },
  { id: 'winston-otel', skipped: 'Cannot find module' },
];
const report = {
  machine: { nproc: 2, cpu: 'Test CPU', node: 'v20.0.0' },
  opts: { records: 1000, rounds: 1 },
  rows,
};

describe('baselineRatios', () => {
  const byId = new Map(baselineRatios(rows).map((r) => [r.id, r]));

  it('divides each measured row by pino + redact, pino + redact + pino-roll and the bare SDK', () => {
    expect(byId.get('seclog-full')).toEqual({
      id: 'seclog-full',
      recPerSec: { pinoRedact: 0.8, pinoRedactRoll: 0.4, otelSdk: 0.5 },
      cpuUsPerRec: { pinoRedact: 1.5, pinoRedactRoll: 3, otelSdk: 2 },
    });
  });

  it('compares a 3.x-line row with the bare SDK of the 3.x line', () => {
    expect(byId.get('seclog-full-otel3')?.recPerSec.otelSdk).toBe(0.5);
    expect(byId.get('seclog-full-otel3')?.cpuUsPerRec.otelSdk).toBe(3);
  });

  it('leaves skipped rows out and a ratio undefined when its baseline did not run', () => {
    expect(byId.has('winston-otel')).toBe(false);
    const [only] = baselineRatios([{ id: 'seclog-full', recPerSec: 1, cpuUsPerRec: 1 }]);
    expect(only?.recPerSec).toEqual({
      pinoRedact: undefined,
      pinoRedactRoll: undefined,
      otelSdk: undefined,
    });
  });
});

describe('renderChart', () => {
  const svg = renderChart(report);

  it('is one SVG document with a bar per measured row in each of its two panels', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // The background, then 6 measured rows x 2 panels.
    expect(svg.match(/<rect /g)).toHaveLength(1 + 6 * 2);
    expect(svg).toContain('records/s (higher is better)');
    expect(svg).toContain('CPU µs per record, all threads (lower is better)');
  });

  it('labels every row and writes each value with its ratios against the baselines', () => {
    for (const r of rows) expect(svg).toContain(`>${r.id}</text>`);
    expect(svg).toContain('>100k  (0.80 | 0.40 | 0.50)</text>');
    expect(svg).toContain('>12  (1.50 | 3.00 | 2.00)</text>');
  });

  it('says a skipped row was skipped instead of drawing a bar for it', () => {
    expect(svg.match(/>skipped<\/text>/g)).toHaveLength(2);
  });

  it('draws the three baselines as reference lines in each panel', () => {
    expect(svg.match(/stroke-dasharray=/g)).toHaveLength(3 * 2);
    expect(svg).toContain('>pino+redact+roll</text>');
  });

  it('escapes text, so a contender id cannot break the document', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;');
    const odd = renderChart({ ...report, rows: [{ id: '<x&y>', recPerSec: 1, cpuUsPerRec: 1 }] });
    expect(odd).toContain('>&lt;x&amp;y&gt;</text>');
    expect(odd).not.toContain('<x&y>');
  });
});
