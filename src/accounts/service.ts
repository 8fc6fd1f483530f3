import type { Kysely } from 'kysely';
import { recordAuditEvent, type Actor } from '../audit/audit-log.ts';
import { GatehouseError } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import { generatePassword, hashPassword } from './password.ts';
import { findAgentByEmail, getAgent, insertAccount, insertAgent, validateName, validatePassword, validateRole, type Account, type Agent, type NewAgent, type Role } from './agents.ts';

export interface AgentChanges {
  name?: string;
  role?: Role | string;
  manageSecurity?: boolean;
  disabled?: boolean;
}

function auditAgent(agent: Agent): Record<string, unknown> {
  return { id: agent.id, email: agent.email, name: agent.name, role: agent.role, manageSecurity: agent.manageSecurity, disabled: agent.disabled };
}

/** Creates an account with its first admin; a missing password is generated and returned once. */
export async function createAccount(
  db: Kysely<Database>,
  input: { name: string; adminEmail: string; adminName?: string; adminPassword?: string },
  actor: Actor,
): Promise<{ account: Account; admin: Agent; password: string; generatedPassword: boolean }> {
  const password = input.adminPassword ?? generatePassword();
  return db.transaction().execute(async (trx) => {
    const account = await insertAccount(trx, input.name);
    const admin = await insertAgent(trx, {
      accountId: account.id,
      email: input.adminEmail,
      ...(input.adminName === undefined ? {} : { name: input.adminName }),
      role: 'admin',
      password,
    });
    await recordAuditEvent(trx, { accountId: account.id, actor, action: 'account.created', targetId: account.id, after: { name: account.name } });
    await recordAuditEvent(trx, { accountId: account.id, actor, action: 'agent.created', targetId: admin.id, after: auditAgent(admin) });
    return { account, admin, password, generatedPassword: input.adminPassword === undefined };
  });
}

/** Adds an agent to an account; a missing password is generated and returned once. */
export async function addAgent(
  db: Kysely<Database>,
  input: Omit<NewAgent, 'password'> & { password?: string },
  actor: Actor,
): Promise<{ agent: Agent; password: string; generatedPassword: boolean }> {
  const password = input.password ?? generatePassword();
  return db.transaction().execute(async (trx) => {
    const account = await trx.selectFrom('accounts').select('id').where('id', '=', input.accountId).executeTakeFirst();
    if (!account) throw new GatehouseError('NOT_FOUND', `Account "${input.accountId}" not found.`, { accountId: input.accountId });
    const agent = await insertAgent(trx, { ...input, password });
    await recordAuditEvent(trx, { accountId: agent.accountId, actor, action: 'agent.created', targetId: agent.id, after: auditAgent(agent) });
    return { agent, password, generatedPassword: input.password === undefined };
  });
}

/**
 * Changes an agent's name, role, permission or disabled state. An account
 * keeps at least one enabled admin, and agents cannot demote or disable
 * themselves. Disabling an agent ends their sessions.
 */
export async function updateAgent(db: Kysely<Database>, accountId: string, agentId: string, changes: AgentChanges, actor: Actor): Promise<Agent> {
  return db.transaction().execute(async (trx) => {
    const before = await getAgent(trx, agentId);
    if (!before || before.accountId !== accountId) throw new GatehouseError('NOT_FOUND', `Agent "${agentId}" not found.`, { agentId });

    const after: Agent = { ...before };
    if (changes.name !== undefined) after.name = validateName(changes.name);
    if (changes.role !== undefined) after.role = validateRole(changes.role);
    if (changes.manageSecurity !== undefined) after.manageSecurity = changes.manageSecurity;
    if (changes.disabled !== undefined) after.disabled = changes.disabled;

    const losesAdmin = before.role === 'admin' && !before.disabled && (after.role !== 'admin' || after.disabled);
    if (losesAdmin && actor.agentId === agentId) {
      throw new GatehouseError('FORBIDDEN', 'You cannot remove your own admin role or disable yourself. Ask another admin.', { agentId });
    }
    if (after.disabled && actor.agentId === agentId) {
      throw new GatehouseError('FORBIDDEN', 'You cannot disable yourself. Ask another admin.', { agentId });
    }
    if (losesAdmin) {
      const admins = await trx
        .selectFrom('agents')
        .select('id')
        .where('account_id', '=', accountId)
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .execute();
      if (admins.length <= 1) throw new GatehouseError('LAST_ADMIN', `${before.name} is the last enabled admin of the account. Make another agent an admin first.`);
    }
    if (JSON.stringify(after) === JSON.stringify(before)) return before;

    await trx
      .updateTable('agents')
      .set({ name: after.name, role: after.role, manage_security: after.manageSecurity ? 1 : 0, disabled: after.disabled ? 1 : 0 })
      .where('id', '=', agentId)
      .execute();
    if (after.disabled) await trx.deleteFrom('sessions').where('agent_id', '=', agentId).execute();
    // Tickets and links of an agent who is no longer an enabled admin stop working at once.
    if (after.disabled || after.role !== 'admin') {
      await trx.deleteFrom('ip_authorizations').where('agent_id', '=', agentId).where('confirmed_at', 'is', null).execute();
    }
    await recordAuditEvent(trx, { accountId, actor, action: 'agent.updated', targetId: agentId, before: auditAgent(before), after: auditAgent(after) });
    return after;
  });
}

/**
 * Sets an agent's password, generated when none is given, and ends their
 * sessions. The operator's recovery path for an admin who lost theirs.
 */
export async function setAgentPassword(
  db: Kysely<Database>,
  accountId: string,
  email: string,
  password: string | undefined,
  actor: Actor,
): Promise<{ agent: Agent; password: string; generatedPassword: boolean }> {
  const newPassword = validatePassword(password ?? generatePassword());
  const hash = await hashPassword(newPassword);
  return db.transaction().execute(async (trx) => {
    const agent = await findAgentByEmail(trx, email);
    if (!agent || agent.accountId !== accountId) throw new GatehouseError('NOT_FOUND', `No agent with the email "${email}" in account "${accountId}".`, { email });
    await trx.updateTable('agents').set({ password_hash: hash }).where('id', '=', agent.id).execute();
    await trx.deleteFrom('sessions').where('agent_id', '=', agent.id).execute();
    await recordAuditEvent(trx, { accountId, actor, action: 'agent.password-set', targetId: agent.id });
    const { passwordHash: _passwordHash, ...publicAgent } = agent;
    return { agent: publicAgent, password: newPassword, generatedPassword: password === undefined };
  });
}
