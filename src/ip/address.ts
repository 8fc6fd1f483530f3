/**
 * IP addresses: strict parsing, canonical formatting and ordering.
 *
 * An IPv4 value is a uint32 `number` and an IPv6 value is a 128-bit `bigint`.
 * An IPv4-mapped IPv6 address (`::ffff:0:0/96`, RFC 4291 section 2.5.5.2) is
 * the same host as its IPv4 address, so the parsers return it as family 4 and
 * it matches IPv4 ranges. No other embedding (IPv4-compatible `::a.b.c.d`,
 * NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, `::ffff:0:a.b.c.d`) is unwrapped.
 *
 * The parser is strict on purpose. Lenient parsers such as inet_aton read
 * `0127.0.0.1` as octal and `127.1` as shorthand, so an allowlist entry could
 * name a different host than the one shown to the admin.
 */

export type IpFamily = 4 | 6;

export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

export type IpParseErrorCode = 'INVALID_ADDRESS' | 'INVALID_RANGE';

/** Request field that contained the invalid text. */
export type IpInputField = 'input' | 'start' | 'end';

/** Invalid address or range text, with the offending text in `value`. */
export class IpParseError extends Error {
  readonly code: IpParseErrorCode;
  readonly value: string;
  readonly field?: IpInputField;

  constructor(code: IpParseErrorCode, message: string, value: string, field?: IpInputField, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IpParseError';
    this.code = code;
    this.value = value;
    if (field !== undefined) {
      this.field = field;
    }
  }
}

export const MAX_IPV4_VALUE = 0xffff_ffff;
export const MAX_IPV6_VALUE = (1n << 128n) - 1n;

// ---------------------------------------------------------------------------
// Scanner: allocation-free parsing for the per-request path.
// ---------------------------------------------------------------------------

/** Result of `scanAddressText` for text that is not a valid address. */
export const SCAN_INVALID = -1;

/** Result of `scanAddressText` for an IPv6 address, whose value is then in `scannedIpv6Words`. */
export const SCAN_IPV6 = -2;

/**
 * Four big-endian uint32 words of the IPv6 address found by the latest
 * `scanAddressText` call that returned `SCAN_IPV6`. The next call overwrites
 * them, so read them before scanning again.
 */
export const scannedIpv6Words = new Uint32Array(4);

const scannedGroups = new Uint16Array(8);

/**
 * Scans `text[start, end)` as one IP address without allocating.
 *
 * Returns the uint32 value of an IPv4 address (including an IPv4-mapped IPv6
 * address), `SCAN_IPV6` when the text is any other IPv6 address, or
 * `SCAN_INVALID`. When `dropZoneId` is true, a zone ID after an IPv6 address
 * (`fe80::1%eth0`) is checked and ignored. Otherwise it makes the text invalid.
 */
export function scanAddressText(text: string, start: number, end: number, dropZoneId: boolean): number {
  const ipv4 = scanIpv4(text, start, end);
  if (ipv4 >= 0) {
    return ipv4;
  }

  let addressEnd = end;
  if (dropZoneId) {
    const percent = text.indexOf('%', start);
    if (percent >= 0 && percent < end) {
      if (!isZoneId(text, percent + 1, end)) {
        return SCAN_INVALID;
      }
      addressEnd = percent;
    }
  }
  if (!scanIpv6Groups(text, start, addressEnd)) {
    return SCAN_INVALID;
  }

  const groups = scannedGroups;
  const isMapped =
    (groups[0]! | groups[1]! | groups[2]! | groups[3]! | groups[4]!) === 0 && groups[5]! === 0xffff;
  if (isMapped) {
    return groups[6]! * 0x10000 + groups[7]!;
  }

  const words = scannedIpv6Words;
  words[0] = groups[0]! * 0x10000 + groups[1]!;
  words[1] = groups[2]! * 0x10000 + groups[3]!;
  words[2] = groups[4]! * 0x10000 + groups[5]!;
  words[3] = groups[6]! * 0x10000 + groups[7]!;
  return SCAN_IPV6;
}

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_COLON = 58;

/**
 * Scans dotted-decimal IPv4 text: exactly four parts of 0-255, each without
 * leading zeros. Returns the uint32 value or -1. The digit loop is unrolled
 * because this runs on every request.
 */
function scanIpv4(text: string, start: number, end: number): number {
  let i = start;
  let value = 0;

  for (let partIndex = 0; partIndex < 4; partIndex++) {
    if (partIndex > 0) {
      if (i >= end || text.charCodeAt(i) !== CHAR_DOT) {
        return -1;
      }
      i++;
    }
    if (i >= end) {
      return -1;
    }

    let digit = text.charCodeAt(i) - CHAR_0;
    if (digit < 0 || digit > 9) {
      return -1;
    }
    let part = digit;
    i++;
    // A part that starts with "0" ends there, so a leading zero ("01") fails at the dot check.
    if (part !== 0 && i < end) {
      digit = text.charCodeAt(i) - CHAR_0;
      if (digit >= 0 && digit <= 9) {
        part = part * 10 + digit;
        i++;
        if (i < end) {
          digit = text.charCodeAt(i) - CHAR_0;
          if (digit >= 0 && digit <= 9) {
            part = part * 10 + digit;
            i++;
            if (part > 255) {
              return -1;
            }
          }
        }
      }
    }
    value = value * 256 + part;
  }

  return i === end ? value : -1;
}

