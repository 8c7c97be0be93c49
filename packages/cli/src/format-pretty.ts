// Human-readable rendering of one log line for `seclog tail` on a terminal, with every control or
// line-breaking character escaped so a logged value can never forge a line or move the cursor.

// C0/C1 controls, DEL, line/paragraph separators and bidi overrides.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Escapes control, line-breaking and bidi characters as `\u{..}`. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

type AnyValueJson = Record<string, unknown>;

function anyValueText(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  const av = v as AnyValueJson;
  if ('stringValue' in av) return String(av.stringValue);
  if ('intValue' in av) return String(av.intValue);
  if ('doubleValue' in av) return String(av.doubleValue);
  if ('boolValue' in av) return String(av.boolValue);
  if ('bytesValue' in av) return `base64:${String(av.bytesValue)}`;
  if ('arrayValue' in av) {
    const values = (av.arrayValue as { values?: unknown[] } | undefined)?.values ?? [];
    return `[${values.map(anyValueText).join(', ')}]`;
  }
  if ('kvlistValue' in av) {
    const values =
      (av.kvlistValue as { values?: { key: string; value: unknown }[] } | undefined)?.values ?? [];
    return `{${values.map((kv) => `${kv.key}=${anyValueText(kv.value)}`).join(', ')}}`;
  }
  return '';
}

function nanosToIso(ns: unknown): string {
  if (typeof ns !== 'string' || !/^\d+$/.test(ns) || ns === '0') return '-';
  const ms = Number(BigInt(ns) / 1_000_000n);
  return new Date(ms).toISOString();
}

/**
 * One line of a seclog file rendered for a terminal: time, severity, event name, body and
 * attributes (chain attributes left out). Lines that are not records come back escaped verbatim.
 */
export function formatPretty(line: string): string {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return escapeControl(line);
  }
  const parts: string[] = [];
  const req = obj as {
    resourceLogs?: {
      scopeLogs?: {
        scope?: { name?: string };
        logRecords?: {
          timeUnixNano?: string;
          observedTimeUnixNano?: string;
          severityText?: string;
          severityNumber?: number;
          eventName?: string;
          body?: unknown;
          attributes?: { key: string; value: unknown }[];
        }[];
      }[];
    }[];
  };
  const scope = req.resourceLogs?.[0]?.scopeLogs?.[0];
  const rec = scope?.logRecords?.[0];
  if (rec !== undefined) {
    parts.push(nanosToIso(rec.timeUnixNano !== '0' ? rec.timeUnixNano : rec.observedTimeUnixNano));
    parts.push(
      (
        rec.severityText ?? (rec.severityNumber !== undefined ? `SEV${rec.severityNumber}` : '-')
      ).padEnd(5),
    );
    if (scope?.scope?.name !== undefined) parts.push(`[${scope.scope.name}]`);
    if (rec.eventName !== undefined) parts.push(rec.eventName);
    if (rec.body !== undefined) parts.push(anyValueText(rec.body));
    for (const kv of rec.attributes ?? []) {
      if (kv.key.startsWith('seclog.chain.')) continue;
      parts.push(`${kv.key}=${anyValueText(kv.value)}`);
    }
  } else if (obj !== null && typeof obj === 'object') {
    const flat = obj as Record<string, unknown>;
    const str = (v: unknown, fallback: string): string =>
      v === undefined ? fallback : typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(str(flat['@timestamp'], '-'));
    parts.push(str(flat['log.level'], '-').padEnd(5));
    if (flat['event.action'] !== undefined) parts.push(str(flat['event.action'], ''));
    if (flat.message !== undefined) parts.push(str(flat.message, ''));
    for (const [k, v] of Object.entries(flat)) {
      if (
        ['@timestamp', 'log.level', 'event.action', 'message'].includes(k) ||
        k.startsWith('seclog.chain.')
      )
        continue;
      parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
  } else {
    return escapeControl(line);
  }
  return escapeControl(parts.join(' '));
}
