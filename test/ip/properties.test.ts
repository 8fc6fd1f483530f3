import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';

import {
  IpParseError,
  IpRangeSet,
  formatAddress,
  parseAddress,
  parseClientAddress,
  parseRangeInput,
  rangeContains,
  rangeToCidr,
} from '../../src/ip/index.ts';
import type { IpAddress, IpRange } from '../../src/ip/index.ts';

const MAX_IPV6 = (1n << 128n) - 1n;
const MAPPED_PREFIX = 0xffffn << 32n;

// ---------------------------------------------------------------------------
// Reference implementations: slow, written differently from the code under test
// ---------------------------------------------------------------------------

function ipv4Text(value: number): string {
  return [24, 16, 8, 0].map((shift) => String(Math.floor(value / 2 ** shift) % 256)).join('.');
}

function ipv6Groups(value: bigint): number[] {
  return Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn));
}

function ipv6FromGroups(groups: readonly number[]): bigint {
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

function isMappedValue(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

/** Converts a 128-bit value to an address, with the IPv4-mapped block unwrapped. */
function addressOfIpv6Value(value: bigint): IpAddress {
  return isMappedValue(value) ? { family: 4, value: Number(value & 0xffff_ffffn) } : { family: 6, value };
}

/** Parses IPv4 text with ipaddr.js. */
function ipaddrIpv4Reference(text: string): IpAddress {
  const value = ipaddr.IPv4.parse(text).toByteArray().reduce((total, byte) => total * 256 + byte, 0);
  return { family: 4, value };
}

/**
 * Parses IPv6 text with the WHATWG URL parser of Node, with the IPv4-mapped
 * block unwrapped. ipaddr.js cannot serve here, because it reads
 * `::a.b.c.d` as `::ffff:a.b.c.d`.
 */
function urlIpv6Reference(text: string): IpAddress {
  const hostname = new URL(`http://[${text}]/`).hostname;
  return addressOfIpv6Value(expandIpv6Hex(hostname.slice(1, -1)));
}

/** Expands hex-only IPv6 text with at most one "::" into its value. */
function expandIpv6Hex(text: string): bigint {
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return ipv6FromGroups([...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16)));
}

const STRICT_IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

function containsAddress(range: IpRange, address: IpAddress): boolean {
  return range.start.family === address.family && range.start.value <= address.value && address.value <= range.end.value;
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });

/** 16-bit groups biased to zero, so that `::` runs of every length occur. */
const ipv6Group = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constant(0xffff) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
);
const ipv6GroupList = fc.array(ipv6Group, { minLength: 8, maxLength: 8 });
const ipv6Value = fc.oneof(ipv6GroupList.map(ipv6FromGroups), fc.bigInt({ min: 0n, max: MAX_IPV6 }));

/**
 * Writes eight groups in a random valid RFC 4291 form: random case, random
 * leading zeros, any one zero run compressed to `::` or none, and an
 * optional trailing dotted IPv4 address.
 */
