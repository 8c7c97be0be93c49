// Names of everything the exporter keeps in its directory, per writer slot, and their parsing.

/** Valid `baseName`: no path separators, no leading dot, so names never leave the directory. */
export const BASE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type FileKind = 'data' | 'gz' | 'seal' | 'torn';

/** Stem shared by a slot's files: `seclog` for slot 0, `seclog-w1` for slot 1, ... */
function slotStem(baseName: string, slot: number): string {
  return slot === 0 ? baseName : `${baseName}-w${slot}`;
}

export function dataName(baseName: string, slot: number, index: number): string {
  return `${slotStem(baseName, slot)}-${String(index).padStart(6, '0')}.ndjson`;
}

export function sealName(baseName: string, slot: number, index: number): string {
  return `${slotStem(baseName, slot)}-${String(index).padStart(6, '0')}.seal`;
}

export function tornName(baseName: string, slot: number, index: number): string {
  return `${slotStem(baseName, slot)}-${String(index).padStart(6, '0')}.torn`;
}

export function pointerName(baseName: string, slot: number): string {
  return `${slotStem(baseName, slot)}.current`;
}

export function lockName(baseName: string, slot: number): string {
  return `${slotStem(baseName, slot)}.lock`;
}

/** The slot's signed head: where its chain stood after the last acknowledged batch. */
export function headName(baseName: string, slot: number): string {
  return `${slotStem(baseName, slot)}.head`;
}

/** The slot's epoch checkpoints in forward-secure mode: one signed line per run of ended epochs. */
export function epochsName(baseName: string, slot: number): string {
  return `${slotStem(baseName, slot)}.epochs`;
}

export function retentionName(baseName: string, slot: number): string {
  return `${slotStem(baseName, slot)}.retention`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** A parsed file name of a slot's indexed file. */
export interface ParsedName {
  slot: number;
  index: number;
  kind: FileKind;
}

/**
 * Parses the names {@link dataName}, {@link sealName}, {@link tornName} (and `.gz`) produce. Slot
 * numbers no exporter writes (up to 20 digits) parse too, so verify reports them as planted.
 */
export function nameParser(baseName: string): (name: string) => ParsedName | undefined {
  const re = new RegExp(
    `^${escapeRegExp(baseName)}(?:-w(\\d{1,20}))?-(\\d{6,12})\\.(ndjson|ndjson\\.gz|seal|torn)$`,
  );
  return (name) => {
    const m = re.exec(name);
    if (m === null) return undefined;
    const ext = m[3];
    const kind: FileKind =
      ext === 'ndjson' ? 'data' : ext === 'ndjson.gz' ? 'gz' : ext === 'seal' ? 'seal' : 'torn';
    return { slot: m[1] === undefined ? 0 : Number(m[1]), index: Number(m[2]), kind };
  };
}
