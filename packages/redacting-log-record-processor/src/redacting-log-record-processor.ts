// RedactingLogRecordProcessor: masks, removes or pseudonymizes secrets and personal data in each log
// record inside onEmit, before any export processor sees it; the record itself is always kept.
import type { Context } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { resolveOptions } from './internal/options.js';
import { ERROR_PLACEHOLDER, RedactionEngine, REMOVE } from './internal/redaction-engine.js';
import type { Tally } from './internal/redaction-engine.js';
import type { RedactingLogRecordProcessorOptions } from './types.js';

// Counts of this or another redaction layer (the Collector's names); skipped so they add up. Only
// numeric counts are skipped: any other value under these names is scanned like everything else.
const SUMMARY_COUNTS = new Set([
  'redaction.masked.count',
  'redaction.redacted.count',
  'redaction.allowed.count',
  'redaction.ignored.count',
  'redaction.body.masked.count',
  'redaction.body.redacted.count',
]);
const MAX_BODY_KEYS = 32;

/**
 * A `LogRecordProcessor` that redacts each record in place during `onEmit`: attributes at any depth
 * (masked in place or deleted), the body (string or structured, replaced through `setBody`), JSON
 * inside strings, `exception.*` attributes, URLs, HTTP header attributes and a free-form
 * `severityText`. `eventName`, the severity number and timestamps are never touched and the record
 * is never dropped. Object values are replaced by copies, so what the application writes into its
 * own objects after `emit` never reaches a later exporter.
 *
 * Register it before every exporting processor: the SDK makes records read-only after the last
 * `onEmit`, and `SimpleLogRecordProcessor` exports inside its own `onEmit`.
 *
 * Options are validated in the constructor (TypeError naming the option). After construction nothing
 * throws: a failing rule or an exhausted work budget replaces the affected value with
 * `[REDACTED:error]` / `[REDACTED:budget]` and is reported through the OTel global error handler.
 */
export class RedactingLogRecordProcessor implements LogRecordProcessor {
  private readonly _engine: RedactionEngine;
  private readonly _summary: 'info' | 'debug' | 'silent';

  /** @param options see `RedactingLogRecordProcessorOptions`; `{}` (the default) uses every built-in rule. */
  constructor(options: RedactingLogRecordProcessorOptions = {}) {
    const resolved = resolveOptions(options);
    this._engine = new RedactionEngine(resolved);
    this._summary = resolved.summary;
  }

  /** Redacts the record in place; never throws. */
  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    const tally = this._engine.newTally(true);
    try {
      this._redactRecord(logRecord, tally);
    } catch (err) {
      (tally.errors ??= []).push(err);
      failClosed(logRecord);
    }
    if (tally.errors !== undefined) {
      for (const err of tally.errors) globalErrorHandler(err instanceof Error ? err : String(err));
    }
  }

  /** Nothing is buffered: resolves at once. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release: resolves at once; idempotent. Records emitted later are still redacted. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private _redactRecord(record: ReadWriteLogRecord, tally: Tally): void {
    const attrs = record.attributes as Record<string, unknown>;
    tally.cutLength = attributeValueLengthLimit(record);
    const debug = this._summary === 'debug';
    let masked = 0;
    let removed = 0;
    let maskedKeys: string[] | undefined;
    let removedKeys: string[] | undefined;
    // A configuration change of a credential setting (`sys.configChange({ setting: 'db.password',
    // from, to })`): the values are that credential, whatever their own keys say.
    const setting = attrs[CONFIG_SETTING];
    const secretSetting =
      typeof setting === 'string' && this._engine.keys.classify(setting) === 'credential';
    for (const key in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
      if (SUMMARY_COUNTS.has(key) && typeof attrs[key] === 'number') continue;
      const value = attrs[key];
      const before = tally.leaves;
      let r: unknown;
      try {
        r =
          secretSetting && CHANGED_VALUES.has(key)
            ? this._engine.redactValue(value, 'credential', tally, 0)
            : this._engine.redactEntry(key, value, tally, 0);
      } catch (err) {
        (tally.errors ??= []).push(err);
        r = ERROR_PLACEHOLDER;
      }
      if (r === value) continue;
      if (r === REMOVE) {
        // Deleting is portable; setAttribute(k, undefined) differs between the SDK lines.
        delete attrs[key];
        removed++;
        if (debug) (removedKeys ??= []).push(key);
      } else {
        attrs[key] = r;
        // A copy of an object value (nothing in it redacted) is not a masked value.
        if (tally.leaves === before && r !== ERROR_PLACEHOLDER) continue;
        masked++;
        if (debug) (maskedKeys ??= []).push(key);
      }
    }

    tally.cutLength = -1; // the SDK does not cut the body
    let bodyMasked = 0;
    const body: unknown = record.body;
    if (body !== undefined && body !== null) {
      const before = tally.leaves;
      let r: unknown;
      try {
        r = this._engine.redactValue(body, undefined, tally, 0);
      } catch (err) {
        (tally.errors ??= []).push(err);
        r = ERROR_PLACEHOLDER;
      }
      if (r !== body) {
        setBody(record, r === REMOVE ? ERROR_PLACEHOLDER : r);
        // A fresh copy with nothing redacted in it is not a masked body.
        if (tally.leaves !== before || r === ERROR_PLACEHOLDER || r === REMOVE) {
          bodyMasked = Math.max(1, tally.leaves - before);
        }
      }
    }

    // severityText is any string a plain OTel logger sets, and every exporter writes it.
    const severityText = record.severityText;
    if (typeof severityText === 'string' && severityText.length >= 6) {
      let r: unknown;
      try {
        r = this._engine.redactValue(severityText, undefined, tally, 0);
      } catch (err) {
        (tally.errors ??= []).push(err);
        r = ERROR_PLACEHOLDER;
      }
      if (r !== severityText)
        setSeverityText(record, typeof r === 'string' ? r : ERROR_PLACEHOLDER);
    }

    if (this._summary === 'silent') return;
    addCount(record, 'redaction.masked.count', masked);
    addCount(record, 'redaction.redacted.count', removed);
    addCount(record, 'redaction.body.masked.count', bodyMasked);
    if (debug) {
      addKeys(record, 'redaction.masked.keys', maskedKeys ?? []);
      addKeys(record, 'redaction.redacted.keys', removedKeys ?? []);
      if (bodyMasked > 0 && typeof body === 'object') {
        addKeys(
          record,
          'redaction.body.masked.keys',
          changedPaths(body, record.body).slice(0, MAX_BODY_KEYS),
        );
      }
    }
  }
}

/**
 * The SDK cuts attribute strings before any processor runs (both lines keep the limit on the record
 * as `_logRecordLimits`); -1 when there is none.
 */
