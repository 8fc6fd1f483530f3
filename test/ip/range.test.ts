import { describe, expect, it } from 'vitest';

import {
  IpParseError,
  formatRange,
  formatRangeText,
  parseAddress,
  parseClientAddress,
  parseRangeBounds,
  parseRangeInput,
  rangeContains,
  rangeToCidr,
} from '../../src/ip/index.ts';

/** Runs `parse` and returns the IpParseError it throws, failing the test when it throws nothing. */
function parseError(parse: () => unknown): IpParseError {
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

/** Text that is neither a valid entry nor a valid client address. */
const invalidEverywhere = [
  '0127.0.0.1',
  '012.0.0.1',
  '127.1',
  '0x7f.1',
  '2130706433',
  '10.10.10.259',
  '1.2.3.4 5',
  '127.0.0.1.',
  '10.0.0.0/33',
  '10.0.0.10-10.0.0.1',
  '10.0.0.1-2001:db8::1',
];

describe('text invalid everywhere', () => {
  it.each(invalidEverywhere)('parseRangeInput rejects %j', (text) => {
    expect(() => parseRangeInput(text)).toThrow(IpParseError);
  });

  it.each(invalidEverywhere)('parseClientAddress rejects %j', (text) => {
    expect(parseClientAddress(text)).toBeUndefined();
  });

  it('parseRangeInput rejects zone ID "fe80::1%eth0"', () => {
    expect(() => parseRangeInput('fe80::1%eth0')).toThrow(IpParseError);
  });

  it('parseClientAddress drops zone ID of "fe80::1%eth0"', () => {
    expect(parseClientAddress('fe80::1%eth0')).toEqual(parseAddress('fe80::1'));
  });
});

describe('parseRangeInput forms', () => {
  it.each([
    ['192.0.2.10', '192.0.2.10', '192.0.2.10'],
    ['2001:db8::1', '2001:db8::1', '2001:db8::1'],
    ['192.0.2.10-192.0.2.20', '192.0.2.10', '192.0.2.20'],
    ['192.0.2.10 - 192.0.2.20', '192.0.2.10', '192.0.2.20'],
    ['192.0.2.10\t-\t192.0.2.20', '192.0.2.10', '192.0.2.20'],
    ['  192.0.2.10-192.0.2.20  ', '192.0.2.10', '192.0.2.20'],
    ['192.0.2.10-192.0.2.10', '192.0.2.10', '192.0.2.10'],
    ['2001:db8::1-2001:db8::ff', '2001:db8::1', '2001:db8::ff'],
    ['2001:DB8::1-2001:db8:0:0:0:0:0:FF', '2001:db8::1', '2001:db8::ff'],
    ['10.0.0.0/8', '10.0.0.0', '10.255.255.255'],
    ['192.168.0.0/24', '192.168.0.0', '192.168.0.255'],
    ['192.0.2.10/32', '192.0.2.10', '192.0.2.10'],
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255'],
    ['128.0.0.0/1', '128.0.0.0', '255.255.255.255'],
    ['2001:db8::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['2001:db8::1/128', '2001:db8::1', '2001:db8::1'],
    ['::/0', '::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['fe80::/10', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    [' 10.0.0.0/8\t', '10.0.0.0', '10.255.255.255'],
  ])('%j is %s to %s', (text, start, end) => {
    expect(formatRange(parseRangeInput(text))).toEqual({ start, end });
  });
});

describe('when IPv4-mapped ranges', () => {
  it.each([
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:a00:0/104', '10.0.0.0/8'],
    ['0:0:0:0:0:ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
    ['::ffff:0.0.0.0/96', '0.0.0.0/0'],
    ['::ffff:192.0.2.10/128', '192.0.2.10/32'],
    ['::ffff:192.0.2.0/120', '192.0.2.0/24'],
  ])('CIDR %j is IPv4 %s', (text, cidr) => {
    expect(rangeToCidr(parseRangeInput(text))).toBe(cidr);
  });

  it.each([
    ['::ffff:10.0.0.1-::ffff:10.0.0.9', '10.0.0.1', '10.0.0.9'],
    ['::ffff:10.0.0.1-10.0.0.9', '10.0.0.1', '10.0.0.9'],
    ['10.0.0.1-::ffff:a00:9', '10.0.0.1', '10.0.0.9'],
  ])('range %j is IPv4 %s to %s', (text, start, end) => {
    expect(formatRange(parseRangeInput(text))).toEqual({ start, end });
  });

  it.each([
    '::ffff:0:0/95',
    '::ffff:10.0.0.0/95',
    '::ffff:0.0.0.0/0',
    '::ffff:0:0/64',
  ])('CIDR %j with prefix length below 96 is INVALID_RANGE', (text) => {
    expect(parseError(() => parseRangeInput(text)).code).toBe('INVALID_RANGE');
  });

  it.each([
    '::-::ffff:10.0.0.1',
    '::fffe:ffff:ffff-::ffff:0.0.0.0',
    '::ffff:255.255.255.255-::1:0:0:0',
    '::ffff:10.0.0.1-2001:db8::1',
  ])('range %j that leaves the mapped block is INVALID_RANGE', (text) => {
    expect(parseError(() => parseRangeInput(text)).code).toBe('INVALID_RANGE');
  });

  it('message for a range leaving the mapped block names the block', () => {
    expect(parseError(() => parseRangeInput('::-::ffff:10.0.0.1')).message).toContain('::ffff:0:0/96');
  });

  it('message for a short mapped CIDR names the minimum prefix length', () => {
    expect(parseError(() => parseRangeInput('::ffff:0:0/95')).message).toContain('96 or more');
  });

  it.each(['::10.0.0.0/104', '64:ff9b::a00:0/120', '::ffff:0:a00:0/120'])('CIDR %j stays IPv6', (text) => {
    expect(parseRangeInput(text).start.family).toBe(6);
  });

  it.each([
    ['::/0', '::ffff:10.0.0.1', false],
    ['::/0', '::10.0.0.1', true],
    ['::ffff:0:0/96', '10.0.0.1', true],
    ['::10.0.0.0/104', '10.0.0.1', false],
    ['64:ff9b::/96', '10.0.0.1', false],
  ])('%j contains %j: %s', (range, address, expected) => {
    expect(rangeContains(parseRangeInput(range), parseAddress(address))).toBe(expected);
  });
});

describe('parseRangeInput rejections', () => {
  it.each([
    ['', 'INVALID_ADDRESS'],
    ['   ', 'INVALID_ADDRESS'],
    ['10.0.0.0/33', 'INVALID_RANGE'],
    ['2001:db8::/129', 'INVALID_RANGE'],
    ['10.0.0.0/08', 'INVALID_RANGE'],
    ['10.0.0.0/00', 'INVALID_RANGE'],
    ['10.0.0.0/+8', 'INVALID_RANGE'],
    ['10.0.0.0/-8', 'INVALID_RANGE'],
    ['10.0.0.0/ 8', 'INVALID_RANGE'],
    ['10.0.0.0/8x', 'INVALID_RANGE'],
    ['10.0.0.0/8\n', 'INVALID_RANGE'],
    ['10.0.0.0 /8', 'INVALID_ADDRESS'],
    ['10.0.0.0/', 'INVALID_RANGE'],
    ['10.0.0.0/8/8', 'INVALID_RANGE'],
    ['10.0.0.0/0x8', 'INVALID_RANGE'],
    ['10.0.0.0/8.0', 'INVALID_RANGE'],
    ['10.0.0.0/255.0.0.0', 'INVALID_RANGE'],
    ['/8', 'INVALID_ADDRESS'],
    ['10.0.0/8', 'INVALID_ADDRESS'],
    ['192.168.1.100/24', 'INVALID_RANGE'],
    ['10.0.0.1/0', 'INVALID_RANGE'],
    ['2001:db8::1/64', 'INVALID_RANGE'],
    ['10.0.0.10-10.0.0.1', 'INVALID_RANGE'],
    ['2001:db8::2-2001:db8::1', 'INVALID_RANGE'],
    ['10.0.0.1-2001:db8::1', 'INVALID_RANGE'],
    ['2001:db8::1-10.0.0.1', 'INVALID_RANGE'],
    ['10.0.0.1-', 'INVALID_RANGE'],
    ['-10.0.0.1', 'INVALID_RANGE'],
    ['-', 'INVALID_RANGE'],
    ['10.0.0.1-10.0.0.2-10.0.0.3', 'INVALID_RANGE'],
    ['10.0.0.1--10.0.0.2', 'INVALID_RANGE'],
    ['10.0.0.0/8-10.0.0.9', 'INVALID_RANGE'],
    ['10.0.0.1-10.0.0.300', 'INVALID_ADDRESS'],
    ['10.0.0.1-10.0.0.9\n', 'INVALID_ADDRESS'],
    ['10.0.0.1\n', 'INVALID_ADDRESS'],
    ['fe80::1%eth0', 'INVALID_ADDRESS'],
    ['fe80::%eth0/64', 'INVALID_ADDRESS'],
    ['[2001:db8::1]', 'INVALID_ADDRESS'],
    ['[2001:db8::]/32', 'INVALID_ADDRESS'],
    ['192.0.2.10:80', 'INVALID_ADDRESS'],
    ['192.0.2.*', 'INVALID_ADDRESS'],
    ['192.0.2.10,192.0.2.11', 'INVALID_ADDRESS'],
  ])('%j is %s', (text, code) => {
    expect(parseError(() => parseRangeInput(text)).code).toBe(code);
  });

  it('host bits message names the network', () => {
    expect(parseError(() => parseRangeInput('192.168.1.100/24')).message).toContain('192.168.1.0/24');
  });

  it.each([
    ['10.0.0.1/0', '0.0.0.0/0'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['2001:db8:1:2::/16', '2001::/16'],
    ['::ffff:10.0.0.1/104', '10.0.0.0/8'],
  ])('host bits message for %j names %s', (text, network) => {
    expect(parseError(() => parseRangeInput(text)).message).toContain(network);
  });

  it('reversed range message offers the swapped range', () => {
    expect(parseError(() => parseRangeInput('10.0.0.10-10.0.0.1')).message).toContain('10.0.0.1-10.0.0.10');
  });

  it('prefix length message states the maximum', () => {
    expect(parseError(() => parseRangeInput('10.0.0.0/33')).message).toContain('from 0 to 32');
  });

  it.each([
    ['10.0.0.1-10.0.0.300', '10.0.0.300'],
    [' 10.0.0.300 - 10.0.0.1', '10.0.0.300'],
    ['10.0.0.10-10.0.0.1', '10.0.0.10-10.0.0.1'],
    [' 192.168.1.100/24 ', '192.168.1.100/24'],
    ['10.0.0.0/33', '10.0.0.0/33'],
  ])('error value for %j is %j', (text, value) => {
    expect(parseError(() => parseRangeInput(text)).value).toBe(value);
  });

  it.each([
    ['input', 'input'],
    ['start', 'start'],
  ] as const)('error field is %s when requested as %s', (field, expected) => {
    expect(parseError(() => parseRangeInput('127.1', field)).field).toBe(expected);
  });

  it('error field defaults to input', () => {
    expect(parseError(() => parseRangeInput('10.0.0.0/33')).field).toBe('input');
  });
});

describe('CIDR edges', () => {
  it.each([
    ['0.0.0.0/0', '0.0.0.0', true],
    ['0.0.0.0/0', '255.255.255.255', true],
    ['0.0.0.0/0', '::', false],
    ['192.168.0.0/24', '192.168.0.0', true],
    ['192.168.0.0/24', '192.168.0.255', true],
    ['192.168.0.0/24', '192.168.1.0', false],
    ['192.168.0.0/24', '192.167.255.255', false],
    ['192.168.0.0/24', '::ffff:192.168.0.7', true],
    ['10.0.0.0/8', '::ffff:10.0.0.1', true],
    ['10.0.0.0/8', '::10.0.0.1', false],
    ['10.0.0.0/8', '64:ff9b::a00:1', false],
    ['10.0.0.0/8', '::ffff:0:a00:1', false],
    ['::/0', '::', true],
    ['::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['::/0', '0.0.0.0', false],
    ['2001:db8::/32', '2001:db8::', true],
    ['2001:db8::/32', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['2001:db8::/32', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['192.0.2.10-192.0.2.20', '192.0.2.9', false],
    ['192.0.2.10-192.0.2.20', '192.0.2.10', true],
    ['192.0.2.10-192.0.2.20', '192.0.2.20', true],
    ['192.0.2.10-192.0.2.20', '192.0.2.21', false],
    ['192.0.2.10', '192.0.2.10', true],
    ['192.0.2.10', '192.0.2.11', false],
  ])('%j contains %j: %s', (range, address, expected) => {
    expect(rangeContains(parseRangeInput(range), parseAddress(address))).toBe(expected);
  });
});

describe('parseRangeBounds', () => {
  it.each([
    ['192.0.2.10', '192.0.2.20', '192.0.2.10', '192.0.2.20'],
    [' 192.0.2.10 ', '\t192.0.2.20', '192.0.2.10', '192.0.2.20'],
    ['2001:db8::1', '2001:DB8::FF', '2001:db8::1', '2001:db8::ff'],
    ['::ffff:10.0.0.1', '10.0.0.9', '10.0.0.1', '10.0.0.9'],
    ['10.0.0.5', '10.0.0.5', '10.0.0.5', '10.0.0.5'],
  ])('%j to %j is %s to %s', (start, end, formattedStart, formattedEnd) => {
    expect(formatRange(parseRangeBounds(start, end))).toEqual({ start: formattedStart, end: formattedEnd });
  });

  it.each([
    ['127.1', '10.0.0.1', 'INVALID_ADDRESS', 'start', '127.1'],
    ['', '10.0.0.1', 'INVALID_ADDRESS', 'start', ''],
    ['10.0.0.1', '10.0.0.256', 'INVALID_ADDRESS', 'end', '10.0.0.256'],
    ['10.0.0.1', '', 'INVALID_ADDRESS', 'end', ''],
    ['10.0.0.0/8', '10.0.0.1', 'INVALID_ADDRESS', 'start', '10.0.0.0/8'],
    ['10.0.0.1', 'fe80::1%eth0', 'INVALID_ADDRESS', 'end', 'fe80::1%eth0'],
    ['10.0.0.9', '10.0.0.1', 'INVALID_RANGE', 'end', '10.0.0.9-10.0.0.1'],
    ['10.0.0.1', '2001:db8::1', 'INVALID_RANGE', 'end', '10.0.0.1-2001:db8::1'],
    ['::', '::ffff:10.0.0.1', 'INVALID_RANGE', 'end', '::-::ffff:10.0.0.1'],
  ])('%j to %j is %s on field %s with value %j', (start, end, code, field, value) => {
    const error = parseError(() => parseRangeBounds(start, end));
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    expect(error.value).toBe(value);
  });
});

describe('rangeToCidr and formatRangeText', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.0.2.10', '192.0.2.10/32'],
    ['10.0.0.0-10.0.0.255', '10.0.0.0/24'],
    ['10.0.0.0-10.0.1.255', '10.0.0.0/23'],
    ['10.0.0.1-10.0.0.2', undefined],
    ['10.0.0.0-10.0.0.2', undefined],
    ['10.0.1.0-10.0.2.255', undefined],
    ['::/0', '::/0'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:db8::1', '2001:db8::1/128'],
    ['2001:db8::-2001:db8::ff', '2001:db8::/120'],
    ['2001:db8::1-2001:db8::ff', undefined],
    ['::1-::2', undefined],
  ])('CIDR of %j is %s', (text, cidr) => {
    expect(rangeToCidr(parseRangeInput(text))).toBe(cidr);
  });

  it.each([
    ['192.0.2.10', '192.0.2.10'],
    ['192.0.2.10/32', '192.0.2.10'],
    ['10.0.0.0-10.255.255.255', '10.0.0.0/8'],
    ['10.0.0.1-10.0.0.9', '10.0.0.1-10.0.0.9'],
    ['2001:0db8::0001', '2001:db8::1'],
    ['2001:db8::-2001:db8::ffff', '2001:db8::/112'],
    ['2001:db8::1-2001:db8::2', '2001:db8::1-2001:db8::2'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
  ])('text of %j is %j', (text, expected) => {
    expect(formatRangeText(parseRangeInput(text))).toBe(expected);
  });
});
