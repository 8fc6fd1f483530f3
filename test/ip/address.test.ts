import { describe, expect, it } from 'vitest';

import {
  IpParseError,
  addressesEqual,
  compareAddresses,
  formatAddress,
  parseAddress,
  parseClientAddress,
} from '../../src/ip/index.ts';
import type { IpAddress } from '../../src/ip/index.ts';

function ipv4(a: number, b: number, c: number, d: number): IpAddress {
  return { family: 4, value: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0 };
}

function ipv6(value: bigint): IpAddress {
  return { family: 6, value };
}

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

describe('IPv4 text', () => {
  it.each([
    ['0.0.0.0', ipv4(0, 0, 0, 0)],
    ['255.255.255.255', ipv4(255, 255, 255, 255)],
    ['127.0.0.1', ipv4(127, 0, 0, 1)],
    ['192.0.2.10', ipv4(192, 0, 2, 10)],
    ['10.0.0.1', ipv4(10, 0, 0, 1)],
    ['1.2.3.4', ipv4(1, 2, 3, 4)],
    ['100.64.0.0', ipv4(100, 64, 0, 0)],
    ['249.250.251.252', ipv4(249, 250, 251, 252)],
    ['0.10.100.0', ipv4(0, 10, 100, 0)],
  ])('parses %j', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each([
    ['0127.0.0.1', 'leading zero (octal in inet_aton)'],
    ['012.0.0.1', 'leading zero (octal in inet_aton)'],
    ['127.00.0.1', 'double zero'],
    ['127.0.0.01', 'leading zero in the last part'],
    ['127.1', 'shorthand with two parts'],
    ['127.0.1', 'shorthand with three parts'],
    ['0x7f.1', 'hex shorthand'],
    ['0x7f.0.0.1', 'hex part'],
    ['2130706433', 'integer form'],
    ['10.10.10.259', 'part above 255'],
    ['256.0.0.0', 'first part above 255'],
    ['1000.0.0.0', 'four-digit part'],
    ['1.2.3.4 5', 'inner space'],
    ['1.2. 3.4', 'space after a dot'],
    ['127.0.0.1.', 'trailing dot'],
    ['.127.0.0.1', 'leading dot'],
    ['1..2.3', 'empty part'],
    ['1.2.3.4.5', 'five parts'],
    ['1.2.3.-4', 'sign'],
    ['+1.2.3.4', 'plus sign'],
    ['1.2.3.4a', 'trailing letter'],
    ['１.2.3.4', 'full-width digit'],
    ['1.2.3.4\n', 'trailing newline'],
    ['1.2.3.4\r\n', 'trailing CRLF'],
    ['1.2.3.4\0', 'trailing NUL'],
    ['1.2.3.4/', 'trailing slash'],
    ['', 'empty text'],
  ])('rejects %j (%s)', (text) => {
    expect(() => parseAddress(text)).toThrow(IpParseError);
  });
});

describe('IPv6 text', () => {
  it.each([
    ['::', ipv6(0n)],
    ['::1', ipv6(1n)],
    ['1::', ipv6(1n << 112n)],
    ['2001:db8::1', ipv6(0x2001_0db8_0000_0000_0000_0000_0000_0001n)],
    ['2001:0DB8:0:0:0:0:0:1', ipv6(0x2001_0db8_0000_0000_0000_0000_0000_0001n)],
    ['2001:DB8::A:b:C', ipv6(0x2001_0db8_0000_0000_0000_000a_000b_000cn)],
    ['0001:0002:0003:0004:0005:0006:0007:0008', ipv6(0x0001_0002_0003_0004_0005_0006_0007_0008n)],
    ['1:2:3:4:5:6:7::', ipv6(0x0001_0002_0003_0004_0005_0006_0007_0000n)],
    ['::2:3:4:5:6:7:8', ipv6(0x0000_0002_0003_0004_0005_0006_0007_0008n)],
    ['1:2:3::6:7:8', ipv6(0x0001_0002_0003_0000_0000_0006_0007_0008n)],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', ipv6((1n << 128n) - 1n)],
    ['fe80::1', ipv6(0xfe80_0000_0000_0000_0000_0000_0000_0001n)],
    ['::10.0.0.1', ipv6(0x0a00_0001n)],
    ['::0.0.0.0', ipv6(0n)],
    ['64:ff9b::10.0.0.1', ipv6(0x0064_ff9b_0000_0000_0000_0000_0a00_0001n)],
    ['64:ff9b::a00:1', ipv6(0x0064_ff9b_0000_0000_0000_0000_0a00_0001n)],
    ['1:2:3:4:5:6:1.2.3.4', ipv6(0x0001_0002_0003_0004_0005_0006_0102_0304n)],
    ['1:2:3:4:5::1.2.3.4', ipv6(0x0001_0002_0003_0004_0005_0000_0102_0304n)],
    ['::ffff:0:10.0.0.1', ipv6(0xffff_0000_0a00_0001n)],
    ['::fffe:10.0.0.1', ipv6(0xfffe_0a00_0001n)],
    ['::1:ffff:10.0.0.1', ipv6(0x0001_ffff_0a00_0001n)],
    ['2002:a00:1::', ipv6(0x2002_0a00_0001n << 80n)],
  ])('parses %j', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each([
    [':::', 'three colons'],
    [':', 'single colon'],
    ['1::2::3', 'two "::"'],
    ['1:2:3:4:5:6:7:8:9', 'nine groups'],
    ['1:2:3:4:5:6:7', 'seven groups without "::"'],
    ['1:2:3:4:5:6:7:8::', 'eight groups and a "::"'],
    ['::1:2:3:4:5:6:7:8', '"::" before eight groups'],
    ['1:2:3:4::5:6:7:8', '"::" between eight groups'],
    ['12345::', 'five-digit group'],
    ['::00001', 'five-digit group with leading zeros'],
    ['g::1', 'non-hex letter'],
    [':1::', 'leading single colon'],
    ['1::1:', 'trailing single colon'],
    ['1:2:3:4:5:6:7:8:', 'trailing colon after eight groups'],
    ['::ffff:1.2.3', 'three-part embedded IPv4'],
    ['::ffff:1.2.3.4.5', 'five-part embedded IPv4'],
    ['::ffff:01.2.3.4', 'embedded IPv4 with a leading zero'],
    ['::ffff:256.2.3.4', 'embedded IPv4 part above 255'],
    ['::1.2.3.4:1', 'embedded IPv4 before a group'],
    ['1:2:3:4:5:6:7:1.2.3.4', 'embedded IPv4 after seven groups'],
    ['1:2:3:4:5:6::1.2.3.4', 'embedded IPv4 with "::" standing for no group'],
    ['::ffff:1a.2.3.4', 'hex digit in embedded IPv4'],
    ['[2001:db8::1]', 'brackets'],
    ['[2001:db8::1]:443', 'brackets and port'],
    ['2001:db8::1/128', 'prefix length'],
    ['2001:db8:: 1', 'inner space'],
    ['2001:db8::1\n', 'trailing newline'],
    ['::ffff:10.0.0.1.', 'trailing dot'],
  ])('rejects %j (%s)', (text) => {
    expect(() => parseAddress(text)).toThrow(IpParseError);
  });
});

describe('when IPv4-mapped IPv6 addresses', () => {
  it.each([
    '::ffff:10.0.0.1',
    '::ffff:a00:1',
    '::FFFF:A00:1',
    '0:0:0:0:0:ffff:10.0.0.1',
    '0:0:0:0:0:ffff:a00:1',
    '0000:0000:0000:0000:0000:FFFF:0a00:0001',
    '::0:ffff:10.0.0.1',
  ])('%j is IPv4 10.0.0.1', (text) => {
    expect(parseAddress(text)).toEqual(ipv4(10, 0, 0, 1));
  });

  it.each([
    ['::ffff:0.0.0.0', ipv4(0, 0, 0, 0)],
    ['::ffff:255.255.255.255', ipv4(255, 255, 255, 255)],
    ['::ffff:ffff:ffff', ipv4(255, 255, 255, 255)],
    ['::ffff:0:0', ipv4(0, 0, 0, 0)],
  ])('%j is the IPv4 address at the block edge', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each([
    '::10.0.0.1',
    '64:ff9b::a00:1',
    '64:ff9b::10.0.0.1',
    '2002:a00:1::',
    '::ffff:0:a00:1',
    '::ffff:0:10.0.0.1',
    '::fffe:a00:1',
  ])('%j stays IPv6', (text) => {
    expect(parseAddress(text).family).toBe(6);
  });
});

describe('typed input whitespace', () => {
  it.each([
    [' 10.0.0.1', ipv4(10, 0, 0, 1)],
    ['10.0.0.1 ', ipv4(10, 0, 0, 1)],
    ['\t10.0.0.1\t', ipv4(10, 0, 0, 1)],
    ['  2001:db8::1  ', ipv6(0x2001_0db8_0000_0000_0000_0000_0000_0001n)],
  ])('parseAddress trims %j', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each(['10.0.0.1\n', '\n10.0.0.1', '10.0.0.1\r', '10.0.0.1\v', '\u00a010.0.0.1', '10.0.0.1\u2003', '10.0.0 .1', ' '])(
    'parseAddress rejects %j',
    (text) => {
      expect(() => parseAddress(text)).toThrow(IpParseError);
    },
  );
});

describe('parseAddress errors', () => {
  it.each([
    ['127.1', 'write four decimal numbers from 0 to 255'],
    ['0127.0.0.1', 'without leading zeros'],
    ['1:2:3', 'like 2001:db8::1'],
    ['fe80::1%eth0', 'remove the zone ID "%eth0"'],
    ['[2001:db8::1]', 'without brackets or a port'],
    ['192.0.2.10:8080', 'without a port, like 192.0.2.10'],
    ['10.0.0.1\n', 'remove the line break'],
    ['1.2.3.4 5', 'contains no whitespace'],
    ['', 'Missing IP address'],
  ])('message for %j hints %j', (text, hint) => {
    expect(parseError(() => parseAddress(text)).message).toContain(hint);
  });

  it.each(['127.1', 'fe80::1%eth0', '1::2::3', '10.0.0.1\n'])('message for %j quotes the value', (text) => {
    expect(parseError(() => parseAddress(text)).message).toContain(JSON.stringify(text));
  });

  it.each([
    ['127.1', '127.1'],
    [' 127.1 ', '127.1'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
  ])('value of error for %j is %j', (text, value) => {
    expect(parseError(() => parseAddress(text)).value).toBe(value);
  });

  it('code is INVALID_ADDRESS', () => {
    expect(parseError(() => parseAddress('1.2.3')).code).toBe('INVALID_ADDRESS');
  });

  it('name is IpParseError', () => {
    expect(parseError(() => parseAddress('1.2.3')).name).toBe('IpParseError');
  });
});

describe('parseClientAddress', () => {
  it.each([
    ['127.0.0.1', ipv4(127, 0, 0, 1)],
    ['::ffff:127.0.0.1', ipv4(127, 0, 0, 1)],
    ['::1', ipv6(1n)],
    ['fe80::1%eth0', ipv6(0xfe80_0000_0000_0000_0000_0000_0000_0001n)],
    ['fe80::1%2', ipv6(0xfe80_0000_0000_0000_0000_0000_0000_0001n)],
    ['fe80::1%en0.1', ipv6(0xfe80_0000_0000_0000_0000_0000_0000_0001n)],
    ['::ffff:10.0.0.1%eth0', ipv4(10, 0, 0, 1)],
  ])('parses %j', (text, expected) => {
    expect(parseClientAddress(text)).toEqual(expected);
  });

  it.each([
    [' 127.0.0.1', 'leading space'],
    ['127.0.0.1 ', 'trailing space'],
    ['127.0.0.1\n', 'trailing newline'],
    ['10.0.0.1%eth0', 'zone ID after IPv4'],
    ['fe80::1%', 'empty zone ID'],
    ['fe80::1%eth 0', 'space in zone ID'],
    ['fe80::1%eth0%1', 'two zone IDs'],
    ['fe80::1%eth0,1.2.3.4', 'comma in zone ID'],
    ['%eth0', 'zone ID alone'],
    ['[::1]', 'brackets'],
    ['127.0.0.1:80', 'port'],
    ['unknown', 'unknown'],
    ['', 'empty text'],
  ])('rejects %j (%s)', (text) => {
    expect(parseClientAddress(text)).toBeUndefined();
  });
});

describe('formatAddress', () => {
  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:0DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['0:1:2:3:4:5:6:7', '0:1:2:3:4:5:6:7'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:0:1:0:0:1:0', '1::1:0:0:1:0'],
    ['0:0:1:0:0:1:0:0', '::1:0:0:1:0:0'],
    ['2001:db8:0000:0000:0000::1', '2001:db8::1'],
    ['0001:0020:0300:4000::', '1:20:300:4000::'],
    ['::10.0.0.1', '::a00:1'],
    ['64:ff9b::10.0.0.1', '64:ff9b::a00:1'],
    ['::ffff:0:10.0.0.1', '::ffff:0:a00:1'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%j is written %j', (text, expected) => {
    const address = parseClientAddress(text);
    expect(address).toBeDefined();
    expect(formatAddress(address!)).toBe(expected);
  });
});

describe('compareAddresses', () => {
  it.each([
    ['192.168.1.5', '192.168.1.254', -1],
    ['192.168.1.254', '192.168.1.5', 1],
    ['10.0.0.1', '9.255.255.255', 1],
    ['0.0.0.0', '255.255.255.255', -1],
    ['10.0.0.1', '::ffff:10.0.0.1', 0],
    ['255.255.255.255', '::', -1],
    ['::', '0.0.0.0', 1],
    ['2001:db8::9', '2001:db8::10', -1],
    ['::1', '::', 1],
    ['ffff::', '::ffff', 1],
    ['2001:db8::1', '2001:0db8::0001', 0],
  ])('%j compared with %j is %d', (a, b, expected) => {
    expect(Math.sign(compareAddresses(parseAddress(a), parseAddress(b)))).toBe(expected);
  });

  it.each([
    ['10.0.0.1', '::ffff:a00:1', true],
    ['10.0.0.1', '::a00:1', false],
    ['::1', '0:0:0:0:0:0:0:1', true],
  ])('addressesEqual(%j, %j) is %s', (a, b, expected) => {
    expect(addressesEqual(parseAddress(a), parseAddress(b))).toBe(expected);
  });

  it('sorts a mixed list numerically, IPv4 first', () => {
    const sorted = ['2001:db8::1', '192.168.1.254', '::1', '192.168.1.5', '10.0.0.1']
      .map((text) => parseAddress(text))
      .sort(compareAddresses)
      .map((address) => formatAddress(address));
    expect(sorted).toEqual(['10.0.0.1', '192.168.1.5', '192.168.1.254', '::1', '2001:db8::1']);
  });
});