function attributeValueLengthLimit(record: ReadWriteLogRecord): number {
  const limits = (record as { _logRecordLimits?: { attributeValueLengthLimit?: unknown } })
    ._logRecordLimits;
  const limit = limits?.attributeValueLengthLimit;
  return typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? limit : -1;
}

function setSeverityText(record: ReadWriteLogRecord, text: string): void {
  if (typeof record.setSeverityText === 'function') record.setSeverityText(text);
  else (record as { severityText?: string }).severityText = text;
}

function setBody(record: ReadWriteLogRecord, body: unknown): void {
  if (typeof record.setBody === 'function') record.setBody(body as ReadWriteLogRecord['body']);
  else (record as { body?: unknown }).body = body;
}

/** `ATTR_SECLOG_CONFIG_SETTING` and `ATTR_SECLOG_CHANGE_FROM`/`_TO` of `@seclog/semconv`. */
const CONFIG_SETTING = 'seclog.config.setting';
const CHANGED_VALUES = new Set(['seclog.change.from', 'seclog.change.to']);

/** Last resort when the walk itself failed: nothing unexamined leaves the process. */
function failClosed(record: ReadWriteLogRecord): void {
  try {
    const attrs = record.attributes as Record<string, unknown>;
    for (const key of Object.keys(attrs)) {
      if (!SUMMARY_COUNTS.has(key) && typeof attrs[key] !== 'boolean') {
        attrs[key] = ERROR_PLACEHOLDER;
      }
    }
    if (record.body !== undefined && record.body !== null) setBody(record, ERROR_PLACEHOLDER);
  } catch {
    // Nothing more can be done without throwing out of onEmit.
  }
}

function addCount(record: ReadWriteLogRecord, key: string, n: number): void {
  if (n === 0) return;
  const prev = record.attributes[key];
  record.setAttribute(key, (typeof prev === 'number' ? prev : 0) + n);
}

function addKeys(record: ReadWriteLogRecord, key: string, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const prev = record.attributes[key];
  const all = new Set(typeof prev === 'string' && prev.length > 0 ? prev.split(',') : []);
  for (const k of keys) all.add(k);
  record.setAttribute(key, [...all].sort().join(','));
}

/** Dotted paths of leaves that differ between two versions of a body (debug summary only). */
function changedPaths(before: unknown, after: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= MAX_BODY_KEYS || before === after) return out;
  if (
    typeof before === 'object' &&
    before !== null &&
    typeof after === 'object' &&
    after !== null &&
    !ArrayBuffer.isView(before)
  ) {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    for (const k of Object.keys(a)) changedPaths(a[k], b[k], path === '' ? k : `${path}.${k}`, out);
    return out;
  }
  out.push(path === '' ? '(body)' : path);
  return out;
}
