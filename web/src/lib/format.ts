import type { Channel, DecisionReason, RangeSource, RangeView, SignInOutcome, WebChannel } from '../api/types.ts';

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const timeZoneFormat = new Intl.DateTimeFormat('en-GB', { timeZoneName: 'short' });

/** Formats an ISO time in the browser's time zone, as in "4 Dec 2025, 18:30". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** Returns the short name of the browser's time zone, as in "UTC" or "GMT+1". */
export function timeZoneName(): string {
  return timeZoneFormat.formatToParts(new Date()).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

export const channelNames: Record<Channel, string> = {
  'control-panel': 'Control Panel',
  'agent-console': 'Agent Console',
  'mobile-app': 'Mobile app',
};

export function channelName(channel: string): string {
  return channelNames[channel as Channel] ?? channel;
}

export const webChannelHome: Record<WebChannel, string> = {
  'control-panel': '/control-panel/security/ip-allowlist',
  'agent-console': '/agent-console',
};

export const sourceNames: Record<RangeSource, string> = {
  manual: 'Manual',
  'email-authorization': 'Email authorization',
  cli: 'CLI',
  import: 'Import',
};

export const outcomeNames: Record<SignInOutcome, string> = {
  allowed: 'Allowed',
  'ip-not-allowed': 'IP not allowed',
  'invalid-credentials': 'Wrong email or password',
  'agent-disabled': 'Agent disabled',
  'rate-limited': 'Rate limited',
  'session-ended': 'Session ended by the allowlist',
};

export const reasonTexts: Record<DecisionReason, string> = {
  'allowlist-off': 'The IP allowlist is off.',
  'no-ranges': 'The allowed IP list is empty, so nothing is restricted.',
  'mobile-not-enforced': 'The IP allowlist for mobile access is off.',
  'address-unknown': 'The server could not read the client address, so access is denied.',
  'in-range': 'The address is in an allowed range.',
  'not-in-list': 'The address is in no allowed range that is in force.',
};

/** Returns the text for a decision reason code, or the stored reason itself when it is not a code. */
export function reasonText(reason: string | null): string {
  if (reason === null) return '';
  return reasonTexts[reason as DecisionReason] ?? reason;
}

/** Formats a range as people read it: the CIDR when it is one block, one address, or "start – end". */
export function describeBounds(range: Pick<RangeView, 'start' | 'end' | 'cidr'>): string {
  if (range.start === range.end) return range.start;
  return range.cidr ?? `${range.start} – ${range.end}`;
}

/** Converts an ISO time to the value of an `<input type="datetime-local">` in the browser's time zone. */
export function toLocalInputValue(iso: string | null): string {
  if (iso === null) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Converts a `datetime-local` value to ISO 8601 UTC, or null when it is empty. Invalid text is passed on for the server to reject. */
export function fromLocalInputValue(value: string): string | null {
  if (value.trim() === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
