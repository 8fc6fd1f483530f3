import { describe, expect, it } from 'vitest';
import { decide, isUnrestricted, type Channel, type CompiledAllowlist } from '../../src/allowlist/policy.ts';
import { compileAllowlist, type StoredRangeBounds } from '../../src/allowlist/cache.ts';
import { parseClientAddress } from '../../src/ip/index.ts';

const now = Date.parse('2026-12-04T12:00:00Z');
const office: StoredRangeBounds = { id: 'office', start_address: '203.0.113.0', end_address: '203.0.113.255', expires_at: null };
const expired: StoredRangeBounds = { id: 'old', start_address: '198.51.100.0', end_address: '198.51.100.255', expires_at: '2026-12-01T00:00:00Z' };
const later: StoredRangeBounds = { id: 'temp', start_address: '192.0.2.10', end_address: '192.0.2.10', expires_at: '2026-12-05T00:00:00Z' };

function allowlist(settings: Partial<CompiledAllowlist['settings']>, rows: StoredRangeBounds[] = [office]): CompiledAllowlist {
  return compileAllowlist('account', { enabled: true, mobileEnforced: false, enforceOnSessions: true, ...settings }, 1, rows, now);
}

// One row per rule, in the order the rules apply.
const cases: [string, CompiledAllowlist, Channel, string | undefined, { allowed: boolean; reason: string; rangeId?: string }][] = [
  ['off allows anyone', allowlist({ enabled: false }), 'control-panel', '198.51.100.1', { allowed: true, reason: 'allowlist-off' }],
  ['off allows an unknown address', allowlist({ enabled: false }), 'agent-console', undefined, { allowed: true, reason: 'allowlist-off' }],
  ['an empty list allows', allowlist({}, []), 'agent-console', '198.51.100.1', { allowed: true, reason: 'no-ranges' }],
  ['an empty list allows mobile', allowlist({ mobileEnforced: true }, []), 'mobile-app', '198.51.100.1', { allowed: true, reason: 'no-ranges' }],
  ['mobile passes while not enforced', allowlist({}), 'mobile-app', '198.51.100.1', { allowed: true, reason: 'mobile-not-enforced' }],
  ['mobile passes an unknown address while not enforced', allowlist({}), 'mobile-app', undefined, { allowed: true, reason: 'mobile-not-enforced' }],
  ['an unknown address is denied', allowlist({}), 'control-panel', undefined, { allowed: false, reason: 'address-unknown' }],
  ['an enforced mobile unknown address is denied', allowlist({ mobileEnforced: true }), 'mobile-app', undefined, { allowed: false, reason: 'address-unknown' }],
  ['a listed address is allowed', allowlist({}), 'agent-console', '203.0.113.7', { allowed: true, reason: 'in-range', rangeId: 'office' }],
  ['a mapped listed address is allowed', allowlist({}), 'agent-console', '::ffff:203.0.113.7', { allowed: true, reason: 'in-range', rangeId: 'office' }],
  ['enforced mobile in range is allowed', allowlist({ mobileEnforced: true }), 'mobile-app', '203.0.113.7', { allowed: true, reason: 'in-range', rangeId: 'office' }],
  ['an unlisted address is denied', allowlist({}), 'control-panel', '203.0.114.1', { allowed: false, reason: 'not-in-list' }],
  ['enforced mobile outside is denied', allowlist({ mobileEnforced: true }), 'mobile-app', '198.51.100.1', { allowed: false, reason: 'not-in-list' }],
  ['an expired range no longer allows', allowlist({}, [office, expired]), 'agent-console', '198.51.100.1', { allowed: false, reason: 'not-in-list' }],
  ['only expired ranges deny everyone', allowlist({}, [expired]), 'agent-console', '198.51.100.1', { allowed: false, reason: 'not-in-list' }],
  ['only expired ranges deny mobile when enforced', allowlist({ mobileEnforced: true }, [expired]), 'mobile-app', '203.0.113.7', { allowed: false, reason: 'not-in-list' }],
  ['a range not yet expired allows', allowlist({}, [later]), 'agent-console', '192.0.2.10', { allowed: true, reason: 'in-range', rangeId: 'temp' }],
];

describe('allowlist decision', () => {
  it.each(cases)('%s', (_name, list, channel, address, expected) => {
    const parsed = address === undefined ? undefined : parseClientAddress(address);
    expect(decide(list, channel, parsed)).toEqual(expected);
  });

  it('names the oldest of overlapping ranges', () => {
    const wide = { id: 'a-wide', start_address: '10.0.0.0', end_address: '10.255.255.255', expires_at: null };
    const narrow = { id: 'b-narrow', start_address: '10.1.0.0', end_address: '10.1.0.255', expires_at: null };
    expect(decide(allowlist({}, [wide, narrow]), 'agent-console', parseClientAddress('10.1.0.5')).rangeId).toBe('a-wide');
  });

  it('reports an enabled empty list as unrestricted', () => {
    expect(isUnrestricted(allowlist({}, []))).toBe(true);
    expect(isUnrestricted(allowlist({}, [expired]))).toBe(false);
    expect(isUnrestricted(allowlist({ enabled: false }, []))).toBe(false);
  });

  it('keeps a compiled list valid until its next expiry', () => {
    expect(allowlist({}, [office, later]).validUntil).toBe(Date.parse('2026-12-05T00:00:00Z'));
    expect(allowlist({}, [office]).validUntil).toBe(Infinity);
  });
});
