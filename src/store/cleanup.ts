import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

const dayMs = 24 * 60 * 60_000;

export interface CleanupResult {
  sessions: number;
  rateLimits: number;
  ipAuthorizations: number;
}

/**
 * Deletes rows that no longer decide anything: expired sessions, rate-limit
 * windows older than a day, and authorization tickets and links that expired
 * more than 30 days ago. The audit and sign-in logs are kept. Safe to run on
 * every node at once.
 */
export async function deleteExpiredRows(db: Kysely<Database>, now = Date.now()): Promise<CleanupResult> {
  const nowText = new Date(now).toISOString();
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', nowText).executeTakeFirst();
  const rateLimits = await db.deleteFrom('rate_limits').where('window_start', '<', new Date(now - dayMs).toISOString()).executeTakeFirst();
  const monthAgo = new Date(now - 30 * dayMs).toISOString();
  const ipAuthorizations = await db
    .deleteFrom('ip_authorizations')
    .where((eb) => eb.or([eb.and([eb('expires_at', 'is', null), eb('ticket_expires_at', '<', monthAgo)]), eb('expires_at', '<', monthAgo)]))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    rateLimits: Number(rateLimits.numDeletedRows),
    ipAuthorizations: Number(ipAuthorizations.numDeletedRows),
  };
}
