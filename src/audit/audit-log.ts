import type { Kysely } from 'kysely';
import { newId } from '../store/ids.ts';
import type { Database } from '../store/schema.ts';

/** The author of a change: an agent through the API, or an operator through the CLI. */
export interface Actor {
  agentId: string | null;
  name: string;
  /** The client address of the change, or null for the CLI. */
  address: string | null;
}

export const auditActions = [
  'account.created',
  'agent.created',
  'agent.updated',
  'agent.password-set',
  'allowlist.settings-updated',
  'allowlist.range-added',
  'allowlist.range-updated',
  'allowlist.range-deleted',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const cliActor: Actor = { agentId: null, name: 'Operator (CLI)', address: null };

export interface AuditEventInput {
  accountId: string;
  actor: Actor;
  action: AuditAction;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
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

export interface Page<T> {
  items: T[];
  /** Pass as `before` to read the next, older page; null on the last page. */
  nextCursor: string | null;
}

export const maxPageSize = 200;

/**
 * Builds a page from rows read newest first with `limit + 1` as their limit.
 * The extra row is not returned: it only shows that an older page exists.
 */
export function toPage<Row, Item extends { id: string }>(rows: Row[], limit: number, toItem: (row: Row) => Item): Page<Item> {
  const items = rows.slice(0, limit).map(toItem);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

export async function recordAuditEvent(db: Kysely<Database>, event: AuditEventInput, now = new Date()): Promise<string> {
  const id = newId(now.getTime());
  await db
    .insertInto('audit_events')
    .values({
      id,
      account_id: event.accountId,
      actor_agent_id: event.actor.agentId,
      actor_name: event.actor.name,
      actor_address: event.actor.address,
      action: event.action,
      target_id: event.targetId ?? null,
      before_json: event.before === undefined ? null : JSON.stringify(event.before),
      after_json: event.after === undefined ? null : JSON.stringify(event.after),
      created_at: now.toISOString(),
    })
    .execute();
  return id;
}

export interface AuditQuery {
  accountId: string;
  limit: number;
  before?: string | undefined;
  action?: string | undefined;
  actorAgentId?: string | undefined;
}

export async function listAuditEvents(db: Kysely<Database>, query: AuditQuery): Promise<Page<AuditEvent>> {
  let select = db.selectFrom('audit_events').selectAll().where('account_id', '=', query.accountId);
  if (query.before) select = select.where('id', '<', query.before);
  if (query.action) select = select.where('action', '=', query.action);
  if (query.actorAgentId) select = select.where('actor_agent_id', '=', query.actorAgentId);
  const rows = await select.orderBy('id', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, (row) => ({
    id: row.id,
    action: row.action,
    actor: { agentId: row.actor_agent_id, name: row.actor_name, address: row.actor_address },
    targetId: row.target_id,
    before: row.before_json === null ? null : (JSON.parse(row.before_json) as unknown),
    after: row.after_json === null ? null : (JSON.parse(row.after_json) as unknown),
    createdAt: row.created_at,
  }));
}
