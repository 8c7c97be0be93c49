// A writer started on a directory in another signing mode than the one it was written in (a
// fixed hmacKey, forward-secure epoch keys, or no key) splits the slot into parts that verify with
// different keys, and a switch to no key means nothing new is signed. Nothing breaks at start, so
// it is said once: what the slot's head was signed with (read before this writer re-signs it)
// against what this writer signs with.
import type { Head } from './head.js';
import { readHead } from './head.js';

type SigningMode = 'hmac' | 'forward-secure' | 'none';

const DESCRIBED: Record<SigningMode, string> = {
  hmac: 'with a fixed HMAC key (hmacKey)',
  'forward-secure': 'with forward-secure epoch keys (sealingStateDir)',
  none: 'without a key',
};

function modeOfHead(head: Head): SigningMode {
  if (head.epoch !== undefined) return 'forward-secure';
  return head.hmac === undefined ? 'none' : 'hmac';
}

function modeOfOptions(o: SigningModeOptions): SigningMode {
  if (o.hmacKey !== undefined) return 'hmac';
  return o.sealingStateDir === undefined ? 'none' : 'forward-secure';
}

interface SigningModeOptions {
  directory: string;
  baseName: string;
  hmacKey: string | Uint8Array | undefined;
  sealingStateDir: string | undefined;
}

/**
 * What to say of a signing-mode switch in `slot`, or undefined when the slot's head (unchecked:
 * its own signature is start-up's business) was signed as this writer signs, or is missing.
 */
export async function signingModeChange(
  o: SigningModeOptions,
  slot: number,
): Promise<string | undefined> {
  const found = await readHead(o.directory, o.baseName, slot, undefined);
  if (found.kind !== 'ok') return undefined;
  const before = modeOfHead(found.head);
  const now = modeOfOptions(o);
  if (before === now) return undefined;
  return `${o.directory} (slot ${slot}): its files so far were signed ${DESCRIBED[before]}, this writer signs ${DESCRIBED[now]}${now === 'none' ? ' (nothing it writes is signed)' : ''}; a verify with either key now reports the other part as bad-signature or unsigned. Give a new signing mode a new directory (docs/file-format.md, "Changing the signing mode")`;
}
