// The instruments seclog's self-telemetry creates when given a MeterProvider, and their attributes.
// Counters only: every record that enters an export path leaves it counted under one result.

/**
 * `seclog.export.records` (counter, `{record}`, meter `@seclog/node`): records leaving an export
 * path, with {@link ATTR_SECLOG_EXPORT_PATH}, {@link ATTR_SECLOG_EXPORT_RESULT} and, for
 * `dropped`, `error.type` = the drop reason (`queue_full`, `export_failed`, `export_timeout`,
 * `shutdown`, `process_exit`).
 */
export const METRIC_SECLOG_EXPORT_RECORDS = 'seclog.export.records' as const;
/** `seclog.export.path`: the export path a count is for (`file`, `otlp`, `console`, ...). */
export const ATTR_SECLOG_EXPORT_PATH = 'seclog.export.path' as const;
/** `seclog.export.result`: what became of the records: `exported`, `spilled` or `dropped`. */
export const ATTR_SECLOG_EXPORT_RESULT = 'seclog.export.result' as const;
/** Value of {@link ATTR_SECLOG_EXPORT_RESULT}: the path's exporter took the records. */
export const SECLOG_EXPORT_RESULT_VALUE_EXPORTED = 'exported' as const;
/** Value of {@link ATTR_SECLOG_EXPORT_RESULT}: the path failed and its spill exporter took them. */
export const SECLOG_EXPORT_RESULT_VALUE_SPILLED = 'spilled' as const;
/** Value of {@link ATTR_SECLOG_EXPORT_RESULT}: lost, the reason in `error.type`. */
export const SECLOG_EXPORT_RESULT_VALUE_DROPPED = 'dropped' as const;

/** `seclog.file_exporter.records` (counter, `{record}`): log records the file exporter wrote. */
export const METRIC_SECLOG_FILE_EXPORTER_RECORDS = 'seclog.file_exporter.records' as const;
/** `seclog.file_exporter.bytes` (counter, `By`): bytes the file exporter wrote. */
export const METRIC_SECLOG_FILE_EXPORTER_BYTES = 'seclog.file_exporter.bytes' as const;
/** `seclog.file_exporter.rotations` (counter, `{file}`): files the file exporter sealed and rotated. */
export const METRIC_SECLOG_FILE_EXPORTER_ROTATIONS = 'seclog.file_exporter.rotations' as const;
/** `seclog.file_exporter.dropped` (counter, `{record}`): records the file exporter did not write, with attribute `reason` (its drop reason). */
export const METRIC_SECLOG_FILE_EXPORTER_DROPPED = 'seclog.file_exporter.dropped' as const;
