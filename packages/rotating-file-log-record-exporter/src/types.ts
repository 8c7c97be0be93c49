// Public types of @seclog/rotating-file-log-record-exporter: constructor options, statistics and
// the result of verifying a log directory.

/** A counter as created by an OpenTelemetry `Meter` (structural, so no dev-only type leaks). */
export interface CounterLike {
  add(value: number, attributes?: Record<string, string>): void;
}

/** The part of an OpenTelemetry `Meter` the exporter uses for its self-metrics. */
export interface MeterLike {
  createCounter(name: string, options?: { description?: string; unit?: string }): CounterLike;
}

/**
 * The part of an OpenTelemetry `MeterProvider` the exporter uses. Any `MeterProvider` from
 * `@opentelemetry/api` or `@opentelemetry/sdk-metrics` fits.
 */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): MeterLike;
}

/** Output line format. */
export type FileFormat = 'otlp-json' | 'ecs-json';

/** When the exporter calls `fdatasync` on the active file. */
export type FsyncPolicy = 'batch' | 'none';

/** Why records were not written; the key of {@link RotatingFileExporterStats.dropped}. */
export type DropReason =
  | 'disk_full'
  | 'permission_denied'
  | 'directory_missing'
  | 'unsafe_path'
  | 'io_error'
  | 'queue_full'
  | 'shutdown'
  | 'serialization';

/**
 * Options of {@link RotatingFileLogRecordExporter}. Validated in the constructor; a bad value
 * throws a `TypeError` naming the option.
 */
export interface RotatingFileLogRecordExporterOptions {
  /** Directory holding the files. Created (with `dirMode`) when missing. Required. */
  directory: string;
  /**
   * File name prefix: letters, digits, `.`, `_`, `-`; must start with a letter or digit, at most
   * 64 characters. It can never name a path outside `directory`. Default `'seclog'`.
   */
  baseName?: string;
  /** Size at which the active file is sealed and a new one started. Default 64 MiB, minimum 4096. */
  maxFileBytes?: number;
  /**
   * `otlp-json` only: consecutive records of a batch that share resource and scope are written as
   * one line (one `ExportLogsServiceRequest` with several `logRecords`) of at most this many bytes
   * (newline included; capped by `maxFileBytes`); a record that alone is larger gets its own line.
   * Default 256 KiB, well under the Collector `otlp_json_file` receiver's 1 MiB `max_log_size`.
   * `1` writes one record per line (format v1).
   */
  maxLineBytes?: number;
  /**
   * Time-based rotation: the active file is sealed when the wall clock crosses a multiple of this
   * many milliseconds since the Unix epoch (UTC boundaries, so `3_600_000` rotates on the hour).
   * Minimum 1000. Default: no time rotation.
   */
  rotateIntervalMs?: number;
  /** Keep at most this many data files per writer slot (the active file counts). Default: no limit. */
  maxFiles?: number;
  /** Delete closed files whose last record is older than this. Default: no limit. */
  maxAgeMs?: number;
  /** Keep the on-disk size of a writer slot's data files under this. Default: no limit. */
  maxTotalBytes?: number;
  /** Gzip closed files in the background (`.ndjson.gz`). Default `false`. */
  compress?: boolean;
  /**
   * `'batch'` (default): every exported batch is `fdatasync`ed before the export callback reports
   * SUCCESS, so an acknowledged record survives `kill -9` and power loss. `'none'`: the callback
   * fires once the kernel has the bytes (they survive `kill -9`, not power loss); `forceFlush()`
   * and rotation still sync.
   */
  fsync?: FsyncPolicy;
  /** `'otlp-json'` (default): one OTLP/JSON `ExportLogsServiceRequest` per line. `'ecs-json'`: flat ECS-named JSON. */
  format?: FileFormat;
  /**
   * Secret for HMAC-SHA256 signatures on seals and retention records. Without it the chain only
   * detects edits by someone who cannot recompute SHA-256 over the whole rest of the chain;
   * SECURITY: keep the key outside the log directory and outside the reach of the writing user
   * if you need evidence against an intruder with that user's rights. At least 16 bytes.
   */
  hmacKey?: string | Uint8Array;
  /** Identifies `hmacKey` in seals so keys can rotate. Required with `hmacKey`. `[A-Za-z0-9._-]{1,64}`. */
  keyId?: string;
  /**
   * Forward-secure sealing (T2, docs/file-format.md): the directory `seclog keys init` created,
   * holding one state file per writer slot. Seals, heads and retention records are signed with
   * the current epoch's key, every ended epoch is checkpointed in `<stem>.epochs`, and the key
   * then evolves and the old one is erased. Verify with the printed verification key. Not with
   * `hmacKey`. Keep this directory out of backups and snapshots.
   */
  sealingStateDir?: string;
  /** Mode of created files. Default `0o600`. */
  fileMode?: number;
  /** Mode of the created directory. Default `0o700`. */
  dirMode?: number;
  /** Where to report self-metrics (`seclog.file_exporter.*` counters). Optional. */
  meterProvider?: MeterProviderLike;
  /**
   * Records accepted but not yet written above which `export()` fails fast with reason
   * `queue_full` instead of buffering more. Default 100000.
   */
  maxQueuedRecords?: number;
  /** Upper bound on how long `forceFlush()` and `shutdown()` wait for pending writes. Default 30000. */
  flushTimeoutMillis?: number;
  /**
   * Render and chain the lines on a worker thread, so building them and their SHA-256 run beside
   * the event loop: each exported OTLP/JSON batch of 64 records or more is handed over at once
   * as compact JSON (ECS batches of that size are hashed there; smaller batches stay here). The
   * files, rotation and every write and `fdatasync` stay on the calling thread, so durability and
   * error reporting are the same either way, and the bytes written are identical; if the worker
   * fails, the calling thread does the work from then on.
   *
   * Default `false`. The hand-over costs CPU of its own (~5 µs per record in all), so on 1–2 cores
   * the calling thread does the whole job faster and with less memory (bench/NOTES.md: 2 cores,
   * ~83k vs ~79k rec/s, ~14 vs ~20 CPU µs per record, 258 vs 326 MB peak RSS). Turn it on where
   * spare cores are and the event loop's time matters more than total CPU: the calling thread then
   * spends ~1.5 µs per record on the file instead of ~6.
   */
  worker?: boolean;
  /**
   * Write the hash chain (`seclog.chain.seq` / `seclog.chain.hash` on every line, hashes in the
   * seals). Default `true`. With `false` each line is a plain OTLP/JSON `ExportLogsServiceRequest`
   * (or ECS object) without the chain attributes, nothing is hashed, and each closed file's seal
   * says `"chained": false`; rotation, retention, fsync, locking and recovery are unchanged.
   *
   * SECURITY: unchained files are NOT tamper-evident: an edited, removed or inserted line cannot
   * be detected. `verifyDirectory` (and `seclog verify`) report such files as `unchained` unless
   * told to allow them. Turn the chain off only where the files are protected some other way.
   */
  hashChain?: boolean;
  /**
   * Receives a {@link ChainAnchor} (where the slot's chain stands) to keep off the host: at every
   * seal (rotation and shutdown), and at most `anchorIntervalMs` after a record was written that
   * the last anchor does not cover. `@seclog/node` emits each as a `seclog.chain.anchor` record
   * through every export path; `seclog verify --anchors` checks a directory against them, which is
   * what catches a rollback. An anchor is only ever due after a record that is not itself an
   * anchor (`eventName` `seclog.chain.anchor`), so anchors written to these files never cause
   * more. Called on the exporter's write path: keep it short, never throw (a throw is reported).
   * Not called with `hashChain: false`, nor on the exit path (`exportSync`).
   */
  onAnchor?: (anchor: ChainAnchor) => void;
  /** Longest time a written record waits for an anchor. Default 60000 (60 s), minimum 1000. */
  anchorIntervalMs?: number;
  /**
   * Hears of every break the start on a directory finds in this writer slot (OWASP AppSensor IE6,
   * violation of security log integrity): a torn line set aside after a crash, a closed file that
   * had no seal, records cut below the signed head, a head or seal with a bad signature, a missing
   * head with a key. `@seclog/node` emits each as a `seclog.log.integrity_violation` event.
   * Never throw (a throw is reported).
   */
  onIntegrityViolation?: (violation: IntegrityViolation) => void;
}

