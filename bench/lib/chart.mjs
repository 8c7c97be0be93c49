// docs/benchmarks.svg: records/s and CPU µs per record of every contender as horizontal bars, with
// each row's ratios against pino + redact, pino + redact + pino-roll and the bare SDK, and those
// three as reference lines. A plain SVG string, no dependency: people compare loggers by looking.
import { BASELINES, baselineRatios } from './baselines.mjs';
import { si } from './stats.mjs';

const ROW_H = 24;
const BAR_H = 15;
const LABEL_W = 170;
const PANEL_GAP = 30;
const RATE_BAR_W = 260;
const RATE_TEXT_W = 210;
const CPU_BAR_W = 200;
const CPU_TEXT_W = 190;
const TOP = 104;
const COLORS = { seclog: '#1f6feb', baseline: '#3d4451', other: '#9aa1ab', grid: '#e3e6ea' };
const REF_DASH = ['2 2', '6 3', '1 4'];

/** Text safe inside an SVG element or attribute. */
export function escapeXml(s) {
  return String(s).replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

const num = (v) => (Math.round(v * 10) / 10).toString();

function text(x, y, s, attrs = '') {
  return `<text x="${num(x)}" y="${num(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(s)}</text>`;
}

/** Axis ticks from 0 past `max`: at most 6, a step of 1, 2 or 5 times a power of ten. */
function ticks(max) {
  if (!(max > 0)) return [0, 1];
  const p = 10 ** Math.floor(Math.log10(max / 5));
  const step = [1, 2, 5, 10].map((m) => m * p).find((v) => max / v <= 5);
  const out = [];
  for (let v = 0; v < max + step; v += step) out.push(v);
  return out;
}

// A white outline under a value, so a reference line crossing it does not hide it.
const HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3"';

const ratioText = (r) =>
  BASELINES.map(({ key }) => (r[key] === undefined ? '—' : r[key].toFixed(2))).join(' | ');

/**
 * One panel: a title, grid lines, a bar per measured row with its value and ratios, and the
 * baselines as dashed reference lines.
 */
function panel({ x0, barW, title, rows, metric, format, ratios, refs }) {
  const out = [];
  const measured = rows.filter((r) => !r.skipped);
  const axis = ticks(Math.max(...measured.map((r) => r[metric]), 0));
  const max = axis[axis.length - 1];
  const scale = (v) => (v / max) * barW;
  const bottom = TOP + rows.length * ROW_H;
  out.push(text(x0, TOP - 66, title, 'font-weight="bold"'));
  for (const v of axis) {
    const x = x0 + scale(v);
    out.push(
      `<line x1="${num(x)}" y1="${TOP - 4}" x2="${num(x)}" y2="${bottom}" stroke="${COLORS.grid}"/>`,
      text(x, bottom + 14, format(v), 'text-anchor="middle" fill="#555"'),
    );
  }
  refs.forEach((ref, k) => {
    const row = measured.find((r) => r.id === ref.id);
    if (!row) return;
    const x = x0 + scale(row[metric]);
    out.push(
      `<line x1="${num(x)}" y1="${TOP - 44 + k * 12}" x2="${num(x)}" y2="${bottom}" stroke="#222" stroke-dasharray="${REF_DASH[k]}"/>`,
      text(x + 3, TOP - 46 + k * 12, ref.short, 'fill="#222" font-size="10"'),
    );
  });
  rows.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    if (r.skipped) {
      out.push(text(x0 + 4, y + BAR_H - 3, 'skipped', 'fill="#a33"'));
      return;
    }
    const w = Math.max(1, scale(r[metric]));
    const fill = r.seclog
      ? COLORS.seclog
      : BASELINES.some((b) => b.id === r.id || (b.key === 'otelSdk' && r.id === 'otel-sdk-otel3'))
        ? COLORS.baseline
        : COLORS.other;
    out.push(
      `<rect x="${x0}" y="${y}" width="${num(w)}" height="${BAR_H}" fill="${fill}"` +
        `${r.line === '3' ? ' fill-opacity="0.6" stroke="' + fill + '"' : ''}/>`,
      text(
        x0 + w + 4,
        y + BAR_H - 3,
        `${format(r[metric])}  (${ratioText(ratios.get(r.id)[metric])})`,
        HALO,
      ),
    );
  });
  return out.join('\n');
}

/**
 * The chart as an SVG document: one row per contender (skipped ones say so), records/s on the
 * left and CPU µs per record on the right, each value followed by its ratios against the
 * baselines of lib/baselines.mjs.
 * @param {{ machine: Record<string, any>, opts: Record<string, any>, rows: readonly Record<string, any>[] }} report
 */
export function renderChart(report) {
  const { machine, opts, rows } = report;
  const ratios = new Map(baselineRatios(rows).map((r) => [r.id, r]));
  const rateX = LABEL_W;
  const cpuX = rateX + RATE_BAR_W + RATE_TEXT_W + PANEL_GAP;
  const width = cpuX + CPU_BAR_W + CPU_TEXT_W;
  const bottom = TOP + rows.length * ROW_H;
  const height = bottom + 64;
  const refs = BASELINES;
  const body = [
    text(
      8,
      18,
      `seclog bench: ${opts.records} records x ${opts.rounds} round(s), medians; ${machine.nproc} cores, ${machine.cpu}, Node ${machine.node}` +
        (rows.some((r) => r.line === '3') ? ' (3.x rows: Node 22)' : ''),
      'font-weight="bold"',
    ),
    ...rows.map((r, i) =>
      text(LABEL_W - 8, TOP + i * ROW_H + BAR_H - 3, r.id, 'text-anchor="end"'),
    ),
    panel({
      x0: rateX,
      barW: RATE_BAR_W,
      title: 'records/s (higher is better)',
      rows,
      metric: 'recPerSec',
      format: si,
      ratios,
      refs,
    }),
    panel({
      x0: cpuX,
      barW: CPU_BAR_W,
      title: 'CPU µs per record, all threads (lower is better)',
      rows,
      metric: 'cpuUsPerRec',
      format: (v) => (v >= 10 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)),
      ratios,
      refs,
    }),
    text(
      8,
      bottom + 36,
      '(a | b | c) after each value: that value ÷ pino + redact | ÷ pino + redact + pino-roll | ÷ the bare OTel SDK of the same line.',
      'fill="#333"',
    ),
    text(
      8,
      bottom + 52,
      'Blue: seclog. Dark: the baselines. Pale bars with an outline: the OTel JS 3.x line (Node 22, sdk-logs 3.x). Dashed lines: the baselines.',
      'fill="#333"',
    ),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">
<title>seclog benchmarks: records/s and CPU µs per record of every contender</title>
<rect width="100%" height="100%" fill="#fff"/>
${body.join('\n')}
</svg>
`;
}