const ipv6Spelling = fc
  .record({
    groups: ipv6GroupList,
    upperCase: fc.boolean(),
    padding: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
    dotted: fc.boolean(),
    compressChoice: fc.nat(),
  })
  .map(({ groups, upperCase, padding, dotted, compressChoice }) => {
    const parts = groups.map((group, i) => {
      const hex = group.toString(16).padStart(Math.min(4, group.toString(16).length + padding[i]!), '0');
      return upperCase ? hex.toUpperCase() : hex;
    });
    let tail: string[] = [];
    let headCount = 8;
    if (dotted) {
      tail = [`${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`];
      headCount = 6;
    }

    // Every run of zero groups among the hex groups may become "::".
    const runs: [number, number][] = [];
    for (let start = 0; start < headCount; start++) {
      for (let end = start; end < headCount && groups[end] === 0; end++) {
        runs.push([start, end + 1]);
      }
    }
    const choice = compressChoice % (runs.length + 1);
    const hexParts = parts.slice(0, headCount);
    let text: string;
    if (choice === runs.length) {
      text = [...hexParts, ...tail].join(':');
    } else {
      const [runStart, runEnd] = runs[choice]!;
      const before = hexParts.slice(0, runStart).join(':');
      const after = [...hexParts.slice(runEnd), ...tail].join(':');
      text = `${before}::${after}`;
    }
    return { text, value: ipv6FromGroups(groups) };
  });

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe('address properties', () => {
  it('IPv4 format and parse round-trip', () => {
    fc.assert(
      fc.property(uint32, (value) => {
        const text = formatAddress({ family: 4, value });
        expect(text).toBe(ipv4Text(value));
        expect(parseAddress(text)).toEqual({ family: 4, value });
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv6 format and parse round-trip', () => {
    fc.assert(
      fc.property(ipv6Value, (value) => {
        const text = formatAddress({ family: 6, value });
        expect(parseAddress(text)).toEqual(addressOfIpv6Value(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv6 format matches ipaddr.js RFC 5952 output', () => {
    fc.assert(
      fc.property(ipv6Value, (value) => {
        fc.pre(!isMappedValue(value));
        const expected = ipaddr.fromByteArray(ipv6Groups(value).flatMap((group) => [group >> 8, group & 255])) as ipaddr.IPv6;
        expect(formatAddress({ family: 6, value })).toBe(expected.toRFC5952String());
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv6 format matches URL serialization', () => {
    fc.assert(
      fc.property(ipv6Value, (value) => {
        fc.pre(!isMappedValue(value));
        const text = formatAddress({ family: 6, value });
        expect(`[${text}]`).toBe(new URL(`http://[${text}]/`).hostname);
        expect(urlIpv6Reference(text)).toEqual({ family: 6, value });
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv6 spellings parse to their value', () => {
    fc.assert(
      fc.property(ipv6Spelling, ({ text, value }) => {
        expect(parseAddress(text)).toEqual(addressOfIpv6Value(value));
        expect(parseClientAddress(text)).toEqual(addressOfIpv6Value(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('fast-check IPv4 strings parse like ipaddr.js', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(parseClientAddress(text)).toEqual(ipaddrIpv4Reference(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('fast-check IPv6 strings parse like URL', () => {
    fc.assert(
      fc.property(fc.ipV6(), (text) => {
        expect(parseClientAddress(text)).toEqual(urlIpv6Reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('extended IPv4 forms parse only when strict', () => {
    fc.assert(
      fc.property(fc.ipV4Extended(), (text) => {
        expect(parseClientAddress(text) !== undefined).toBe(STRICT_IPV4.test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('random text parses exactly when node:net isIP accepts it', () => {
    // Zone IDs are left out: node:net allows characters in them that parseClientAddress rejects.
    const unit = fc.constantFrom(
      ...['0', '1', '2', '5', '9', 'a', 'f', 'F', 'g', ':', '.', '::', '00', '255', '256', 'ffff', '1.2.3.4', ' ', '\n'],
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (text) => {
        expect(parseClientAddress(text) !== undefined).toBe(isIP(text) !== 0);
      }),
      { numRuns: 20000 },
    );
  });
});

describe('CIDR properties', () => {
  it('IPv4 CIDR covers exactly its block', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: 0, max: 32 }), (value, prefixLength) => {
        const blockSize = 2 ** (32 - prefixLength);
        const network = Math.floor(value / blockSize) * blockSize;
        const cidr = `${ipv4Text(network)}/${prefixLength}`;
        const range = parseRangeInput(cidr);
        expect(range).toEqual({ start: { family: 4, value: network }, end: { family: 4, value: network + blockSize - 1 } });
        expect(rangeToCidr(range)).toBe(cidr);
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv4 CIDR with host bits names the network', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: 0, max: 31 }), (value, prefixLength) => {
        const blockSize = 2 ** (32 - prefixLength);
        const network = Math.floor(value / blockSize) * blockSize;
        fc.pre(network !== value);
        const error = captureError(() => parseRangeInput(`${ipv4Text(value)}/${prefixLength}`));
        expect(error.code).toBe('INVALID_RANGE');
        expect(error.message).toContain(`${ipv4Text(network)}/${prefixLength}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('IPv6 CIDR covers exactly its block', () => {
    fc.assert(
      fc.property(ipv6Value, fc.integer({ min: 0, max: 128 }), (value, prefixLength) => {
        const blockSize = 1n << BigInt(128 - prefixLength);
        const network = (value / blockSize) * blockSize;
        fc.pre(!isMappedValue(network));
        const cidr = `${formatAddress({ family: 6, value: network })}/${prefixLength}`;
        const range = parseRangeInput(cidr);
        expect(range).toEqual({ start: { family: 6, value: network }, end: { family: 6, value: network + blockSize - 1n } });
        expect(rangeToCidr(range)).toBe(cidr);
      }),
      { numRuns: 2000 },
    );
  });

  it('mapped CIDR is the IPv4 CIDR', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: 96, max: 128 }), (value, prefixLength) => {
        const blockSize = 2 ** (128 - prefixLength);
        const network = Math.floor(value / blockSize) * blockSize;
        const mapped = `::ffff:${ipv4Text(network)}/${prefixLength}`;
        expect(rangeToCidr(parseRangeInput(mapped))).toBe(`${ipv4Text(network)}/${prefixLength - 96}`);
      }),
      { numRuns: 1000 },
    );
  });

  const ipv4Bounds = fc
    .tuple(uint32, uint32)
    .map(([a, b]): [IpAddress, IpAddress] => [{ family: 4, value: Math.min(a, b) }, { family: 4, value: Math.max(a, b) }]);
  // Bounds on both sides of the IPv4-mapped block become mixed families, which fc.pre skips.
  const ipv6Bounds = fc
    .tuple(ipv6Value, ipv6Value)
    .map(([a, b]): [IpAddress, IpAddress] => [addressOfIpv6Value(a < b ? a : b), addressOfIpv6Value(a < b ? b : a)]);

  it('start-end range round-trips through text', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Bounds, ipv6Bounds), ([start, end]) => {
        fc.pre(start.family === end.family);
        const text = `${formatAddress(start)}-${formatAddress(end)}`;
        expect(parseRangeInput(text)).toEqual({ start, end });
      }),
      { numRuns: 2000 },
    );
  });
});

function captureError(parse: () => unknown): IpParseError {
  try {
    parse();
  } catch (error) {
    if (error instanceof IpParseError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an IpParseError, but parsing succeeded');
}

describe('range set properties', () => {
  // Small universes near the ends of each family make overlaps, shared
  // boundaries and adjacent ranges common.
  const ipv4Key = fc.oneof(
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0xffff_ffff - 40, max: 0xffff_ffff }),
    fc.integer({ min: 0x0a00_0000, max: 0x0a00_0028 }),
  );
  const ipv6Key = fc.oneof(
    fc.bigInt({ min: 0n, max: 40n }),
    fc.bigInt({ min: MAX_IPV6 - 40n, max: MAX_IPV6 }),
    fc.bigInt({ min: MAPPED_PREFIX - 20n, max: MAPPED_PREFIX - 1n }),
    fc.bigInt({ min: (1n << 96n) - 20n, max: (1n << 96n) + 20n }),
  );
  const ipv4Range = fc.tuple(ipv4Key, ipv4Key).map(
    ([a, b]): IpRange => ({ start: { family: 4, value: Math.min(a, b) }, end: { family: 4, value: Math.max(a, b) } }),
  );
  const ipv6Range = fc.tuple(ipv6Key, ipv6Key).map(
    ([a, b]): IpRange => ({ start: { family: 6, value: a < b ? a : b }, end: { family: 6, value: a < b ? b : a } }),
  );
  const wholeFamily = fc.constantFrom<IpRange>(parseRangeInput('0.0.0.0/0'), parseRangeInput('::/0'));
  const anyRange = fc.oneof(
    { weight: 5, arbitrary: ipv4Range },
    { weight: 5, arbitrary: ipv6Range },
    { weight: 1, arbitrary: wholeFamily },
  );
  const probe = fc.oneof(
    ipv4Key.map((value): IpAddress => ({ family: 4, value })),
    ipv6Key.map((value): IpAddress => ({ family: 6, value })),
  );

  function labelledRanges(labels: readonly string[]) {
    return fc.array(fc.tuple(anyRange, fc.constantFrom(...labels)), { maxLength: 30 });
  }

  it('find equals a linear scan', () => {
    fc.assert(
      fc.property(fc.array(anyRange, { maxLength: 30 }), fc.array(probe, { minLength: 1, maxLength: 30 }), (ranges, probes) => {
        const set = IpRangeSet.compile(ranges.map((range, index) => ({ ...range, value: index })));
        for (const address of probes) {
          const expected = ranges.findIndex((range) => containsAddress(range, address));
          const found = set.find(address);
          expect(found).toBe(expected < 0 ? undefined : expected);
          if (found !== undefined) {
            expect(rangeContains(ranges[found]!, address)).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('findText equals find on the formatted address', () => {
    fc.assert(
      fc.property(fc.array(anyRange, { maxLength: 30 }), fc.array(probe, { minLength: 1, maxLength: 30 }), (ranges, probes) => {
        const set = IpRangeSet.compile(ranges.map((range, index) => ({ ...range, value: index })));
        for (const address of probes) {
          expect(set.findText(formatAddress(address))).toBe(set.find(address));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('values of repeated ranges cover only their own addresses', () => {
    // Few distinct values, so merging of adjacent intervals with equal values is exercised.
    fc.assert(
      fc.property(labelledRanges(['a', 'b', 'c']), fc.array(probe, { minLength: 1, maxLength: 30 }), (entries, probes) => {
        const set = IpRangeSet.compile(entries.map(([range, value]) => ({ ...range, value })));
        for (const address of probes) {
          const found = set.find(address);
          const covering = entries.filter(([range]) => containsAddress(range, address)).map(([, value]) => value);
          if (covering.length === 0) {
            expect(found).toBeUndefined();
          } else {
            expect(covering).toContain(found);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('intervals are sorted, disjoint and merged', () => {
    fc.assert(
      fc.property(labelledRanges(['a', 'b']), (entries) => {
        const intervals = IpRangeSet.compile(entries.map(([range, value]) => ({ ...range, value }))).intervals();
        for (let i = 1; i < intervals.length; i++) {
          const previous = intervals[i - 1]!;
          const current = intervals[i]!;
          if (previous.end.family !== current.start.family) {
            continue;
          }
          expect(previous.end.value < current.start.value).toBe(true);
          const isAdjacent = BigInt(previous.end.value) + 1n === BigInt(current.start.value);
          if (isAdjacent) {
            expect(current.value).not.toBe(previous.value);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
