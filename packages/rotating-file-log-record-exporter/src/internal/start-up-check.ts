// What the start on a directory found wrong with this writer slot (OWASP AppSensor IE6, violation
// of security log integrity): from recovery's seals, the signed head, and a cheap look at the
// newest file and seal. No full verification: that is `seclog verify`'s job.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IntegrityViolation, IntegrityViolationKind } from '../types.js';
import { dataName, headName, sealName } from './file-names.js';
import type { HeadState } from './head.js';
import type { ChainState, RecoveredFile } from './recovery.js';
import type { SignatureCheck } from './seal.js';
import { readSeal, scanDirectory } from './slot-files.js';

/** How many of the newest sealed files start-up compares with their seals (one stat each). */
const SEALED_FILES_CHECKED = 64;

const LEVEL: Record<IntegrityViolationKind, IntegrityViolation['level']> = {
  'torn-line': 'INFO',
  'missing-seal': 'WARN',
  'missing-head': 'WARN',
  truncated: 'CRITICAL',
  'bad-signature': 'CRITICAL',
  'oversized-file': 'CRITICAL',
};

/** What the check needs of the exporter's options. */
export interface StartUpCheckOptions {
  directory: string;
  baseName: string;
  /** Judges the newest seal; undefined without a key. */
  check: SignatureCheck | undefined;
}

/** The slot as start-up recovery left it (see `loadSlot`). */
export interface LoadedSlot {
  state: ChainState;
  recovered: readonly RecoveredFile[];
  head: HeadState;
}

/** The breaks start-up found in `slot`, oldest file first. */
export async function startUpCheck(
  o: StartUpCheckOptions,
  slot: number,
  loaded: LoadedSlot,
): Promise<IntegrityViolation[]> {
  const out: IntegrityViolation[] = [];
  const add = (kind: IntegrityViolationKind, file: string, detail: string): void => {
    out.push({ kind, level: LEVEL[kind], file, slot, detail });
  };
  const { state, recovered, head } = loaded;
  const newest = state.nextIndex - 1;
  const keyed = o.check !== undefined;
  const hName = headName(o.baseName, slot);
  let cut = false;
  for (const { seal, tornBytes } of recovered) {
    if (seal.index < newest) {
      add(
        'missing-seal',
        seal.file,
        `${seal.file} was closed without a seal (a crash while rotating, or a removed seal); recovery sealed it as it found it`,
      );
    }
    if (seal.oversized !== undefined) {
      const { size, allocated } = seal.oversized;
      add(
        'oversized-file',
        seal.file,
        `${seal.file} has ${size} bytes (${allocated} allocated): more than the writer could have made it, or holes it never writes (planted, no crash does this); recovery sealed the whole lines of its first ${seal.bytes} bytes, left the rest unread, and writing goes on in a new file`,
      );
    }
    if (tornBytes > 0 && seal.torn !== undefined) {
      add(
        'torn-line',
        seal.file,
        `${tornBytes} bytes after the last whole line of ${seal.file} (a write cut by a crash) were set aside in ${seal.torn.file}${seal.torn.copied === undefined ? '' : ` (only their first ${seal.torn.copied} bytes; the rest was cut)`}`,
      );
    }
    const signed = seal.signed;
    if (
      typeof signed === 'object' &&
      signed.index === seal.index &&
      (seal.lastSeq < signed.seq || (seal.lastSeq === signed.seq && seal.lastHash !== signed.hash))
    ) {
      cut = true;
      add(
        'truncated',
        seal.file,
        `${seal.file} ends at sequence ${seal.lastSeq}, but the signed head had vouched for ${signed.seq}: acknowledged records were removed (a crash cannot do this)`,
      );
    }
  }
  if (head.kind === 'bad') {
    add('bad-signature', hName, `the signed head ${head.why}`);
  } else if (head.kind === 'missing') {
    if (keyed && newest > 0)
      add(
        'missing-head',
        hName,
        `${hName} is missing although the slot has files: nothing vouches for its newest records (expected once, after an upgrade from a version without heads)`,
      );
  } else if (!cut) {
    const h = head.head;
    const file = dataName(o.baseName, slot, h.index);
    const size = await lstat(join(o.directory, file)).then(
      (st) => (st.isFile() ? st.size : undefined),
      () => undefined,
    );
    if (state.lastSeq < h.seq) {
      cut = true;
      add(
        'truncated',
        file,
        `the chain ends at sequence ${state.lastSeq}, but the signed head vouches for ${h.seq} in ${file}: acknowledged records or files were removed`,
      );
    } else if (size !== undefined && size < h.bytes) {
      cut = true;
      add(
        'truncated',
        file,
        `${file} has ${size} bytes, but the signed head vouches for ${h.bytes} bytes: it was cut`,
      );
    }
  }
  const files = (await scanDirectory(o.directory, o.baseName)).get(slot);
  const sealed = [...(files?.byIndex ?? new Map<number, { data?: string; seal?: string }>())]
    .filter(
      ([index, e]) =>
        e.data !== undefined &&
        e.seal !== undefined &&
        !recovered.some((r) => r.seal.index === index),
    )
    .sort(([a], [b]) => b - a)
    .slice(0, SEALED_FILES_CHECKED);
  for (const [index, e] of sealed.reverse()) {
    if (cut) break;
    const seal = await readSeal(o.directory, o.baseName, slot, index);
    const size = await lstat(join(o.directory, e.data as string)).then(
      (st) => st.size,
      () => undefined,
    );
    if (seal === undefined || size === undefined || size >= seal.bytes) continue;
    cut = true;
    add(
      'truncated',
      seal.file,
      `${seal.file} has ${size} bytes, but its seal vouches for ${seal.bytes} bytes: it was cut`,
    );
  }
  if (keyed && newest > 0 && !recovered.some((r) => r.seal.index === newest)) {
    const seal = await readSeal(o.directory, o.baseName, slot, newest);
    if (seal !== undefined && o.check?.(seal) !== 'ok') {
      const name = sealName(o.baseName, slot, newest);
      add('bad-signature', name, `the seal ${name} does not carry a valid HMAC under the key`);
    }
  }
  return out;
}
