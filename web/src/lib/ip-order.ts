// Numeric order of the canonical addresses that the API returns, for sorting
// the allowed IP list. Parsing is lenient on purpose: the server validates
// every address, and text that is not an address sorts as zero.

function ipv4Value(text: string): bigint {
  const parts = text.split('.');
  if (parts.length !== 4) return 0n;
  return parts.reduce((value, part) => (value << 8n) + BigInt(Number.parseInt(part, 10) || 0), 0n);
}

function ipv6Value(text: string): bigint {
  let groups: string[];
  let tail = text;
  let embedded: bigint | undefined;
  const lastColon = tail.lastIndexOf(':');
  if (tail.includes('.', lastColon)) {
    embedded = ipv4Value(tail.slice(lastColon + 1));
    tail = `${tail.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = tail.split('::');
  if (rest === undefined) {
    groups = head.split(':');
  } else {
    const left = head === '' ? [] : head.split(':');
    const right = rest === '' ? [] : rest.split(':');
    groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  }
  let value = groups.reduce((total, group) => (total << 16n) + BigInt(Number.parseInt(group || '0', 16) || 0), 0n);
  if (embedded !== undefined) value = (value & ~0xffffffffn) | embedded;
  return value;
}

/** Returns the numeric value of an IPv4 or IPv6 address in canonical text. */
export function addressValue(text: string): bigint {
  return text.includes(':') ? ipv6Value(text) : ipv4Value(text);
}

/** Orders IPv4 before IPv6, then by numeric value. */
export function compareAddresses(a: string, b: string): number {
  const familyA = a.includes(':') ? 6 : 4;
  const familyB = b.includes(':') ? 6 : 4;
  if (familyA !== familyB) return familyA - familyB;
  const valueA = addressValue(a);
  const valueB = addressValue(b);
  if (valueA === valueB) return 0;
  return valueA < valueB ? -1 : 1;
}

/** Returns the first range not yet expired that contains `address`, if any. */
export function findRangeContaining<T extends { family: 4 | 6; start: string; end: string; expired: boolean }>(ranges: T[], address: string): T | undefined {
  const family = address.includes(':') ? 6 : 4;
  const value = addressValue(address);
  return ranges.find((range) => !range.expired && range.family === family && addressValue(range.start) <= value && value <= addressValue(range.end));
}
