import type { Kysely } from 'kysely';
import { toAgent, type Account, type Agent } from '../accounts/agents.ts';
import type { Channel } from '../allowlist/policy.ts';
import type { Database } from '../store/schema.ts';
import { hashToken, newToken } from './tokens.ts';

export interface Session {
  id: string;
  channel: Channel;
  address: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface AuthenticatedSession {
  session: Session;
  agent: Agent;
  account: Account;
}

/** How often `last_seen_at` is written, so that busy sessions do not write on every request. */
const lastSeenIntervalMs = 60_000;

export async function createSession(
  db: Kysely<Database>,
  input: { agent: Agent; channel: Channel; address: string | null; userAgent: string | null; ttlMinutes: number },
  now = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = newToken();
  const session: Session = {
    id: hashToken(token),
    channel: input.channel,
    address: input.address,
    userAgent: input.userAgent === null ? null : input.userAgent.slice(0, 300),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.ttlMinutes * 60_000).toISOString(),
  };
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      account_id: input.agent.accountId,
      agent_id: input.agent.id,
      channel: session.channel,
      address: session.address,
      user_agent: session.userAgent,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
    })
    .execute();
  return { token, session };
}

/** Finds the live session of a token; expired sessions are deleted and not returned. */
export async function findSession(db: Kysely<Database>, token: string, now = new Date()): Promise<AuthenticatedSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('agents', 'agents.id', 'sessions.agent_id')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .selectAll('agents')
    .select([
      'sessions.id as session_id',
      'sessions.channel as session_channel',
      'sessions.address as session_address',
      'sessions.user_agent as session_user_agent',
      'sessions.created_at as session_created_at',
      'sessions.last_seen_at as session_last_seen_at',
      'sessions.expires_at as session_expires_at',
      'accounts.name as account_name',
      'accounts.created_at as account_created_at',
    ])
    .where('sessions.id', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return undefined;

  if (row.session_expires_at <= now.toISOString()) {
    await db.deleteFrom('sessions').where('id', '=', row.session_id).execute();
    return undefined;
  }
  if (now.getTime() - Date.parse(row.session_last_seen_at) > lastSeenIntervalMs) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', row.session_id).execute();
  }
  return {
    session: {
      id: row.session_id,
      channel: row.session_channel,
      address: row.session_address,
      userAgent: row.session_user_agent,
      createdAt: row.session_created_at,
      lastSeenAt: row.session_last_seen_at,
      expiresAt: row.session_expires_at,
    },
    agent: toAgent(row),
    account: { id: row.account_id, name: row.account_name, createdAt: row.account_created_at },
  };
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function listAgentSessions(db: Kysely<Database>, agentId: string, now = new Date()): Promise<Session[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('agent_id', '=', agentId)
    .where('expires_at', '>', now.toISOString())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    address: row.address,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  }));
}

/** Ends every session of the agent except `keepSessionId`; returns how many ended. */
export async function deleteOtherSessions(db: Kysely<Database>, agentId: string, keepSessionId: string | null): Promise<number> {
  let query = db.deleteFrom('sessions').where('agent_id', '=', agentId);
  if (keepSessionId !== null) query = query.where('id', '!=', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
