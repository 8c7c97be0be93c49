// What a rule groups and counts by, for the attributes an attacker varies at no cost: an IPv6
// client rotates the low 64 bits of its address per request, and a case-insensitive login takes
// `Alice`, `alice ` and `ａｌｉｃｅ` for one account. Each of those is one key here.
import { ATTR_CLIENT_ADDRESS, ATTR_USER_ID, ATTR_USER_NAME } from '@seclog/semconv';

/** How the values of an attribute are folded into keys; undefined: taken as they are. */
export type Fold = (value: string) => string;

/** The fold for attribute `key`, if it has one. */
export function foldFor(key: string): Fold | undefined {
  if (key === ATTR_CLIENT_ADDRESS) return addressKey;
  if (key === ATTR_USER_ID || key === ATTR_USER_NAME) return userKey;
  return undefined;
}

/**
 * A user name as one account: NFKC (fullwidth and compatibility forms), trimmed, lower case.
 * Printable ASCII without capitals, the usual case, is returned as it is, at the cost of a scan.
 */
function userKey(value: string): string {
  const n = value.length;
  let plain = n > 0 && value.charCodeAt(0) !== 0x20 && value.charCodeAt(n - 1) !== 0x20;
  for (let i = 0; plain && i < n; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || (c >= 0x41 && c <= 0x5a)) plain = false;
  }
  if (plain) return value;
  // Lower case can produce compatibility forms again (and NFKC capitals): fold until stable.
  const once = value.normalize('NFKC').trim().toLowerCase();
  return once.normalize('NFKC');
}

/**
 * A client address as one source: an IPv6 address by its /64 (`2001:db8:1:2::/64`, what one host
 * or home is given), an IPv4-mapped one (`::ffff:192.0.2.1`) by its IPv4 address, anything else
 * (IPv4, a host name, garbage) as it is.
 */
export function addressKey(value: string): string {
  if (!value.includes(':')) return value;
  const groups = ipv6Groups(value);
  if (groups === undefined) return value;
  const mapped =
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff;
  if (mapped) {
    const [a, b] = [groups[6] as number, groups[7] as number];
    return `${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of an IPv6 address (brackets and a zone allowed), or undefined. */
function ipv6Groups(input: string): number[] | undefined {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.length > 45) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string, last: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i += 1) {
      const piece = pieces[i] as string;
      const v4 = last && i === pieces.length - 1 ? IPV4.exec(piece) : null;
      if (v4 !== null) {
        const bytes = v4.slice(1).map(Number);
        if (bytes.some((b) => b > 255)) return undefined;
        const [a, b, c, d] = bytes as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (HEX_GROUP.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = parse(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? parse(halves[1] as string, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}
