/**
 * Benchmark data: random CIDR ranges and the addresses looked up in them.
 *
 * Every range is a CIDR, because ipaddr.js, netmask and ip-range-check accept
 * only CIDRs. The data comes from a seeded generator, so every run and every
 * matcher uses the same ranges and addresses. Nothing here connects anywhere.
 */

import { formatAddress, IpRangeSet, type IpAddress, type IpRange } from '../src/ip/index.ts';

export type FamilyMix = 'ipv4' | 'mixed';

/** One allowlist range in the forms that the matchers take. */
export interface BenchRange {
  /** Canonical CIDR text, such as `198.51.100.0/24`. */
  cidr: string;
  /** Network address text, without the prefix length. */
  network: string;
  prefixLength: number;
  family: 4 | 6;
  range: IpRange;
}

/** Addresses to look up, all in canonical text. */
export interface BenchQueries {
  /** Addresses that some range contains. */
  hits: string[];
  /** Addresses that no range contains. */
  misses: string[];
}

/** Number of addresses per query list. It is a power of two, so batch offsets can wrap with a mask. */
export const QUERY_COUNT = 1024;

/** A seeded 32-bit generator (mulberry32), so that runs are repeatable. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed | 0;
  }

  /** Returns a uniform uint32. */
  uint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.#state ^ (this.#state >>> 15), 1 | this.#state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Returns a uniform integer in [0, bound), for bound ≤ 2^32. */
  below(bound: number): number {
    return Math.floor((this.uint32() / 2 ** 32) * bound);
  }

  /** Returns a uniform 128-bit value. */
  uint128(): bigint {
    let value = 0n;
    for (let i = 0; i < 4; i++) {
      value = (value << 32n) | BigInt(this.uint32());
    }
    return value;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/** Prefix lengths of generated IPv4 ranges: mostly office networks and single addresses. */
const ipv4PrefixLengths = [20, 22, 24, 24, 26, 28, 29, 30, 32, 32];

/** Prefix lengths of generated IPv6 ranges: sites, subnets and single addresses. */
const ipv6PrefixLengths = [32, 48, 48, 56, 60, 64, 64, 64, 128, 128];

const IPV4_SPACE = 2 ** 32;

/** IPv6 ranges and addresses are drawn from global unicast space, 2000::/3. */
const GLOBAL_UNICAST_BASE = 0x2n << 124n;
const GLOBAL_UNICAST_MASK = (1n << 125n) - 1n;

function randomIpv6(random: Random): bigint {
  return GLOBAL_UNICAST_BASE | (random.uint128() & GLOBAL_UNICAST_MASK);
}

function makeRange(family: 4 | 6, network: bigint | number, prefixLength: number): BenchRange {
  let start: IpAddress;
  let end: IpAddress;
  if (family === 4) {
    const size = 2 ** (32 - prefixLength);
    const first = Math.floor(Number(network) / size) * size;
    start = { family: 4, value: first };
    end = { family: 4, value: first + size - 1 };
  } else {
    const hostBits = BigInt(128 - prefixLength);
    const first = (BigInt(network) >> hostBits) << hostBits;
    start = { family: 6, value: first };
    end = { family: 6, value: first | ((1n << hostBits) - 1n) };
  }
  const networkText = formatAddress(start);
  return { cidr: `${networkText}/${prefixLength}`, network: networkText, prefixLength, family, range: { start, end } };
}

/**
 * Generates `count` random CIDR ranges. With `mixed`, every other range is
 * IPv6. Ranges may overlap, as entries typed by admins sometimes do.
 */
export function generateRanges(count: number, mix: FamilyMix, seed: number): BenchRange[] {
  const random = new Random(seed);
  const ranges: BenchRange[] = [];
  for (let i = 0; i < count; i++) {
    const isIpv6 = mix === 'mixed' && i % 2 === 1;
    if (isIpv6) {
      ranges.push(makeRange(6, randomIpv6(random), random.pick(ipv6PrefixLengths)));
    } else {
      ranges.push(makeRange(4, random.below(IPV4_SPACE), random.pick(ipv4PrefixLengths)));
    }
  }
  return ranges;
}

function randomAddressInside(random: Random, range: IpRange): IpAddress {
  if (range.start.family === 4 && range.end.family === 4) {
    return { family: 4, value: range.start.value + random.below(range.end.value - range.start.value + 1) };
  }
  const start = range.start.value as bigint;
  const span = (range.end.value as bigint) - start + 1n;
  return { family: 6, value: start + (random.uint128() % span) };
}

/**
 * Draws QUERY_COUNT hits (a random address inside a random range) and
 * QUERY_COUNT misses (a random address of the same family mix that no range
 * contains). Whether an address is a miss is decided with Gatehouse's own
 * compiled set. Every matcher's results are then checked against these lists
 * while it is measured, so a disagreement stops the run.
 */
export function generateQueries(ranges: readonly BenchRange[], mix: FamilyMix, seed: number): BenchQueries {
  const random = new Random(seed);
  const compiled = IpRangeSet.compile(ranges.map((entry) => ({ ...entry.range, value: true })));

  const hits: string[] = [];
  for (let i = 0; i < QUERY_COUNT; i++) {
    hits.push(formatAddress(randomAddressInside(random, random.pick(ranges).range)));
  }

  const misses: string[] = [];
  while (misses.length < QUERY_COUNT) {
    const isIpv6 = mix === 'mixed' && misses.length % 2 === 1;
    const address: IpAddress = isIpv6 ? { family: 6, value: randomIpv6(random) } : { family: 4, value: random.below(IPV4_SPACE) };
    if (compiled.find(address) === undefined) {
      misses.push(formatAddress(address));
    }
  }
  return { hits, misses };
}
