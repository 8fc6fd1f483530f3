/**
 * Gatehouse's compiled range set and the peers it is measured against, each
 * behind the same small interface. Every counter loops over the queries
 * itself, so a measured batch contains no indirect call per lookup.
 *
 * Peers are used the way their documentation shows, with one courtesy that a
 * careful caller would add: ranges are split by family and an address is
 * matched only against ranges of its own family, because ipaddr.js (and
 * ip-range-check on top of it) throws on a cross-family match.
 */

import { BlockList, SocketAddress } from 'node:net';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import ipRangeCheck from 'ip-range-check';
import { Netmask } from 'netmask';
import { IpRangeSet, parseClientAddress, type IpAddress } from '../src/ip/index.ts';
import type { BenchRange } from './range-data.ts';

/** Counts how many of `queries[start, start + count)` some range contains. */
export type LookupCounter = (start: number, count: number) => number;

/** A matcher built over one list of ranges. */
export interface BuiltMatcher {
  /** Returns a counter that takes the address text on every lookup. */
  text(queries: readonly string[]): LookupCounter;
  /** Returns a counter over addresses parsed beforehand, or undefined when the library takes text only. */
  parsed?(queries: readonly string[]): LookupCounter;
}

export interface Matcher {
  /** Short name for tables. */
  name: string;
  /** Library and version, for the report. */
  source: string;
  build(ranges: readonly BenchRange[]): BuiltMatcher;
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  const manifest = require(`${name}/package.json`) as { version: string };
  return manifest.version;
}

function familyOf(text: string): 'ipv4' | 'ipv6' {
  return text.includes(':') ? 'ipv6' : 'ipv4';
}

export const gatehouseMatcher: Matcher = {
  name: 'Gatehouse',
  source: 'IpRangeSet (src/ip/range-set.ts)',
  build(ranges) {
    const set = IpRangeSet.compile(ranges.map((entry, index) => ({ ...entry.range, value: index })));
    return {
      text: (queries) => (start, count) => {
        let found = 0;
        for (let i = start; i < start + count; i++) {
          if (set.findText(queries[i]!) !== undefined) found++;
        }
        return found;
      },
      parsed: (queries) => {
        const addresses = queries.map((text) => parseClientAddress(text) as IpAddress);
        return (start, count) => {
          let found = 0;
          for (let i = start; i < start + count; i++) {
            if (set.find(addresses[i]!) !== undefined) found++;
          }
          return found;
        };
      },
    };
  },
};

export const blockListMatcher: Matcher = {
  name: 'BlockList',
  source: `node:net BlockList (Node ${process.versions.node})`,
  build(ranges) {
    const list = new BlockList();
    for (const entry of ranges) {
      list.addSubnet(entry.network, entry.prefixLength, entry.family === 4 ? 'ipv4' : 'ipv6');
    }
    return {
      text: (queries) => (start, count) => {
        let found = 0;
        for (let i = start; i < start + count; i++) {
          const text = queries[i]!;
          if (list.check(text, familyOf(text))) found++;
        }
        return found;
      },
      parsed: (queries) => {
        const addresses = queries.map((text) => new SocketAddress({ address: text, family: familyOf(text) }));
        return (start, count) => {
          let found = 0;
          for (let i = start; i < start + count; i++) {
            if (list.check(addresses[i]!)) found++;
          }
          return found;
        };
      },
    };
  },
};

type IpaddrSubnet<A> = [A, number];

function matchesAny<A extends ipaddr.IPv4 | ipaddr.IPv6>(address: A, subnets: readonly IpaddrSubnet<A>[]): boolean {
  for (let i = 0; i < subnets.length; i++) {
    const subnet = subnets[i]!;
    if (address.match(subnet[0], subnet[1])) return true;
  }
  return false;
}

export const ipaddrMatcher: Matcher = {
  name: 'ipaddr.js',
  source: `ipaddr.js ${packageVersion('ipaddr.js')}: parse, then match() over the list`,
  build(ranges) {
    const ipv4: IpaddrSubnet<ipaddr.IPv4>[] = [];
    const ipv6: IpaddrSubnet<ipaddr.IPv6>[] = [];
    for (const entry of ranges) {
      if (entry.family === 4) ipv4.push([ipaddr.IPv4.parse(entry.network), entry.prefixLength]);
      else ipv6.push([ipaddr.IPv6.parse(entry.network), entry.prefixLength]);
    }
    const lookup = (address: ipaddr.IPv4 | ipaddr.IPv6): boolean =>
      address.kind() === 'ipv4' ? matchesAny(address as ipaddr.IPv4, ipv4) : matchesAny(address as ipaddr.IPv6, ipv6);
    return {
      text: (queries) => (start, count) => {
        let found = 0;
        for (let i = start; i < start + count; i++) {
          if (lookup(ipaddr.parse(queries[i]!))) found++;
        }
        return found;
      },
      parsed: (queries) => {
        const addresses = queries.map((text) => ipaddr.parse(text));
        return (start, count) => {
          let found = 0;
          for (let i = start; i < start + count; i++) {
            if (lookup(addresses[i]!)) found++;
          }
          return found;
        };
      },
    };
  },
};

export const netmaskMatcher: Matcher = {
  name: 'netmask',
  source: `netmask ${packageVersion('netmask')}: one Netmask per range, contains() over the list`,
  build(ranges) {
    const ipv4 = ranges.filter((entry) => entry.family === 4).map((entry) => new Netmask(entry.cidr));
    const ipv6 = ranges.filter((entry) => entry.family === 6).map((entry) => new Netmask(entry.cidr));
    return {
      text: (queries) => (start, count) => {
        let found = 0;
        for (let i = start; i < start + count; i++) {
          const text = queries[i]!;
          const blocks = familyOf(text) === 'ipv4' ? ipv4 : ipv6;
          for (let k = 0; k < blocks.length; k++) {
            if (blocks[k]!.contains(text)) {
              found++;
              break;
            }
          }
        }
        return found;
      },
    };
  },
};

export const ipRangeCheckMatcher: Matcher = {
  name: 'ip-range-check',
  source: `ip-range-check ${packageVersion('ip-range-check')}: parses every CIDR on every call`,
  build(ranges) {
    const ipv4 = ranges.filter((entry) => entry.family === 4).map((entry) => entry.cidr);
    const ipv6 = ranges.filter((entry) => entry.family === 6).map((entry) => entry.cidr);
    return {
      text: (queries) => (start, count) => {
        let found = 0;
        for (let i = start; i < start + count; i++) {
          const text = queries[i]!;
          if (ipRangeCheck(text, familyOf(text) === 'ipv4' ? ipv4 : ipv6)) found++;
        }
        return found;
      },
    };
  },
};

/** Gatehouse first: every ratio is a peer's time per lookup divided by Gatehouse's. */
export const allMatchers: readonly Matcher[] = [gatehouseMatcher, blockListMatcher, ipaddrMatcher, netmaskMatcher, ipRangeCheckMatcher];
