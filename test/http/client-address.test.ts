import { describe, expect, it } from 'vitest';

import { compileProxyTrust, resolveClientAddress } from '../../src/http/client-address.ts';
import type { ForwardingHeader } from '../../src/http/client-address.ts';
import { IpParseError, formatAddress } from '../../src/ip/index.ts';

type Headers = Record<string, string | string[] | undefined>;

/** Resolves the client address and formats it, or returns undefined. */
function resolve(peer: string | undefined, headers: Headers, trustList: string, header?: ForwardingHeader): string | undefined {
  const address = resolveClientAddress(peer, headers, compileProxyTrust(trustList, header));
  return address === undefined ? undefined : formatAddress(address);
}

describe('without trusted proxies', () => {
  it.each([
    ['127.0.0.1', {}, '127.0.0.1'],
    ['::1', {}, '::1'],
    ['::ffff:127.0.0.1', {}, '127.0.0.1'],
    ['::ffff:7f00:1', {}, '127.0.0.1'],
    ['fe80::1%eth0', {}, 'fe80::1'],
    ['198.51.100.7', { 'x-forwarded-for': '203.0.113.9' }, '198.51.100.7'],
    ['198.51.100.7', { forwarded: 'for=203.0.113.9' }, '198.51.100.7'],
    ['198.51.100.7', { 'x-forwarded-for': 'garbage' }, '198.51.100.7'],
    ['2001:db8::5', { 'x-forwarded-for': '203.0.113.9' }, '2001:db8::5'],
  ])('peer %j with headers %j is %j', (peer, headers, expected) => {
    expect(resolve(peer, headers, '')).toBe(expected);
  });

  it.each([
    [undefined, 'missing peer'],
    ['', 'empty peer'],
    ['127.1', 'shorthand peer'],
    [' 127.0.0.1', 'peer with a space'],
    ['127.0.0.1:8080', 'peer with a port'],
  ] as [string | undefined, string][])('peer %j is undefined (%s)', (peer) => {
    expect(resolve(peer, {}, '')).toBeUndefined();
  });
});

