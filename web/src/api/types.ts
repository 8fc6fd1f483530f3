// JSON shapes of the Gatehouse HTTP API, as the web app reads them.

export type WebChannel = 'control-panel' | 'agent-console';
export type Channel = WebChannel | 'mobile-app';
export type Role = 'admin' | 'agent';

export interface Agent {
  id: string;
  accountId: string;
  email: string;
  name: string;
  role: Role;
  manageSecurity: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface Account {
  id: string;
  name: string;
  createdAt: string;
}

export interface Me {
  agent: Agent;
  account: Account;
  channel: WebChannel;
  /** The client address the server sees, or null when it cannot read one. */
  address: string | null;
  session: { id: string; createdAt: string; expiresAt: string };
}

export interface SignInResult {
  agent: Agent;
  account: Account;
  channel: WebChannel;
  address: string | null;
}

export interface SessionInfo {
  id: string;
  channel: Channel;
  address: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export type RangeSource = 'manual' | 'email-authorization' | 'cli' | 'import';

export interface RangeView {
  id: string;
  family: 4 | 6;
  start: string;
  end: string;
  cidr: string | null;
  label: string;
  source: RangeSource;
  createdBy: { agentId: string | null; name: string };
  createdAt: string;
  expiresAt: string | null;
  expired: boolean;
}

export interface AllowlistView {
  enabled: boolean;
  mobileEnforced: boolean;
  enforceOnSessions: boolean;
  version: number;
  restricted: boolean;
  notice: string | null;
  ranges: RangeView[];
}

export type DecisionReason = 'allowlist-off' | 'no-ranges' | 'mobile-not-enforced' | 'address-unknown' | 'in-range' | 'not-in-list';

export interface Decision {
  allowed: boolean;
  reason: DecisionReason;
  rangeId?: string;
}

export interface CheckResult {
  address: string;
  decisions: Record<Channel, Decision>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type SignInOutcome = 'allowed' | 'ip-not-allowed' | 'invalid-credentials' | 'agent-disabled' | 'rate-limited' | 'session-ended';

export interface SignInRecord {
  id: string;
  agentId: string | null;
  agentName: string | null;
  email: string;
  channel: Channel;
  address: string | null;
  outcome: SignInOutcome;
  reason: string | null;
  rangeId: string | null;
  createdAt: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: { agentId: string | null; name: string; address: string | null };
  targetId: string | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

export interface AuthorizationView {
  address: string;
  account: { id: string; name: string };
  admin: { name: string; email: string };
  requestedAt: string;
  expiresAt: string;
  status: 'pending' | 'confirmed' | 'expired';
}

/** Details of a 403 IP_NOT_ALLOWED, from a sign-in or from a request of a signed-in session. */
export interface Denial {
  channel: WebChannel;
  address: string | null;
  canAuthorize: boolean;
  authorizationTicket?: string;
  /** True when an existing session was ended, false for a denied sign-in. */
  sessionEnded: boolean;
}

export interface RangeFields {
  input?: string;
  start?: string;
  end?: string;
  label?: string;
  expiresAt?: string | null;
}

export interface ChangeOptions {
  confirmLockout?: boolean;
  version?: number;
}
