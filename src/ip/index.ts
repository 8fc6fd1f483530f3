/**
 * IP addresses, ranges and compiled range sets. This folder imports nothing
 * from the rest of `src/`, so every part of Gatehouse parses addresses the
 * same way.
 */

export {
  IpParseError,
  MAX_IPV4_VALUE,
  MAX_IPV6_VALUE,
  addressesEqual,
  compareAddresses,
  formatAddress,
  parseAddress,
  parseClientAddress,
} from './address.ts';
export type { IpAddress, IpFamily, IpInputField, IpParseErrorCode } from './address.ts';

export {
  formatRange,
  formatRangeText,
  parseRangeBounds,
  parseRangeInput,
  rangeContains,
  rangeToCidr,
} from './range.ts';
export type { IpRange } from './range.ts';

export { IpRangeSet } from './range-set.ts';
export type { RangeSetEntry } from './range-set.ts';
