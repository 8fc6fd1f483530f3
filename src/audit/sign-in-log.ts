import type { Kysely } from 'kysely';
import type { Channel } from '../allowlist/policy.ts';
import { newId } from '../store/ids.ts';
import type { Database } from '../store/schema.ts';
import { toPage, type Page } from './audit-log.ts';

export const signInOutcomes = ['allowed', 'ip-not-allowed', 'invalid-credentials', 'agent-disabled', 'rate-limited', 'session-ended'] as const;
export type SignInOutcome = (typeof signInOutcomes)[number];

export interface SignInRecordInput {
  accountId: string;
  agentId: string | null;
  email: string;
  channel: Channel;
  address: string | null;
  outcome: SignInOutcome;
  reason?: string | null;
  rangeId?: string | null;
}

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

export async function recordSignIn(db: Kysely<Database>, record: SignInRecordInput, now = new Date()): Promise<void> {
  await db
    .insertInto('sign_in_log')
    .values({
      id: newId(now.getTime()),
      account_id: record.accountId,
      agent_id: record.agentId,
      email: record.email,
      channel: record.channel,
      address: record.address,
      outcome: record.outcome,
      reason: record.reason ?? null,
      range_id: record.rangeId ?? null,
      created_at: now.toISOString(),
    })
    .execute();
}

export interface SignInQuery {
  accountId: string;
  limit: number;
  before?: string | undefined;
  outcome?: string | undefined;
  agentId?: string | undefined;
  channel?: string | undefined;
}

export async function listSignIns(db: Kysely<Database>, query: SignInQuery): Promise<Page<SignInRecord>> {
  let select = db
    .selectFrom('sign_in_log')
    .leftJoin('agents', 'agents.id', 'sign_in_log.agent_id')
    .selectAll('sign_in_log')
    .select('agents.name as agent_name')
    .where('sign_in_log.account_id', '=', query.accountId);
  if (query.before) select = select.where('sign_in_log.id', '<', query.before);
  if (query.outcome) select = select.where('sign_in_log.outcome', '=', query.outcome);
  if (query.agentId) select = select.where('sign_in_log.agent_id', '=', query.agentId);
  if (query.channel) select = select.where('sign_in_log.channel', '=', query.channel);
  const rows = await select.orderBy('sign_in_log.id', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, (row) => ({
    id: row.id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    email: row.email,
    channel: row.channel as Channel,
    address: row.address,
    outcome: row.outcome as SignInOutcome,
    reason: row.reason,
    rangeId: row.range_id,
    createdAt: row.created_at,
  }));
}
