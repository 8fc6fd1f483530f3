import type { IpAddress, IpRangeSet } from '../ip/index.ts';

export const channels = ['control-panel', 'agent-console', 'mobile-app'] as const;
export type Channel = (typeof channels)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (channels as readonly string[]).includes(value);
}

export interface AllowlistSettings {
  enabled: boolean;
  mobileEnforced: boolean;
  enforceOnSessions: boolean;
}

/** An account's allowlist compiled for lookups, with no unparsed ranges. */
export interface CompiledAllowlist {
  accountId: string;
  settings: AllowlistSettings;
  version: number;
  /** Stored ranges, expired ones included. */
  entryCount: number;
  /** Ranges not yet expired, each mapped to its id. */
  ranges: IpRangeSet<string>;
  /** Unix milliseconds at which the next range expires; Infinity when none will. */
  validUntil: number;
}

export const decisionReasons = ['allowlist-off', 'no-ranges', 'mobile-not-enforced', 'address-unknown', 'in-range', 'not-in-list'] as const;
export type DecisionReason = (typeof decisionReasons)[number];

export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  rangeId?: string;
}

/**
 * Decides whether a client address may use a channel of an account. The
 * rules apply in this order, and the first that matches decides.
 */
export function decide(allowlist: CompiledAllowlist, channel: Channel, address: IpAddress | undefined): Decision {
  if (!allowlist.settings.enabled) return { allowed: true, reason: 'allowlist-off' };

  // Expired ranges count as entries: a list whose entries all expired denies
  // everyone instead of opening up.
  if (allowlist.entryCount === 0) return { allowed: true, reason: 'no-ranges' };

  if (channel === 'mobile-app' && !allowlist.settings.mobileEnforced) return { allowed: true, reason: 'mobile-not-enforced' };

  // A missing or unparsable client address fails closed.
  if (address === undefined) return { allowed: false, reason: 'address-unknown' };

  const rangeId = allowlist.ranges.find(address);
  if (rangeId !== undefined) return { allowed: true, reason: 'in-range', rangeId };
  return { allowed: false, reason: 'not-in-list' };
}

/** True when the allowlist is switched on but restricts nothing, which the UI and API state plainly. */
export function isUnrestricted(allowlist: Pick<CompiledAllowlist, 'settings' | 'entryCount'>): boolean {
  return allowlist.settings.enabled && allowlist.entryCount === 0;
}
