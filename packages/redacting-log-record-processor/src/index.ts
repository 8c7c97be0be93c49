// @seclog/redacting-log-record-processor: LogRecordProcessor that masks, removes or keyed-hashes secrets and personal data before export
export {};