/**
 * Where a writer slot's chain stood, to be kept off the host (see `onAnchor`). `hmac` is
 * HMAC-SHA256 under `hmacKey` of this object's JSON without `hmac`, keys in the order shown.
 */
export interface ChainAnchor {
  v: 1;
  slot: number;
  /** Index of the data file holding record `seq`. */
  index: number;
  /** Sequence number and chain hash of the last record the anchor covers. */
  seq: number;
  hash: string;
  /** When the anchor was taken (ISO 8601). */
  at: string;
  /** Forward-secure mode: the epoch whose key signed the anchor. */
  epoch?: number;
  keyId?: string;
  hmac?: string;
}

/** Kinds of {@link IntegrityViolation}. */
export type IntegrityViolationKind =
  'torn-line' | 'missing-seal' | 'missing-head' | 'truncated' | 'bad-signature' | 'oversized-file';

/** A break found when the exporter started on its directory (see `onIntegrityViolation`). */
export interface IntegrityViolation {
  kind: IntegrityViolationKind;
  /**
   * `INFO` for a torn line (what a crash leaves); `WARN` for a missing seal or head (a crash or an
   * upgrade can explain them, an intruder can cause them); `CRITICAL` for a cut or a bad signature
   * (no crash causes them), or for a data file larger than the writer could have made it or with
   * a hole in it (`oversized-file`: its tail was left unread and writing went on in a new file).
   */
  level: 'INFO' | 'WARN' | 'CRITICAL';
  /** The file concerned, inside the directory. */
  file: string;
  slot: number;
  /** What was found, for people. */
  detail: string;
}