describe('X-Forwarded-For from trusted 127.0.0.1', () => {
  it.each([
    ['rightmost untrusted hop', '203.0.113.9, 198.51.100.7', '198.51.100.7'],
    ['single hop', '203.0.113.9', '203.0.113.9'],
    ['hop without spaces', '203.0.113.9,198.51.100.7', '198.51.100.7'],
    ['hop with tabs', '203.0.113.9,\t198.51.100.7\t', '198.51.100.7'],
    ['trusted hops skipped', '203.0.113.9, 127.0.0.1, 127.0.0.1', '203.0.113.9'],
    ['every hop trusted gives leftmost', '127.0.0.1, 127.0.0.1', '127.0.0.1'],
    ['IPv4 with port', '1.2.3.4:5678', '1.2.3.4'],
    ['bracketed IPv6 with port', '[2001:db8::1]:443', '2001:db8::1'],
    ['bracketed IPv6 without port', '[2001:db8::1]', '2001:db8::1'],
    ['bare IPv6', '2001:db8::1', '2001:db8::1'],
    ['bare IPv6 ending in a number', '2001:db8::1:80', '2001:db8::1:80'],
    ['IPv4-mapped hop', '::ffff:203.0.113.9', '203.0.113.9'],
    ['bracketed IPv4-mapped hop', '[::ffff:203.0.113.9]:80', '203.0.113.9'],
    ['trusted IPv4-mapped hop skipped', '203.0.113.9, ::ffff:127.0.0.1', '203.0.113.9'],
    ['IPv6 zone ID dropped', 'fe80::1%eth0', 'fe80::1'],
    ['garbage left of the client ignored', 'garbage, 203.0.113.9', '203.0.113.9'],
    ['empty hop left of the client ignored', ', 203.0.113.9', '203.0.113.9'],
    ['upper-case IPv6', '2001:DB8::A', '2001:db8::a'],
    ['port 0', '1.2.3.4:0', '1.2.3.4'],
    ['port 65535', '1.2.3.4:65535', '1.2.3.4'],
  ])('%s: %j gives %j', (_name, value, expected) => {
    expect(resolve('127.0.0.1', { 'x-forwarded-for': value }, '127.0.0.1')).toBe(expected);
  });

  it.each([
    ['unknown', 'unknown'],
    ['garbage', 'garbage'],
    ['empty value', ''],
    ['only spaces', '   '],
    ['empty hop at the right', '203.0.113.9, '],
    ['empty hop between trusted hops', '203.0.113.9, , 127.0.0.1'],
    ['garbage right of the client', '203.0.113.9, garbage'],
    ['unknown right of the client', '203.0.113.9, unknown'],
    ['shorthand IPv4', '127.1'],
    ['leading zero', '0127.0.0.1'],
    ['integer form', '2130706433'],
    ['hex IPv4', '0x7f.0.0.1'],
    ['trailing dot', '203.0.113.9.'],
    ['inner space', '203.0.113 .9'],
    ['obfuscated identifier', '_hidden'],
    ['port above 65535', '1.2.3.4:65536'],
    ['six-digit port', '1.2.3.4:000080'],
    ['empty port', '1.2.3.4:'],
    ['non-numeric port', '1.2.3.4:http'],
    ['bracketed IPv4', '[1.2.3.4]'],
    ['bracketed IPv4 with port', '[1.2.3.4]:80'],
    ['unclosed bracket', '[2001:db8::1'],
    ['text after bracket', '[2001:db8::1]x'],
    ['empty bracket port', '[2001:db8::1]:'],
    ['IPv4 with two ports', '1.2.3.4:80:80'],
    ['CIDR', '203.0.113.0/24'],
    ['newline inside', '203.0.113.9\n'],
    ['quoted address', '"203.0.113.9"'],
  ])('%s (%j) is undefined', (_name, value) => {
    expect(resolve('127.0.0.1', { 'x-forwarded-for': value }, '127.0.0.1')).toBeUndefined();
  });

  it.each([
    ['lines in order', ['203.0.113.9', '198.51.100.7'], '198.51.100.7'],
    ['last line trusted', ['203.0.113.9', '127.0.0.1'], '203.0.113.9'],
    ['lines with several hops', ['192.0.2.1, 203.0.113.9', '127.0.0.1, 127.0.0.1'], '203.0.113.9'],
    ['one line in an array', ['203.0.113.9'], '203.0.113.9'],
  ])('%s: %j gives %j', (_name, lines, expected) => {
    expect(resolve('127.0.0.1', { 'x-forwarded-for': lines }, '127.0.0.1')).toBe(expected);
  });

  it.each([
    ['empty last line', ['203.0.113.9', '']],
    ['garbage last line', ['203.0.113.9', 'garbage']],
  ])('%s (%j) is undefined', (_name, lines) => {
    expect(resolve('127.0.0.1', { 'x-forwarded-for': lines }, '127.0.0.1')).toBeUndefined();
  });

  it.each([
    ['no header', {}, '127.0.0.1'],
    ['empty array of lines', { 'x-forwarded-for': [] }, '127.0.0.1'],
    ['only Forwarded, which is not configured', { forwarded: 'for=203.0.113.9' }, '127.0.0.1'],
    ['both headers, X-Forwarded-For wins', { 'x-forwarded-for': '198.51.100.7', forwarded: 'for=203.0.113.9' }, '198.51.100.7'],
  ])('%s gives %j', (_name, headers, expected) => {
    expect(resolve('127.0.0.1', headers, '127.0.0.1')).toBe(expected);
  });

  it('header from untrusted peer 127.0.0.2 is ignored', () => {
    expect(resolve('127.0.0.2', { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' }, '127.0.0.1')).toBe('127.0.0.2');
  });

  it('IPv4-mapped peer is trusted as IPv4', () => {
    expect(resolve('::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.7' }, '127.0.0.1')).toBe('198.51.100.7');
  });
});

describe('trust lists', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', '203.0.113.9', '203.0.113.9'],
    ['CIDR', '10.0.0.0/8', '10.1.2.3', '203.0.113.9'],
    ['range', '10.0.0.1-10.0.0.9', '10.0.0.5', '203.0.113.9'],
    ['range outside', '10.0.0.1-10.0.0.9', '10.0.0.10', '10.0.0.10'],
    ['two entries', '127.0.0.1, ::1', '::1', '203.0.113.9'],
    ['IPv6 CIDR', '2001:db8::/32', '2001:db8::7', '203.0.113.9'],
    ['IPv4-mapped CIDR', '::ffff:10.0.0.0/104', '10.1.2.3', '203.0.113.9'],
    ['IPv4-mapped entry matches IPv4-mapped peer', '::ffff:10.0.0.1', '::ffff:10.0.0.1', '203.0.113.9'],
    ['empty entries ignored', ',127.0.0.1,,', '127.0.0.1', '203.0.113.9'],
    ['empty list trusts nothing', '', '127.0.0.1', '127.0.0.1'],
    ['blank list trusts nothing', ' , ', '127.0.0.1', '127.0.0.1'],
  ])('%s: list %j, peer %j gives %j', (_name, list, peer, expected) => {
    expect(resolve(peer, { 'x-forwarded-for': '203.0.113.9' }, list)).toBe(expected);
  });

  it('chain of trusted proxies is skipped', () => {
    const headers = { 'x-forwarded-for': '203.0.113.9, 10.0.0.2, 10.0.0.3' };
    expect(resolve('10.0.0.4', headers, '10.0.0.0/8')).toBe('203.0.113.9');
  });

  it('spoofed hop left of the client is ignored', () => {
    const headers = { 'x-forwarded-for': '127.0.0.1, 203.0.113.9, 10.0.0.2' };
    expect(resolve('10.0.0.4', headers, '10.0.0.0/8, 127.0.0.1')).toBe('203.0.113.9');
  });

  it('accepts an array of entries', () => {
    const trust = compileProxyTrust(['127.0.0.1', '10.0.0.0/8, ::1']);
    expect(trust.proxies.size).toBe(3);
  });

  it('defaults to X-Forwarded-For', () => {
    expect(compileProxyTrust('127.0.0.1').header).toBe('x-forwarded-for');
  });

  it.each([
    ['127.1', '127.1'],
    ['10.0.0.0/33', '10.0.0.0/33'],
    ['127.0.0.1, 192.168.1.100/24', '192.168.1.100/24'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['127.0.0.1 10.0.0.1', '127.0.0.1 10.0.0.1'],
  ])('invalid list %j names entry %j', (list, entry) => {
    let caught: unknown;
    try {
      compileProxyTrust(list);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IpParseError);
    expect((caught as IpParseError).value).toBe(entry);
    expect((caught as IpParseError).message).toContain(JSON.stringify(entry));
  });

  it('rejects an unknown header name', () => {
    expect(() => compileProxyTrust('127.0.0.1', 'x-real-ip' as ForwardingHeader)).toThrow(TypeError);
  });
});