/** Returns the value of a hex digit, or -1 for any other character code. */
function hexDigitValue(code: number): number {
  if (code >= CHAR_0 && code <= CHAR_9) {
    return code - CHAR_0;
  }
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) {
    return lower - 87;
  }
  return -1;
}

/**
 * Scans RFC 4291 section 2.2 IPv6 text into `scannedGroups`: eight groups of
 * 1-4 hex digits, at most one `::` standing for one or more zero groups, and
 * an optional trailing dotted IPv4 address in place of the last two groups.
 */
function scanIpv6Groups(text: string, start: number, end: number): boolean {
  const groups = scannedGroups;
  let count = 0;
  let gapAt = -1;
  let i = start;

  if (end - start < 2) {
    return false;
  }
  if (text.charCodeAt(i) === CHAR_COLON) {
    if (text.charCodeAt(i + 1) !== CHAR_COLON) {
      return false;
    }
    gapAt = 0;
    i += 2;
  }

  while (i < end) {
    if (count === 8) {
      return false;
    }

    const groupStart = i;
    let group = 0;
    let digits = 0;
    while (i < end) {
      const digit = hexDigitValue(text.charCodeAt(i));
      if (digit < 0) {
        break;
      }
      if (++digits > 4) {
        return false;
      }
      group = group * 16 + digit;
      i++;
    }

    if (i < end && text.charCodeAt(i) === CHAR_DOT) {
      // A dotted IPv4 address must end the text and fill the last two groups.
      if (count > 6) {
        return false;
      }
      const ipv4 = scanIpv4(text, groupStart, end);
      if (ipv4 < 0) {
        return false;
      }
      groups[count++] = Math.floor(ipv4 / 0x10000);
      groups[count++] = ipv4 % 0x10000;
      i = end;
      break;
    }

    if (digits === 0) {
      return false;
    }
    groups[count++] = group;
    if (i === end) {
      break;
    }

    if (text.charCodeAt(i) !== CHAR_COLON) {
      return false;
    }
    i++;
    if (i < end && text.charCodeAt(i) === CHAR_COLON) {
      if (gapAt >= 0) {
        return false;
      }
      gapAt = count;
      i++;
    } else if (i === end) {
      return false;
    }
  }

  if (gapAt < 0) {
    return count === 8;
  }
  // "::" stands for at least one zero group, so at most seven groups are written.
  if (count > 7) {
    return false;
  }
  const tailLength = count - gapAt;
  for (let k = 1; k <= tailLength; k++) {
    groups[8 - k] = groups[count - k]!;
  }
  for (let k = gapAt; k < 8 - tailLength; k++) {
    groups[k] = 0;
  }
  return true;
}

/**
 * Checks a zone ID (RFC 4007 section 11), which names or numbers a network
 * interface. The characters are limited to RFC 3986 unreserved characters,
 * which keeps separators such as `,`, `]` and whitespace out.
 */