/** Counters kept by the exporter since construction. */
export interface RotatingFileExporterStats {
  /** Records written (and synced when `fsync` is `'batch'`). */
  recordsWritten: number;
  /** Bytes written to data files. */
  bytesWritten: number;
  /** Files sealed because of size, time or shutdown. */
  rotations: number;
  /** Closed files gzipped. */
  filesCompressed: number;
  /** Files deleted by retention. */
  filesDeleted: number;
  /** Records not written, by reason. */
  dropped: Readonly<Partial<Record<DropReason, number>>>;
  /** Torn trailing lines set aside on start-up. */
  tornLinesSetAside: number;
  /**
   * Attributes of `ecs-json` lines named like a core field (`@timestamp`, `message`, ...) and
   * written under `seclog.collision.<name>` instead.
   */
  ecsFieldCollisions: number;
  /** Name of the active file, when one is open. */
  currentFile: string | undefined;
  /** Writer slot held by this exporter, once started. */
  slot: number | undefined;
  /**
   * Records other than anchors were written since the last anchor (`onAnchor` set): what
   * {@link RotatingFileLogRecordExporter.anchor} or, at exit, `anchorSync` would hand over.
   */
  anchorDue: boolean;
}

/** Kinds of break {@link verifyDirectory} reports. */
export type VerifyIssueKind =
  | 'unparsable-line'
  | 'hash-mismatch'
  | 'line-missing'
  | 'line-out-of-order'
  | 'missing-file'
  | 'missing-seal'
  | 'seal-mismatch'
  | 'truncated'
  | 'bad-signature'
  | 'unsigned'
  | 'torn-line'
  | 'stale'
  | 'unchained'
  | 'missing-head'
  | 'missing-slot'
  | 'no-files'
  | 'unsigned-state'
  | 'missing-epoch'
  | 'planted-file'
  | 'oversized-file'
  | 'anchor-missing'
  | 'anchor-mismatch';

/** One finding of {@link verifyDirectory}. */
export interface VerifyIssue {
  kind: VerifyIssueKind;
  /** File name inside the directory. */
  file: string;
  /** 1-based line number in the (uncompressed) file, when the break is on a line. */
  line?: number;
  /** 1-based record number within that line, when the break is on one record of it. */
  record?: number;
  message: string;
  /**
   * For `anchor-missing` / `anchor-mismatch` (where `file`/`line` name the anchor in the anchors
   * file): the local file and line that holds, or last held, the anchored position.
   */
  local?: { file: string; line?: number };
}

/** Options of {@link verifyDirectory}. */
export interface VerifyOptions {
  /** File name prefix used by the exporter. Default `'seclog'`. */
  baseName?: string;
  /** When given, every seal and retention record must carry a valid HMAC under this key. */
  hmacKey?: string | Uint8Array;
  /**
   * Forward-secure mode: the verification key `seclog keys init` printed
   * (`seclog-vk1:<epochMs>:<startMs>:<64 hex>`). Every seal, head and retention record must carry
   * a valid HMAC under its epoch's key, and each slot's checkpoints must cover every epoch
   * without a gap and match the chain. Not with `hmacKey`.
   */
  verificationKey?: string;
  /** When given, fail with kind `'stale'` if the newest record is older than this many ms. */
  maxAgeMs?: number;
  /** "Now" for the `maxAgeMs` check. Default `Date.now()`. */
  now?: number;
  /**
   * Accept files written with `hashChain: false`: they are listed in `notes` and only their
   * structure is checked (every line parses, count and size match the seal). Default `false`:
   * each such file is an issue of kind `'unchained'`, since it is not tamper-evident.
   */
  allowUnchained?: boolean;
  /**
   * Longest line checked, in bytes. A longer line is an `'unparsable-line'` issue and is never held
   * in memory, so verification stays bounded. Default 8 MiB.
   */
  maxLineBytes?: number;
  /** Stops verification: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Result of {@link verifyDirectory}. */
export interface VerifyResult {
  /** True when no issue other than notes was found. */
  ok: boolean;
  /** Breaks, in file order; the first is the earliest break found. */
  issues: VerifyIssue[];
  /** Things that are not breaks, e.g. a torn line set aside after a crash. */
  notes: string[];
  /** Files checked (data files present on disk). */
  filesChecked: number;
  /** Record lines checked. */
  recordsChecked: number;
  /** Newest record time (ms since epoch) found, if any. */
  newestRecordMs: number | undefined;
}

/** Result of {@link verifyAnchors}. */
export interface VerifyAnchorsResult {
  /** True when every anchor was found intact (or is in files retention deleted). */
  ok: boolean;
  /** `anchor-missing`, `anchor-mismatch`, and with a key `bad-signature` / `unsigned`, in anchor order. */
  issues: VerifyIssue[];
  notes: string[];
  /** Distinct anchors read from the anchors file. */
  anchorsChecked: number;
}
