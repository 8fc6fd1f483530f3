/*
 * Table types. Timestamps are ISO 8601 UTC strings with milliseconds
 * (`2026-12-04T19:55:01.000Z`), which sort as text in both SQLite and
 * PostgreSQL. Flags are integers 0 or 1 because better-sqlite3 binds no
 * booleans. Ids are time-ordered text (see `newId`), so `ORDER BY id DESC`
 * is newest first.
 */

export interface AccountTable {
  id: string;
  name: string;
  allowlist_enabled: number;
  mobile_enforced: number;
  enforce_on_sessions: number;
  allowlist_version: number;
  created_at: string;
}

export interface AgentTable {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent';
  manage_security: number;
  password_hash: string;
  disabled: number;
  created_at: string;
}

export interface AllowlistRangeTable {
  id: string;
  account_id: string;
  family: number;
  start_address: string;
  end_address: string;
  label: string;
  source: 'manual' | 'email-authorization' | 'cli' | 'import';
  created_by_agent_id: string | null;
  created_by_name: string;
  created_at: string;
  expires_at: string | null;
}

export interface SessionTable {
  id: string;
  account_id: string;
  agent_id: string;
  channel: 'control-panel' | 'agent-console' | 'mobile-app';
  address: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface IpAuthorizationTable {
  id: string;
  account_id: string;
  agent_id: string;
  address: string;
  ticket_hash: string;
  ticket_expires_at: string;
  token_hash: string | null;
  requested_at: string | null;
  expires_at: string | null;
  confirmed_at: string | null;
  confirmed_from: string | null;
  range_id: string | null;
  created_at: string;
}

export interface RateLimitTable {
  key: string;
  window_start: string;
  count: number;
}

export interface AuditEventTable {
  id: string;
  account_id: string;
  actor_agent_id: string | null;
  actor_name: string;
  actor_address: string | null;
  action: string;
  target_id: string | null;
  before_json: string | null;
  after_json: string | null;
  created_at: string;
}

export interface SignInLogTable {
  id: string;
  account_id: string;
  agent_id: string | null;
  email: string;
  channel: string;
  address: string | null;
  outcome: string;
  reason: string | null;
  range_id: string | null;
  created_at: string;
}


export interface Database {
  accounts: AccountTable;
  agents: AgentTable;
  allowlist_ranges: AllowlistRangeTable;
  sessions: SessionTable;
  ip_authorizations: IpAuthorizationTable;
  rate_limits: RateLimitTable;
  audit_events: AuditEventTable;
  sign_in_log: SignInLogTable;
}
