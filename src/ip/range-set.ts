/**
 * A compiled set of IP ranges for the per-request allowlist check.
 *
 * `compile` turns the ranges into sorted, disjoint numeric intervals once, and
 * each lookup is a binary search that never parses a stored range. IPv4
 * intervals are uint32 values in typed arrays, with a bucket index that
 * narrows the search to a few neighbouring intervals. IPv6 intervals are four
 * big-endian uint32 words each, so that `findText` allocates nothing.
 */

import {
  IpParseError,
  MAX_IPV6_VALUE,
  SCAN_IPV6,
  formatAddress,
  scanAddressText,
  scannedIpv6Words,
  writeIpv6Words,
} from './address.ts';
import type { IpAddress } from './address.ts';

/** One range to compile, with the value that lookups return for addresses inside it. */
export interface RangeSetEntry<T> {
  start: IpAddress;
  end: IpAddress;
  value: T;
}

/**
 * Scratch space that splits the 128-bit value passed to `find` into uint32
 * words. BigInt shifts and masks allocate, so the two 64-bit halves are
 * stored instead (a BigUint64Array store keeps the low 64 bits) and read back
 * as words in the platform's byte order.
 */
const lookupHalves = new BigUint64Array(2);
const lookupHalfWords = new Uint32Array(lookupHalves.buffer);
const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Offsets of the high and the low uint32 word within each 64-bit half. */
const HIGH_WORD = isLittleEndian ? 1 : 0;
const LOW_WORD = 1 - HIGH_WORD;

export class IpRangeSet<T> {
  /** Number of entries compiled, counting overlapping and merged ones. */
  readonly size: number;

  private readonly ipv4Starts: Uint32Array;
  private readonly ipv4Ends: Uint32Array;
  private readonly ipv4Values: readonly T[];
  private readonly ipv4Index: Ipv4BucketIndex;
  private readonly ipv6Starts: Uint32Array;
  private readonly ipv6Ends: Uint32Array;
  private readonly ipv6Values: readonly T[];

  private constructor(size: number, ipv4: readonly Interval<number, T>[], ipv6: readonly Interval<bigint, T>[]) {
    this.size = size;

    this.ipv4Starts = new Uint32Array(ipv4.length);
    this.ipv4Ends = new Uint32Array(ipv4.length);
    ipv4.forEach((interval, i) => {
      this.ipv4Starts[i] = interval.start;
      this.ipv4Ends[i] = interval.end;
    });
    this.ipv4Values = ipv4.map((interval) => interval.value);
    this.ipv4Index = buildIpv4BucketIndex(this.ipv4Starts, this.ipv4Ends);

    this.ipv6Starts = new Uint32Array(ipv6.length * 4);
    this.ipv6Ends = new Uint32Array(ipv6.length * 4);
    ipv6.forEach((interval, i) => {
      writeIpv6Words(interval.start, this.ipv6Starts, i * 4);
      writeIpv6Words(interval.end, this.ipv6Ends, i * 4);
    });
    this.ipv6Values = ipv6.map((interval) => interval.value);
  }

  /**
   * Compiles ranges into sorted, disjoint intervals per family.
   *
   * Where ranges overlap, the overlap is split at the range boundaries. Each
   * piece carries the value of the earliest entry in iteration order that
   * covers it, so a lookup always returns the value of a range that contains
   * the address. Adjacent pieces with the same value (`Object.is`) are merged.
   *
   * @throws IpParseError (INVALID_RANGE) when an entry's ends differ in family
   *   or its start is after its end.
   * @throws TypeError when an entry's value is not a valid address value.
   */
  static compile<T>(entries: Iterable<RangeSetEntry<T>>): IpRangeSet<T> {
    const ipv4: Interval<number, T>[] = [];
    const ipv6: Interval<bigint, T>[] = [];
    let size = 0;

    for (const entry of entries) {
      const { start, end, value } = entry;
      checkAddressValue(start);
      checkAddressValue(end);
      if (start.family === 4 && end.family === 4 && start.value <= end.value) {
        ipv4.push({ start: start.value, end: end.value, value });
      } else if (start.family === 6 && end.family === 6 && start.value <= end.value) {
        ipv6.push({ start: start.value, end: end.value, value });
      } else {
        const text = `${formatAddress(start)}-${formatAddress(end)}`;
        throw new IpParseError(
          'INVALID_RANGE',
          `Invalid IP range ${JSON.stringify(text)}: the start and end must be the same family, ` +
            'with the start not after the end.',
          text,
        );
      }
      size++;
    }

    return new IpRangeSet(size, splitIntoIntervals(ipv4, ipv4KeyOrder), splitIntoIntervals(ipv6, ipv6KeyOrder));
  }

  /** Number of disjoint intervals after compiling, for both families together. */
  get intervalCount(): number {
    return this.ipv4Values.length + this.ipv6Values.length;
  }