describe('Forwarded from trusted 127.0.0.1', () => {
  it.each([
    ['for parameter', 'for=203.0.113.9', '203.0.113.9'],
    ['upper-case name', 'For=203.0.113.9', '203.0.113.9'],
    ['all-caps name', 'FOR=203.0.113.9', '203.0.113.9'],
    ['quoted IPv4', 'for="203.0.113.9"', '203.0.113.9'],
    ['quoted IPv4 with port', 'for="203.0.113.9:8080"', '203.0.113.9'],
    ['quoted IPv4 with obfuscated port', 'for="203.0.113.9:_port"', '203.0.113.9'],
    ['quoted bracketed IPv6', 'for="[2001:db8:cafe::17]"', '2001:db8:cafe::17'],
    ['quoted bracketed IPv6 with port', 'for="[2001:db8:cafe::17]:4711"', '2001:db8:cafe::17'],
    ['bracketed IPv4-mapped', 'for="[::ffff:203.0.113.9]"', '203.0.113.9'],
    ['escaped characters in quotes', 'for="\\203.0.113.9"', '203.0.113.9'],
    ['other parameters', 'for=203.0.113.9;proto=https;by=203.0.113.43', '203.0.113.9'],
    ['for parameter last', 'proto=https;for=203.0.113.9', '203.0.113.9'],
    ['spaces around semicolons', 'for=203.0.113.9; proto=https', '203.0.113.9'],
    ['quoted comma in another parameter', 'for=203.0.113.9;host="a,b"', '203.0.113.9'],
    ['two elements', 'for=198.51.100.7, for=203.0.113.9', '203.0.113.9'],
    ['trusted element skipped', 'for=198.51.100.7, for=127.0.0.1', '198.51.100.7'],
    ['every element trusted gives leftmost', 'for=127.0.0.1, for=127.0.0.1', '127.0.0.1'],
    ['unknown left of the client ignored', 'for=unknown, for=203.0.113.9', '203.0.113.9'],
    ['empty element left of the client ignored', ', for=203.0.113.9', '203.0.113.9'],
    ['element without for left of the client ignored', 'proto=http, for=203.0.113.9', '203.0.113.9'],
    ['empty parameter between semicolons', 'for=203.0.113.9;;proto=https', '203.0.113.9'],
  ])('%s: %j gives %j', (_name, value, expected) => {
    expect(resolve('127.0.0.1', { forwarded: value }, '127.0.0.1', 'forwarded')).toBe(expected);
  });

  it.each([
    ['unknown', 'for=unknown'],
    ['quoted unknown', 'for="unknown"'],
    ['upper-case unknown', 'for=UNKNOWN'],
    ['unknown with port', 'for="unknown:80"'],
    ['obfuscated identifier', 'for=_hidden'],
    ['quoted obfuscated identifier', 'for="_gazonk"'],
    ['obfuscated right of the client', 'for=203.0.113.9, for=_hidden'],
    ['element without for', 'proto=https'],
    ['empty value', ''],
    ['empty element at the right', 'for=203.0.113.9, '],
    ['empty for value', 'for='],
    ['empty quoted for value', 'for=""'],
    ['unquoted port', 'for=203.0.113.9:8080'],
    ['unquoted IPv6', 'for=2001:db8::1'],
    ['unquoted bracketed IPv6', 'for=[2001:db8::1]'],
    ['quoted IPv6 without brackets', 'for="2001:db8::1"'],
    ['bracketed IPv4', 'for="[203.0.113.9]"'],
    ['unclosed quote', 'for="203.0.113.9'],
    ['unclosed quote swallowing a later element', 'for="x, for=203.0.113.9'],
    ['duplicate for', 'for=198.51.100.7;for=203.0.113.9'],
    ['space before equals', 'for =203.0.113.9'],
    ['space after equals', 'for= 203.0.113.9'],
    ['missing equals', 'for'],
    ['garbage', 'garbage'],
    ['garbage left of the client', 'garbage, for=203.0.113.9'],
    ['leading zero', 'for=0127.0.0.1'],
    ['shorthand IPv4', 'for=127.1'],
    ['port above 65535', 'for="203.0.113.9:65536"'],
    ['control character in quotes', 'for="203.0.113.9\u0001"'],
    ['text after quoted value', 'for="203.0.113.9"x'],
    ['X-Forwarded-For syntax', '203.0.113.9'],
  ])('%s (%j) is undefined', (_name, value) => {
    expect(resolve('127.0.0.1', { forwarded: value }, '127.0.0.1', 'forwarded')).toBeUndefined();
  });

  it.each([
    ['lines in order', ['for=198.51.100.7', 'for=203.0.113.9'], '203.0.113.9'],
    ['last line trusted', ['for=198.51.100.7', 'for=127.0.0.1'], '198.51.100.7'],
  ])('%s: %j gives %j', (_name, lines, expected) => {
    expect(resolve('127.0.0.1', { forwarded: lines }, '127.0.0.1', 'forwarded')).toBe(expected);
  });

  it.each([
    ['no header', {}, '127.0.0.1'],
    ['only X-Forwarded-For, which is not configured', { 'x-forwarded-for': '203.0.113.9' }, '127.0.0.1'],
    ['both headers, Forwarded wins', { 'x-forwarded-for': '198.51.100.7', forwarded: 'for=203.0.113.9' }, '203.0.113.9'],
  ])('%s gives %j', (_name, headers, expected) => {
    expect(resolve('127.0.0.1', headers, '127.0.0.1', 'forwarded')).toBe(expected);
  });

  it('header from untrusted peer is ignored', () => {
    expect(resolve('127.0.0.2', { forwarded: 'for=203.0.113.9' }, '127.0.0.1', 'forwarded')).toBe('127.0.0.2');
  });
});
