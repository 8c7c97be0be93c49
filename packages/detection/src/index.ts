// @seclog/detection: LogRecordProcessor that counts security events in sliding windows and emits an alert record when a rule's threshold is reached
export { BUILTIN_DETECTION_RULES } from './builtin-rules.js';
export { DetectionLogRecordProcessor } from './detection-log-record-processor.js';
export type {
  AlertLogger,
  AlertLogRecord,
  DetectionAlert,
  DetectionLogRecordProcessorOptions,
  DetectionMatch,
  DetectionOptions,
  DetectionRule,
  DetectionRuleOverride,
  DetectionRuleStats,
  DetectionStats,
  DetectionValue,
  EventCountRule,
  SequenceRule,
  ValueCountRule,
} from './types.js';
