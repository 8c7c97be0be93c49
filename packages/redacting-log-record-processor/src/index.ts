// @seclog/redacting-log-record-processor: LogRecordProcessor that masks, removes or keyed-hashes secrets and personal data before export
export { RedactingLogRecordProcessor } from './redacting-log-record-processor.js';
export { Redactor } from './redactor.js';
export type {
  RedactingLogRecordProcessorOptions,
  RedactionAction,
  RedactionClass,
  RedactionHmacOptions,
  RedactionRuleOptions,
} from './types.js';