function isZoneId(text: string, start: number, end: number): boolean {
  if (start >= end) {
    return false;
  }
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const isUnreserved =
      (code >= CHAR_0 && code <= CHAR_9) ||
      ((code | 0x20) >= 97 && (code | 0x20) <= 122) ||
      code === 45 || // -
      code === 46 || // .
      code === 95 || // _
      code === 126; // ~
    if (!isUnreserved) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Public parsing, formatting and ordering
// ---------------------------------------------------------------------------

/** Converts the result of `scanAddressText` to an address, or undefined when it is `SCAN_INVALID`. */
export function addressFromScan(result: number): IpAddress | undefined {
  if (result >= 0) {
    return { family: 4, value: result };
  }
  if (result === SCAN_IPV6) {
    return { family: 6, value: ipv6ValueFromWords(scannedIpv6Words) };
  }
  return undefined;
}

/**
 * Parses an address that a person typed: an allowlist entry, a CLI argument
 * or an API field. Spaces and tabs around the address are removed, but a line
 * break or any other whitespace makes it invalid. Zone IDs are rejected
 * because an allowlist entry cannot depend on a network interface.
 *
 * @throws IpParseError with code INVALID_ADDRESS, whose message quotes the
 *   text and gives an example of a valid address.
 */
export function parseAddress(text: string): IpAddress {
  const trimmed = trimTypedInput(text);
  const address = addressFromScan(scanAddressText(trimmed, 0, trimmed.length, false));
  if (address === undefined) {
    throw new IpParseError('INVALID_ADDRESS', describeInvalidAddress(trimmed), trimmed);
  }
  return address;
}

/**
 * Parses an address from a socket or a forwarding header: no whitespace is
 * removed, and a zone ID after an IPv6 address is dropped. Returns undefined
 * when the text is not an address, so that the caller can deny the request.
 */
export function parseClientAddress(text: string): IpAddress | undefined {
  return addressFromScan(scanAddressText(text, 0, text.length, true));
}

/**
 * Formats an address canonically: dotted decimal for IPv4 and the RFC 5952
 * form for IPv6 (lower case, leading zeros removed, the longest run of two or
 * more zero groups written as `::`, the first run on a tie). IPv6 is always
 * written in hex, because the only embedding that carries an IPv4 address
 * here, the IPv4-mapped one, is already family 4.
 */
export function formatAddress(address: IpAddress): string {
  if (address.family === 4) {
    return formatIpv4(address.value);
  }
  return formatIpv6(address.value);
}

function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) {
    groups.push(Number((value >> shift) & 0xffffn));
  }

  // Find the longest run of zero groups. A strict ">" keeps the first of equal runs.
  let bestStart = -1;
  let bestLength = 0;
  let runStart = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && groups[i] === 0) {
      if (runStart < 0) {
        runStart = i;
      }
    } else if (runStart >= 0) {
      const runLength = i - runStart;
      if (runLength > bestLength) {
        bestStart = runStart;
        bestLength = runLength;
      }
      runStart = -1;
    }
  }

  const hex = groups.map((group) => group.toString(16));
  // RFC 5952 section 4.2.2: "::" must not stand for a single zero group.
  if (bestLength < 2) {
    return hex.join(':');
  }
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** Orders addresses: every IPv4 address before every IPv6 address, then by numeric value. */
export function compareAddresses(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) {
    return a.family - b.family;
  }
  if (a.value === b.value) {
    return 0;
  }
  return a.value < b.value ? -1 : 1;
}

/** Tells whether two addresses are the same family and value. */
export function addressesEqual(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.value === b.value;
}

/** Builds the 128-bit value from four big-endian uint32 words. */
export function ipv6ValueFromWords(words: ArrayLike<number>): bigint {
  return (
    (BigInt(words[0]!) << 96n) | (BigInt(words[1]!) << 64n) | (BigInt(words[2]!) << 32n) | BigInt(words[3]!)
  );
}

/** Writes the 128-bit value into `target` as four big-endian uint32 words. */
export function writeIpv6Words(value: bigint, target: Uint32Array, offset = 0): void {
  target[offset] = Number(value >> 96n);
  target[offset + 1] = Number((value >> 64n) & 0xffff_ffffn);
  target[offset + 2] = Number((value >> 32n) & 0xffff_ffffn);
  target[offset + 3] = Number(value & 0xffff_ffffn);
}

/** Removes the spaces and tabs around typed text. Line breaks stay, so the parser rejects them. */
export function trimTypedInput(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpaceOrTab(text.charCodeAt(start))) {
    start++;
  }
  while (end > start && isSpaceOrTab(text.charCodeAt(end - 1))) {
    end--;
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

// ---------------------------------------------------------------------------
// Error messages
// ---------------------------------------------------------------------------

/** Writes the message for text that is not a valid address, with a hint chosen from what the text looks like. */
export function describeInvalidAddress(text: string): string {
  const quoted = JSON.stringify(text);
  if (text === '') {
    return 'Missing IP address: enter one like 192.0.2.10 or 2001:db8::1.';
  }
  if (/[\r\n]/.test(text)) {
    return `Invalid IP address ${quoted}: remove the line break.`;
  }
  if (/\s/.test(text)) {
    return `Invalid IP address ${quoted}: an address contains no whitespace, so write it like 192.0.2.10.`;
  }

  const percent = text.indexOf('%');
  if (percent >= 0 && scanAddressText(text, 0, percent, false) === SCAN_IPV6) {
    const zoneId = text.slice(percent);
    return (
      `Invalid IP address ${quoted}: remove the zone ID "${zoneId}", ` +
      'because an allowlist entry cannot name a network interface.'
    );
  }
  if (text.includes('[') || text.includes(']')) {
    return `Invalid IP address ${quoted}: write the address without brackets or a port, like 2001:db8::1.`;
  }

  const colon = text.indexOf(':');
  const hasOneColon = colon >= 0 && text.indexOf(':', colon + 1) < 0;
  if (hasOneColon && scanIpv4(text, 0, colon) >= 0) {
    return `Invalid IP address ${quoted}: write the address without a port, like ${text.slice(0, colon)}.`;
  }
  if (colon >= 0) {
    return (
      `Invalid IP address ${quoted}: write an IPv6 address as up to eight groups of 1 to 4 hex digits ` +
      'separated by colons, with at most one "::", like 2001:db8::1.'
    );
  }
  return `Invalid IP address ${quoted}: write four decimal numbers from 0 to 255 without leading zeros, like 192.0.2.10.`;
}
