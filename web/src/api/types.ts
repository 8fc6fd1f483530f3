// JSON shapes of the Gatehouse HTTP API, as the web app reads them.
//
// The shapes the server defines are imported from its source with
// `import type`, so that the API has one definition. Type-only imports are
// erased from the bundle, so no server code reaches the browser. The types
// below them describe responses that a route builds on its own.

import type { Account, Agent } from '../../../src/accounts/agents.ts';
import type { Channel, Decision } from '../../../src/allowlist/policy.ts';
import type { Session } from '../../../src/auth/sessions.ts';

export type { Account, Agent, Role } from '../../../src/accounts/agents.ts';
export type { Channel, Decision, DecisionReason } from '../../../src/allowlist/policy.ts';
export type { AllowlistView, RangeInput, RangeSource, RangeView } from '../../../src/allowlist/service.ts';
export type { AuditEvent, Page } from '../../../src/audit/audit-log.ts';
export type { SignInOutcome, SignInRecord } from '../../../src/audit/sign-in-log.ts';
export type { AuthorizationView } from '../../../src/auth/ip-authorization.ts';
export type { ErrorCode } from '../../../src/errors.ts';

/** The channels that sign in through the web app. The mobile app signs in through its own API. */
export type WebChannel = Exclude<Channel, 'mobile-app'>;

export interface Me {
  agent: Agent;
  account: Account;
  channel: WebChannel;
  /** The client address as the server resolved it, or null when it could not read one. */
  address: string | null;
  session: { id: string; createdAt: string; expiresAt: string };
}

export interface SignInResult {
  agent: Agent;
  account: Account;
  channel: WebChannel;
  address: string | null;
}

/** A session of the signed-in agent, with its id shortened by the server. */
export interface SessionInfo extends Session {
  /** True for the session that made the request. */
  current: boolean;
}

export interface CheckResult {
  address: string;
  decisions: Record<Channel, Decision>;
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

/** Request fields that guard an allowlist change. The route maps `version` to `expectedVersion` of the server's ChangeOptions, so that type does not fit. */
export interface ChangeOptions {
  confirmLockout?: boolean;
  version?: number;
}
