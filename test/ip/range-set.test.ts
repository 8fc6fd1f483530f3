import { describe, expect, it } from 'vitest';

import { IpParseError, IpRangeSet, formatAddress, parseAddress, parseRangeInput } from '../../src/ip/index.ts';
import type { RangeSetEntry } from '../../src/ip/index.ts';

/** Compiles entries given as range input text, each with its text as the value. */
function compileTexts(texts: readonly string[]): IpRangeSet<string> {
  return IpRangeSet.compile(texts.map((text) => ({ ...parseRangeInput(text), value: text })));
}

function formatIntervals(set: IpRangeSet<string>): string[] {
  return set.intervals().map((interval) => `${formatAddress(interval.start)}-${formatAddress(interval.end)}=${interval.value}`);
}

describe('find on disjoint ranges', () => {
  const set = compileTexts(['10.0.0.0/8', '192.0.2.10-192.0.2.20', '2001:db8::/32', '198.51.100.7', '::1']);

  it.each([
    ['10.0.0.0', '10.0.0.0/8'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['9.255.255.255', undefined],
    ['11.0.0.0', undefined],
    ['192.0.2.9', undefined],
    ['192.0.2.10', '192.0.2.10-192.0.2.20'],
    ['192.0.2.15', '192.0.2.10-192.0.2.20'],
    ['192.0.2.20', '192.0.2.10-192.0.2.20'],
    ['192.0.2.21', undefined],
    ['198.51.100.7', '198.51.100.7'],
    ['198.51.100.6', undefined],
    ['198.51.100.8', undefined],
    ['0.0.0.0', undefined],
    ['255.255.255.255', undefined],
    ['2001:db8::', '2001:db8::/32'],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32'],
    ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', undefined],
    ['2001:db9::', undefined],
    ['::1', '::1'],
    ['::', undefined],
    ['::2', undefined],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', undefined],
  ])('address %j finds %j', (text, expected) => {
    expect(set.find(parseAddress(text))).toBe(expected);
  });

  it.each([
    ['10.1.2.3', '10.0.0.0/8'],
    ['::ffff:10.1.2.3', '10.0.0.0/8'],
    ['::ffff:a01:203', '10.0.0.0/8'],
    ['0:0:0:0:0:ffff:10.1.2.3', '10.0.0.0/8'],
    ['::10.1.2.3', undefined],
    ['64:ff9b::a01:203', undefined],
    ['2001:DB8::1', '2001:db8::/32'],
    ['2001:db8::1%eth0', '2001:db8::/32'],
    ['::1%1', '::1'],
    ['10.1.2.3%eth0', undefined],
    [' 10.1.2.3', undefined],
    ['10.1.2.3 ', undefined],
    ['10.1.2.3\n', undefined],
    ['010.1.2.3', undefined],
    ['10.1.2.3.', undefined],
    ['10.1.2', undefined],
    ['[2001:db8::1]', undefined],
    ['192.0.2.15:80', undefined],
    ['unknown', undefined],
    ['', undefined],
  ])('text %j finds %j', (text, expected) => {
    expect(set.findText(text)).toBe(expected);
  });

  it('size counts the entries', () => {
    expect(set.size).toBe(5);
  });

  it('intervalCount counts the intervals', () => {
    expect(set.intervalCount).toBe(5);
  });
});

describe('find on overlapping ranges', () => {
  it.each([
    // The earliest entry that covers an address owns it.
    [['10.0.0.0/8', '10.1.0.0/16'], '10.1.2.3', '10.0.0.0/8'],
    [['10.1.0.0/16', '10.0.0.0/8'], '10.1.2.3', '10.1.0.0/16'],
    [['10.1.0.0/16', '10.0.0.0/8'], '10.2.0.0', '10.0.0.0/8'],
    [['10.1.0.0/16', '10.0.0.0/8'], '10.0.255.255', '10.0.0.0/8'],
    [['10.1.0.0/16', '10.0.0.0/8'], '10.2.255.255', '10.0.0.0/8'],
    [['10.0.0.1-10.0.0.20', '10.0.0.10-10.0.0.30'], '10.0.0.25', '10.0.0.10-10.0.0.30'],
    [['10.0.0.1-10.0.0.20', '10.0.0.10-10.0.0.30'], '10.0.0.15', '10.0.0.1-10.0.0.20'],
    [['10.0.0.10-10.0.0.30', '10.0.0.1-10.0.0.20'], '10.0.0.5', '10.0.0.1-10.0.0.20'],
    [['10.0.0.10-10.0.0.30', '10.0.0.1-10.0.0.20'], '10.0.0.31', undefined],
    [['0.0.0.0/0', '192.0.2.10'], '192.0.2.10', '0.0.0.0/0'],
    [['192.0.2.10', '0.0.0.0/0'], '192.0.2.10', '192.0.2.10'],
    [['192.0.2.10', '0.0.0.0/0'], '192.0.2.11', '0.0.0.0/0'],
    [['192.0.2.10', '0.0.0.0/0'], '255.255.255.255', '0.0.0.0/0'],
    [['2001:db8::5', '2001:db8::/32'], '2001:db8::5', '2001:db8::5'],
    [['2001:db8::5', '2001:db8::/32'], '2001:db8::6', '2001:db8::/32'],
    [['::/0', '2001:db8::/32'], '2001:db8::1', '::/0'],
    [['::/0', '0.0.0.0/0'], '10.0.0.1', '0.0.0.0/0'],
    [['::/0', '0.0.0.0/0'], '::ffff:10.0.0.1', '0.0.0.0/0'],
    [['::/0'], '::ffff:10.0.0.1', undefined],
  ])('entries %j find %j as %j', (texts, address, expected) => {
    expect(compileTexts(texts).findText(address)).toBe(expected);
  });
});

describe('compiled intervals', () => {
  it.each([
    [['10.0.0.0/8', '10.1.0.0/16'], ['10.0.0.0-10.255.255.255=10.0.0.0/8']],
    [
      ['10.1.0.0/16', '10.0.0.0/8'],
      ['10.0.0.0-10.0.255.255=10.0.0.0/8', '10.1.0.0-10.1.255.255=10.1.0.0/16', '10.2.0.0-10.255.255.255=10.0.0.0/8'],
    ],
    [
      ['10.0.0.0-10.0.0.9', '10.0.0.10-10.0.0.19'],
      ['10.0.0.0-10.0.0.9=10.0.0.0-10.0.0.9', '10.0.0.10-10.0.0.19=10.0.0.10-10.0.0.19'],
    ],
    [
      ['10.0.0.5', '10.0.0.1-10.0.0.9', '10.0.0.5'],
      ['10.0.0.1-10.0.0.4=10.0.0.1-10.0.0.9', '10.0.0.5-10.0.0.5=10.0.0.5', '10.0.0.6-10.0.0.9=10.0.0.1-10.0.0.9'],
    ],
    [
      ['2001:db8::/32', '10.0.0.1'],
      ['10.0.0.1-10.0.0.1=10.0.0.1', '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff=2001:db8::/32'],
    ],
    [['255.255.255.255', '0.0.0.0'], ['0.0.0.0-0.0.0.0=0.0.0.0', '255.255.255.255-255.255.255.255=255.255.255.255']],
    [[], []],
  ])('entries %j compile to %j', (texts, expected) => {
    expect(formatIntervals(compileTexts(texts))).toEqual(expected);
  });

  it('adjacent ranges with the same value merge', () => {
    const entries: RangeSetEntry<string>[] = [
      { ...parseRangeInput('10.0.0.0-10.0.0.9'), value: 'office' },
      { ...parseRangeInput('10.0.0.10-10.0.0.19'), value: 'office' },
      { ...parseRangeInput('10.0.0.15-10.0.0.29'), value: 'office' },
    ];
    expect(formatIntervals(IpRangeSet.compile(entries))).toEqual(['10.0.0.0-10.0.0.29=office']);
  });

  it('ranges with a gap between them stay apart', () => {
    const entries: RangeSetEntry<string>[] = [
      { ...parseRangeInput('10.0.0.0-10.0.0.9'), value: 'office' },
      { ...parseRangeInput('10.0.0.11-10.0.0.19'), value: 'office' },
    ];
    expect(IpRangeSet.compile(entries).intervalCount).toBe(2);
  });

  it('adjacent IPv6 ranges with the same value merge', () => {
    const entries: RangeSetEntry<number>[] = [
      { ...parseRangeInput('2001:db8::/33'), value: 1 },
      { ...parseRangeInput('2001:db8:8000::/33'), value: 1 },
    ];
    expect(IpRangeSet.compile(entries).intervalCount).toBe(1);
  });

  it('size counts overlapping and merged entries', () => {
    expect(compileTexts(['10.0.0.0/8', '10.0.0.0/8', '10.1.0.0/16']).size).toBe(3);
  });

  it('accepts any iterable', () => {
    function* entries(): Generator<RangeSetEntry<string>> {
      yield { ...parseRangeInput('10.0.0.0/8'), value: 'a' };
    }
    expect(IpRangeSet.compile(entries()).findText('10.0.0.1')).toBe('a');
  });

  it('returns falsy values as stored', () => {
    const set = IpRangeSet.compile([{ ...parseRangeInput('10.0.0.0/8'), value: 0 }]);
    expect(set.findText('10.0.0.1')).toBe(0);
  });
});

describe('compile rejections', () => {
  it.each([
    ['mixed families', { start: parseAddress('10.0.0.1'), end: parseAddress('2001:db8::1'), value: 'x' }],
    ['IPv4 start after end', { start: parseAddress('10.0.0.9'), end: parseAddress('10.0.0.1'), value: 'x' }],
    ['IPv6 start after end', { start: parseAddress('::9'), end: parseAddress('::1'), value: 'x' }],
  ])('%s throws INVALID_RANGE', (_name, entry) => {
    expect(() => IpRangeSet.compile([entry])).toThrow(IpParseError);
  });

  it.each([
    ['negative IPv4 value', { start: { family: 4, value: -1 }, end: { family: 4, value: 5 }, value: 'x' }],
    ['IPv4 value above uint32', { start: { family: 4, value: 0 }, end: { family: 4, value: 2 ** 32 }, value: 'x' }],
    ['fractional IPv4 value', { start: { family: 4, value: 1.5 }, end: { family: 4, value: 5 }, value: 'x' }],
    ['IPv6 value above 128 bits', { start: { family: 6, value: 0n }, end: { family: 6, value: 1n << 128n }, value: 'x' }],
  ] as [string, RangeSetEntry<string>][])('%s throws TypeError', (_name, entry) => {
    expect(() => IpRangeSet.compile([entry])).toThrow(TypeError);
  });
});

describe('find with out-of-range values', () => {
  const set = compileTexts(['0.0.0.0/0', '::/0']);

  it.each([
    ['negative IPv4', { family: 4, value: -1 } as const],
    ['IPv4 above uint32', { family: 4, value: 2 ** 32 } as const],
    ['fractional IPv4', { family: 4, value: 0.5 } as const],
    ['negative IPv6', { family: 6, value: -1n } as const],
    ['IPv6 above 128 bits', { family: 6, value: 1n << 128n } as const],
  ])('%s finds nothing', (_name, address) => {
    expect(set.find(address)).toBeUndefined();
  });
});

describe('empty set', () => {
  const set = IpRangeSet.compile<string>([]);

  it.each(['0.0.0.0', '255.255.255.255', '::', '2001:db8::1'])('finds nothing for %j', (text) => {
    expect(set.findText(text)).toBeUndefined();
  });

  it('has size 0', () => {
    expect(set.size).toBe(0);
  });
});