  /** Returns the value of a range that contains the address, or undefined when none does. */
  find(address: IpAddress): T | undefined {
    if (address.family === 4) {
      const value = address.value;
      // A value outside uint32 is no IPv4 address, and the typed-array compare would not catch a fraction.
      if (value >>> 0 !== value) {
        return undefined;
      }
      return this.findIpv4(value);
    }

    if (address.value < 0n || address.value > MAX_IPV6_VALUE) {
      return undefined;
    }
    const words = lookupHalfWords;
    lookupHalves[0] = address.value >> 64n;
    lookupHalves[1] = address.value;
    return this.findIpv6(words[HIGH_WORD]!, words[LOW_WORD]!, words[2 + HIGH_WORD]!, words[2 + LOW_WORD]!);
  }

  /**
   * Parses a client address as `parseClientAddress` does (no trimming, zone
   * ID dropped, IPv4-mapped IPv6 as IPv4) and looks it up without allocating.
   * Returns undefined when the text is not an address or no range contains it.
   */
  findText(text: string): T | undefined {
    const result = scanAddressText(text, 0, text.length, true);
    if (result >= 0) {
      return this.findIpv4(result);
    }
    if (result === SCAN_IPV6) {
      const words = scannedIpv6Words;
      return this.findIpv6(words[0]!, words[1]!, words[2]!, words[3]!);
    }
    return undefined;
  }

  /** Returns the compiled intervals in ascending order, IPv4 first. */
  intervals(): RangeSetEntry<T>[] {
    const result: RangeSetEntry<T>[] = [];
    this.ipv4Values.forEach((value, i) => {
      result.push({
        start: { family: 4, value: this.ipv4Starts[i]! },
        end: { family: 4, value: this.ipv4Ends[i]! },
        value,
      });
    });
    this.ipv6Values.forEach((value, i) => {
      result.push({
        start: { family: 6, value: readIpv6Words(this.ipv6Starts, i * 4) },
        end: { family: 6, value: readIpv6Words(this.ipv6Ends, i * 4) },
        value,
      });
    });
    return result;
  }

  private findIpv4(value: number): T | undefined {
    const index = this.ipv4Index;
    // An empty set has its first start above its last end, so it returns here too.
    if (value < index.firstStart || value > index.lastEnd) {
      return undefined;
    }

    // The last interval that starts at or before `value` is either the one
    // just before this bucket's first interval or one of the bucket's own.
    const bucket = (value - index.firstStart) >>> index.shift;
    const starts = this.ipv4Starts;
    let low = index.bucketStarts[bucket]!;
    let high = index.bucketStarts[bucket + 1]! - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (starts[middle]! <= value) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (high >= 0 && value <= this.ipv4Ends[high]!) {
      return this.ipv4Values[high];
    }
    return undefined;
  }

  private findIpv6(w0: number, w1: number, w2: number, w3: number): T | undefined {
    const starts = this.ipv6Starts;
    let low = 0;
    let high = this.ipv6Values.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (compareWords(starts, middle * 4, w0, w1, w2, w3) <= 0) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (high >= 0 && compareWords(this.ipv6Ends, high * 4, w0, w1, w2, w3) >= 0) {
      return this.ipv6Values[high];
    }
    return undefined;
  }
}

/**
 * Buckets of equal width over [firstStart, lastEnd]. Bucket b begins at
 * firstStart + b * 2^shift, and `bucketStarts[b]` is the index of the first
 * interval that starts at or after that value. A lookup binary-searches only
 * its bucket's intervals, which are adjacent in memory, so large lists cost
 * few more cache misses than small ones.
 */
interface Ipv4BucketIndex {
  firstStart: number;
  lastEnd: number;
  /** At most 31, because JavaScript shifts by the count modulo 32. */
  shift: number;
  /** One entry per bucket plus a final one equal to the number of intervals. */
  bucketStarts: Uint32Array;
}

/**
 * Builds the bucket index. The bucket count is a power of two from a quarter
 * to a half of the number of intervals (at least 2), so intervals spread
 * evenly over the span fall 2 to 4 to a bucket. When most intervals fall into
 * one bucket, its search is the full binary search of a set without index.
 */
function buildIpv4BucketIndex(starts: Uint32Array, ends: Uint32Array): Ipv4BucketIndex {
  const count = starts.length;
  if (count === 0) {
    return { firstStart: 1, lastEnd: 0, shift: 0, bucketStarts: new Uint32Array(2) };
  }

  const firstStart = starts[0]!;
  const lastEnd = ends[count - 1]!;
  const bucketBits = Math.max(1, 30 - Math.clz32(count));
  const spanBits = 32 - Math.clz32(lastEnd - firstStart);
  const shift = Math.max(0, spanBits - bucketBits);

  const bucketCount = 2 ** bucketBits;
  const bucketStarts = new Uint32Array(bucketCount + 1);
  let next = 0;
  for (let bucket = 0; bucket <= bucketCount; bucket++) {
    const bucketFirstValue = firstStart + bucket * 2 ** shift;
    while (next < count && starts[next]! < bucketFirstValue) {
      next++;
    }
    bucketStarts[bucket] = next;
  }
  return { firstStart, lastEnd, shift, bucketStarts };
}

