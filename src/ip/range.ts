/**
 * Inclusive IP ranges: parsing of allowlist entry input (one address,
 * `start-end` or CIDR), canonical formatting and membership.
 */

import {
  IpParseError,
  MAX_IPV6_VALUE,
  addressFromScan,
  compareAddresses,
  describeInvalidAddress,
  formatAddress,
  scanAddressText,
  trimTypedInput,
} from './address.ts';
import type { IpAddress, IpInputField } from './address.ts';

/** An inclusive range of addresses of one family, with `start` ≤ `end`. */
export interface IpRange {
  readonly start: IpAddress;
  readonly end: IpAddress;
}

/**
 * Parses an allowlist entry as a person typed it: one address
 * (`192.0.2.10`), a range (`192.0.2.10-192.0.2.20`, spaces or tabs around
 * the `-` allowed) or a CIDR (`192.0.2.0/24`, `2001:db8::/32`). Spaces and
 * tabs around the whole input are removed.
 *
 * A CIDR written in IPv4-mapped form (`::ffff:10.0.0.0/104`) is the IPv4
 * CIDR (`10.0.0.0/8`). Its prefix length must be 96 or more, and a range must
 * not run from inside `::ffff:0:0/96` to outside it, because either would
 * silently cover all of IPv4 together with IPv6 addresses.
 *
 * @throws IpParseError with `field` set to `field`: INVALID_ADDRESS when an
 *   address is invalid (`value` is that address), INVALID_RANGE when the
 *   addresses are valid but do not form a range (`value` is the whole input).
 */
export function parseRangeInput(text: string, field: 'input' | 'start' = 'input'): IpRange {
  const input = trimTypedInput(text);
  if (input === '') {
    throw new IpParseError(
      'INVALID_ADDRESS',
      'Missing IP address or range: enter an address like 192.0.2.10, a range like ' +
        '192.0.2.10-192.0.2.20 or a CIDR like 192.0.2.0/24.',
      input,
      field,
    );
  }

  const dash = input.indexOf('-');
  const slash = input.indexOf('/');
  if (dash >= 0 && slash >= 0) {
    throw new IpParseError(
      'INVALID_RANGE',
      `Invalid IP range ${JSON.stringify(input)}: write either a range like 192.0.2.10-192.0.2.20 ` +
        'or a CIDR like 192.0.2.0/24, not both.',
      input,
      field,
    );
  }
  if (dash >= 0) {
    return parseStartEnd(input, dash, field);
  }
  if (slash >= 0) {
    return parseCidr(input, slash, field);
  }

  const address = parseAddressPart(input, field);
  return { start: address, end: address };
}

/**
 * Parses a range given as two typed addresses, such as the `start` and `end`
 * fields of an API request. Each is trimmed of spaces and tabs.
 *
 * @throws IpParseError with INVALID_ADDRESS and field `start` or `end` for an
 *   invalid address, or INVALID_RANGE and field `end` when the end is before
 *   the start or of another family.
 */
export function parseRangeBounds(start: string, end: string): IpRange {
  const startText = trimTypedInput(start);
  const endText = trimTypedInput(end);
  const startAddress = parseAddressPart(startText, 'start');
  const endAddress = parseAddressPart(endText, 'end');
  const quoted = `from ${JSON.stringify(startText)} to ${JSON.stringify(endText)}`;
  return checkRange(startAddress, endAddress, startText, endText, quoted, `${startText}-${endText}`, 'end');
}

/** Formats both ends canonically (dotted decimal IPv4, RFC 5952 IPv6). */
export function formatRange(range: IpRange): { start: string; end: string } {
  return { start: formatAddress(range.start), end: formatAddress(range.end) };
}

/**
 * Formats a range the shortest way a person would type it: one address, a
 * CIDR when the range is exactly one CIDR block, or `start-end`.
 */
export function formatRangeText(range: IpRange): string {
  if (compareAddresses(range.start, range.end) === 0) {
    return formatAddress(range.start);
  }
  const cidr = rangeToCidr(range);
  if (cidr !== undefined) {
    return cidr;
  }
  return `${formatAddress(range.start)}-${formatAddress(range.end)}`;
}

/**
 * Returns the CIDR (`10.0.0.0/8`) when the range is exactly one CIDR block,
 * otherwise undefined. A single address is a /32 or /128 block.
 */
export function rangeToCidr(range: IpRange): string | undefined {
  const { start, end } = range;
  if (start.family === 4 && end.family === 4) {
    const size = end.value - start.value + 1;
    for (let prefixLength = 0; prefixLength <= 32; prefixLength++) {
      const blockSize = 2 ** (32 - prefixLength);
      if (size === blockSize) {
        return start.value % blockSize === 0 ? `${formatAddress(start)}/${prefixLength}` : undefined;
      }
    }
    return undefined;
  }
  if (start.family === 6 && end.family === 6) {
    const size = end.value - start.value + 1n;
    const isPowerOfTwo = size > 0n && (size & (size - 1n)) === 0n;
    if (!isPowerOfTwo || start.value % size !== 0n) {
      return undefined;
    }
    const hostBits = size.toString(2).length - 1;
    return `${formatAddress(start)}/${128 - hostBits}`;
  }
  return undefined;
}

/** Tells whether the address is inside the range. Addresses of the other family never are. */
export function rangeContains(range: IpRange, address: IpAddress): boolean {
  return compareAddresses(range.start, address) <= 0 && compareAddresses(address, range.end) <= 0;
}

// ---------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------

