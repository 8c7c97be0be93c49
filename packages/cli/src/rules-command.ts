// `seclog rules [--sigma]`: lists the built-in detection rules, or prints them as Sigma rules (the
// base detection rules and the event_count / value_count / temporal_ordered correlations over
// them), so a SIEM applies to the fleet the logic each process applies alone.
import { createHash } from 'node:crypto';
import { BUILTIN_DETECTION_RULES } from '@seclog/detection';
import type { DetectionMatch, DetectionRule } from '@seclog/detection';
import { ATTR_OTEL_EVENT_NAME } from '@seclog/semconv';

interface CliOut {
  stdout: { write(text: string): unknown };
}

type Yaml = string | number | boolean | readonly Yaml[] | { readonly [key: string]: Yaml };

const APPSENSOR = 'https://owasp.org/www-project-appsensor/';
const LOGSOURCE = {
  product: 'seclog',
  service: 'security',
  definition: `OpenTelemetry log records from seclog; field names are OTel attribute keys; ${ATTR_OTEL_EVENT_NAME} holds the whole EventName (seclog.authn_login_fail), which the Collector's Splunk and Elasticsearch pipelines set. Do not map it to ECS event.action: that holds the name without seclog.`,
};

/** Runs `seclog rules`; `sigma` prints Sigma YAML documents instead of the table. */
export function rulesCommand(sigma: boolean, io: CliOut): number {
  if (!sigma) {
    for (const r of BUILTIN_DETECTION_RULES) {
      io.stdout.write(
        `${r.id.padEnd(44)} ${r.kind.padEnd(12)} per ${r.groupBy.join('+').padEnd(15)} >= ${String(r.threshold).padEnd(3)} in ${timespan(r.windowMillis)}\n`,
      );
    }
    return 0;
  }
  io.stdout.write(toSigma(BUILTIN_DETECTION_RULES));
  return 0;
}

/** The rules as a stream of Sigma YAML documents (base rules first, then their correlation). */
function toSigma(rules: readonly DetectionRule[]): string {
  const docs: Yaml[] = [];
  for (const rule of rules) {
    const groupBy = [...rule.groupBy];
    const span = timespan(rule.windowMillis);
    const correlation = (
      name: string,
      title: string,
      body: Record<string, Yaml>,
      level = 'critical',
      note = '',
    ): Record<string, Yaml> => ({
      title,
      id: uuidOf(name),
      name,
      status: 'experimental',
      description: `${rule.description}${note}`,
      author: 'seclog',
      references: [APPSENSOR],
      // The rules it refers to are steps, not alerts (the process alerts on the whole rule only).
      correlation: { ...body, generate: false },
      level,
    });
    if (rule.kind === 'sequence') {
      const first = `${rule.id}_first`;
      const then = `${rule.id}_then`;
      const run = `${rule.id}_run`;
      docs.push(baseRule(first, `${rule.id}: first records`, rule.first, groupBy));
      docs.push(baseRule(then, `${rule.id}: closing record`, rule.then, groupBy));
      // The run alone is no alert: in the process it only arms the `then` record.
      docs.push(
        correlation(
          run,
          `${rule.id}: run of ${rule.threshold}`,
          {
            type: 'event_count',
            rules: [first],
            'group-by': groupBy,
            timespan: span,
            condition: { gte: rule.threshold },
          },
          'informational',
        ),
      );
      docs.push(
        correlation(
          rule.id,
          rule.id,
          {
            type: 'temporal_ordered',
            rules: [run, then],
            'group-by': groupBy,
            timespan: span,
          },
          'critical',
          // What Sigma cannot say (docs/detection.md, "The Sigma rules").
          ' Unlike the process, this correlation does not end the run at a closing record that came too early, and does not hold a key back for a window after it fires.',
        ),
      );
      continue;
    }
    const base = `${rule.id}_events`;
    docs.push(baseRule(base, `${rule.id}: contributing records`, rule.match, groupBy));
    docs.push(
      correlation(rule.id, rule.id, {
        type: rule.kind,
        rules: [base],
        'group-by': groupBy,
        timespan: span,
        condition:
          rule.kind === 'value_count'
            ? { field: rule.field, gte: rule.threshold }
            : { gte: rule.threshold },
      }),
    );
  }
  return docs.map((d) => `---\n${yaml(d, 0)}`).join('');
}

/** A Sigma detection rule selecting what `match` matches, with the group-by fields present. */
function baseRule(
  name: string,
  title: string,
  match: DetectionMatch,
  groupBy: readonly string[],
): Record<string, Yaml> {
  const selection: Record<string, Yaml> = {};
  if (match.events !== undefined) selection[ATTR_OTEL_EVENT_NAME] = [...match.events];
  for (const [key, value] of Object.entries(match.where ?? {})) {
    selection[key] = Array.isArray(value) ? [...(value as Yaml[])] : value;
  }
  // The process skips a record without its key; so does the SIEM.
  for (const key of groupBy) if (!(key in selection)) selection[`${key}|exists`] = true;
  return {
    title,
    id: uuidOf(name),
    name,
    status: 'experimental',
    author: 'seclog',
    logsource: LOGSOURCE,
    detection: { selection, condition: 'selection' },
    level: 'informational',
  };
}

/** A window as a Sigma timespan: the largest of h, m, s that divides it. */
function timespan(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.ceil(ms / 1000)}s`;
}

/** A stable UUID (version 5 layout over SHA-1) per rule name, so re-imports update, not duplicate. */
function uuidOf(name: string): string {
  const h = createHash('sha1').update(`seclog:sigma:${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Block YAML; strings are JSON-quoted, which YAML reads as double-quoted scalars. */
function yaml(value: Yaml, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return (value as readonly Yaml[])
      .map((v) => (isScalar(v) ? `${pad}- ${scalar(v)}\n` : `${pad}-\n${yaml(v, indent + 2)}`))
      .join('');
  }
  return Object.entries(value as Record<string, Yaml>)
    .map(([k, v]) =>
      isScalar(v) ? `${pad}${k}: ${scalar(v)}\n` : `${pad}${k}:\n${yaml(v, indent + 2)}`,
    )
    .join('');
}

function isScalar(value: Yaml): value is string | number | boolean {
  return typeof value !== 'object';
}

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