/** Compares the 128-bit value at `words[offset..offset+3]` with (w0, w1, w2, w3). */
function compareWords(words: Uint32Array, offset: number, w0: number, w1: number, w2: number, w3: number): number {
  let a = words[offset]!;
  if (a !== w0) {
    return a < w0 ? -1 : 1;
  }
  a = words[offset + 1]!;
  if (a !== w1) {
    return a < w1 ? -1 : 1;
  }
  a = words[offset + 2]!;
  if (a !== w2) {
    return a < w2 ? -1 : 1;
  }
  a = words[offset + 3]!;
  if (a !== w3) {
    return a < w3 ? -1 : 1;
  }
  return 0;
}

function readIpv6Words(words: Uint32Array, offset: number): bigint {
  return (
    (BigInt(words[offset]!) << 96n) |
    (BigInt(words[offset + 1]!) << 64n) |
    (BigInt(words[offset + 2]!) << 32n) |
    BigInt(words[offset + 3]!)
  );
}

function checkAddressValue(address: IpAddress): void {
  const isValid =
    address.family === 4
      ? Number.isInteger(address.value) && address.value >= 0 && address.value <= 0xffff_ffff
      : address.family === 6 && typeof address.value === 'bigint' && address.value >= 0n && address.value <= MAX_IPV6_VALUE;
  if (!isValid) {
    throw new TypeError(`Invalid address value ${String(address.value)} for family ${String(address.family)}.`);
  }
}

// ---------------------------------------------------------------------------
// Compiling: split overlapping ranges into disjoint intervals
// ---------------------------------------------------------------------------

interface Interval<K, T> {
  start: K;
  end: K;
  value: T;
}

/** Ordering and neighbours of interval keys: uint32 numbers for IPv4, bigints for IPv6. */
interface KeyOrder<K> {
  compare(a: K, b: K): number;
  next(key: K): K;
  previous(key: K): K;
}

const ipv4KeyOrder: KeyOrder<number> = {
  compare: (a, b) => a - b,
  next: (key) => key + 1,
  previous: (key) => key - 1,
};

const ipv6KeyOrder: KeyOrder<bigint> = {
  compare: (a, b) => {
    if (a === b) {
      return 0;
    }
    return a < b ? -1 : 1;
  },
  next: (key) => key + 1n,
  previous: (key) => key - 1n,
};

/**
 * Splits possibly overlapping ranges into sorted, disjoint intervals. A sweep
 * over every range boundary keeps the ranges covering the current point in a
 * min-heap of input positions, so the earliest covering range owns each
 * interval. Runs in O(n log n).
 */
function splitIntoIntervals<K, T>(ranges: readonly Interval<K, T>[], order: KeyOrder<K>): Interval<K, T>[] {
  const byStart = ranges.map((_, i) => i).sort((a, b) => order.compare(ranges[a]!.start, ranges[b]!.start) || a - b);

  // Boundaries: every start, and the key after every end (which may be 2^32 or 2^128).
  const boundaries: K[] = [];
  for (const range of ranges) {
    boundaries.push(range.start, order.next(range.end));
  }
  boundaries.sort(order.compare);
  const points = boundaries.filter((point, i) => i === 0 || order.compare(boundaries[i - 1]!, point) !== 0);

  const covering = new MinHeap();
  const intervals: Interval<K, T>[] = [];
  let nextByStart = 0;

  for (let k = 0; k < points.length; k++) {
    const point = points[k]!;
    while (nextByStart < byStart.length && order.compare(ranges[byStart[nextByStart]!]!.start, point) <= 0) {
      covering.push(byStart[nextByStart]!);
      nextByStart++;
    }
    // Ranges that ended before this point leave lazily, once they reach the top.
    while (covering.size > 0 && order.compare(ranges[covering.peek()]!.end, point) < 0) {
      covering.pop();
    }
    if (covering.size === 0) {
      continue;
    }

    // The owner's end + 1 is a boundary after `point`, so points[k + 1] exists.
    const owner = ranges[covering.peek()]!;
    const end = order.previous(points[k + 1]!);
    const last = intervals[intervals.length - 1];
    if (last !== undefined && Object.is(last.value, owner.value) && order.compare(order.next(last.end), point) === 0) {
      last.end = end;
    } else {
      intervals.push({ start: point, end, value: owner.value });
    }
  }
  return intervals;
}

/** A binary min-heap of non-negative integers. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items[0]!;
  }

  push(item: number): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= item) {
        break;
      }
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): void {
    const items = this.items;
    const last = items.pop()!;
    if (items.length === 0) {
      return;
    }
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) {
        break;
      }
      const right = left + 1;
      const child = right < items.length && items[right]! < items[left]! ? right : left;
      if (items[child]! >= last) {
        break;
      }
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
  }
}