/** Parses one address of an entry, with zone IDs rejected. */
function parseAddressPart(text: string, field: IpInputField): IpAddress {
  const address = addressFromScan(scanAddressText(text, 0, text.length, false));
  if (address === undefined) {
    throw new IpParseError('INVALID_ADDRESS', describeInvalidAddress(text), text, field);
  }
  return address;
}

/** Tells whether an address was written in IPv6 text, such as an IPv4-mapped `::ffff:10.0.0.1`. */
function isIpv6Text(text: string): boolean {
  return text.includes(':');
}

function parseStartEnd(input: string, dash: number, field: IpInputField): IpRange {
  const quoted = JSON.stringify(input);
  if (input.indexOf('-', dash + 1) >= 0) {
    throw new IpParseError(
      'INVALID_RANGE',
      `Invalid IP range ${quoted}: write one start and one end address separated by "-", like 192.0.2.10-192.0.2.20.`,
      input,
      field,
    );
  }

  const startText = trimTypedInput(input.slice(0, dash));
  const endText = trimTypedInput(input.slice(dash + 1));
  if (startText === '' || endText === '') {
    const missing = startText === '' ? 'start' : 'end';
    throw new IpParseError(
      'INVALID_RANGE',
      `Invalid IP range ${quoted}: the ${missing} address is missing, so write both, like 192.0.2.10-192.0.2.20.`,
      input,
      field,
    );
  }

  const start = parseAddressPart(startText, field);
  const end = parseAddressPart(endText, field);
  return checkRange(start, end, startText, endText, quoted, input, field);
}

/**
 * Returns the range after checking that both ends are the same family and
 * that start ≤ end. The family check also rejects a range from inside the
 * IPv4-mapped block to outside it, and the message then says so.
 */
function checkRange(
  start: IpAddress,
  end: IpAddress,
  startText: string,
  endText: string,
  quoted: string,
  value: string,
  field: IpInputField,
): IpRange {
  if (start.family !== end.family) {
    const mappedEnd = start.family === 4 ? startText : endText;
    const message = isIpv6Text(mappedEnd)
      ? `Invalid IP range ${quoted}: it runs from inside the IPv4-mapped block ::ffff:0:0/96 to outside it, ` +
        'which would cover IPv4 and IPv6 addresses at once. Write an IPv4 range and an IPv6 range separately.'
      : `Invalid IP range ${quoted}: the start and end must both be IPv4 or both be IPv6.`;
    throw new IpParseError('INVALID_RANGE', message, value, field);
  }

  if (compareAddresses(start, end) > 0) {
    const reversed = `${formatAddress(end)}-${formatAddress(start)}`;
    throw new IpParseError(
      'INVALID_RANGE',
      `Invalid IP range ${quoted}: the start is after the end, so swap them: ${reversed}.`,
      value,
      field,
    );
  }
  return { start, end };
}

function parseCidr(input: string, slash: number, field: IpInputField): IpRange {
  const quoted = JSON.stringify(input);
  const addressText = input.slice(0, slash);
  const prefixText = input.slice(slash + 1);
  const address = parseAddressPart(addressText, field);

  const isMappedForm = address.family === 4 && isIpv6Text(addressText);
  const maxPrefixLength = address.family === 4 && !isMappedForm ? 32 : 128;
  const prefixLength = parsePrefixLength(prefixText, maxPrefixLength);
  if (prefixLength === undefined) {
    const family = maxPrefixLength === 32 ? 'IPv4' : 'IPv6';
    throw new IpParseError(
      'INVALID_RANGE',
      `Invalid CIDR ${quoted}: the prefix length must be a whole number from 0 to ${maxPrefixLength} ` +
        `for ${family}, written without leading zeros, like ${family === 'IPv4' ? '192.0.2.0/24' : '2001:db8::/32'}.`,
      input,
      field,
    );
  }

  if (address.family === 4) {
    let ipv4PrefixLength = prefixLength;
    if (isMappedForm) {
      if (prefixLength < 96) {
        throw new IpParseError(
          'INVALID_RANGE',
          `Invalid CIDR ${quoted}: an IPv4-mapped CIDR needs a prefix length of 96 or more, because a shorter one ` +
            'would cover all of IPv4 together with IPv6 addresses. Write an IPv4 CIDR like 10.0.0.0/8.',
          input,
          field,
        );
      }
      ipv4PrefixLength = prefixLength - 96;
    }
    const blockSize = 2 ** (32 - ipv4PrefixLength);
    const network = address.value - (address.value % blockSize);
    if (network !== address.value) {
      throwHostBitsSet(quoted, `${formatAddress({ family: 4, value: network })}/${ipv4PrefixLength}`, input, field);
    }
    return { start: address, end: { family: 4, value: network + blockSize - 1 } };
  }

  const hostMask = MAX_IPV6_VALUE >> BigInt(prefixLength);
  const network = address.value & ~hostMask;
  if (network !== address.value) {
    throwHostBitsSet(quoted, `${formatAddress({ family: 6, value: network })}/${prefixLength}`, input, field);
  }
  return { start: address, end: { family: 6, value: network | hostMask } };
}

function throwHostBitsSet(quoted: string, networkCidr: string, input: string, field: IpInputField): never {
  throw new IpParseError(
    'INVALID_RANGE',
    `Invalid CIDR ${quoted}: the address has host bits set, so write the network address ${networkCidr}.`,
    input,
    field,
  );
}

/** Parses a decimal prefix length without sign, spaces or leading zeros. Returns undefined when invalid or above `max`. */
function parsePrefixLength(text: string, max: number): number | undefined {
  if (text.length === 0 || text.length > 3 || (text.length > 1 && text.charCodeAt(0) === 48)) {
    return undefined;
  }
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      return undefined;
    }
    value = value * 10 + digit;
  }
  return value <= max ? value : undefined;
}
