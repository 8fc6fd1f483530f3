import type { Kysely, Selectable } from 'kysely';
import { GatehouseError } from '../errors.ts';
import { newId } from '../store/ids.ts';
import type { AgentTable, Database } from '../store/schema.ts';
import { hashPassword } from './password.ts';

export const roles = ['admin', 'agent'] as const;
export type Role = (typeof roles)[number];

export interface Account {
  id: string;
  name: string;
  createdAt: string;
}

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

export interface NewAgent {
  accountId: string;
  email: string;
  name?: string;
  role?: Role;
  manageSecurity?: boolean;
  password: string;
}

export const minPasswordLength = 8;
const maxPasswordLength = 200;
const maxNameLength = 100;

/** Admins and agents with the manage_security permission manage the allowlist and the agents. */
export function canManageSecurity(agent: Pick<Agent, 'role' | 'manageSecurity'>): boolean {
  return agent.role === 'admin' || agent.manageSecurity;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function validateEmail(email: string): string {
  const normalized = normalizeEmail(email);
  if (normalized.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalized)) {
    throw new GatehouseError('INVALID_REQUEST', `Invalid email "${email}": expected an address like name@example.com.`, { field: 'email', value: email });
  }
  return normalized;
}

export function validatePassword(password: string): string {
  if (password.length < minPasswordLength || password.length > maxPasswordLength) {
    throw new GatehouseError('INVALID_REQUEST', `Invalid password: use ${minPasswordLength} to ${maxPasswordLength} characters.`, { field: 'password' });
  }
  return password;
}

/** Control characters and bidirectional overrides, which could forge lines or reorder text in terminals, emails and pages. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafeTextCharacters = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Trims a one-line text such as a name or label and checks its length in
 * characters (code points). Throws INVALID_REQUEST naming `field`.
 */
export function validateText(text: string, field: string, maxLength: number, { allowEmpty = false } = {}): string {
  const trimmed = text.trim();
  if (unsafeTextCharacters.test(trimmed)) {
    throw new GatehouseError('INVALID_REQUEST', `Invalid ${field}: remove line breaks, tabs and other control characters.`, { field });
  }
  const length = [...trimmed].length;
  if ((!allowEmpty && length === 0) || length > maxLength) {
    throw new GatehouseError('INVALID_REQUEST', `Invalid ${field}: use ${allowEmpty ? 'at most' : '1 to'} ${maxLength} characters.`, { field });
  }
  return trimmed;
}

export function validateName(name: string, field = 'name'): string {
  return validateText(name, field, maxNameLength);
}

export function validateRole(role: string): Role {
  if (!(roles as readonly string[]).includes(role)) {
    throw new GatehouseError('INVALID_REQUEST', `Invalid role "${role}": expected admin or agent.`, { field: 'role', value: role });
  }
  return role as Role;
}

export function toAgent(row: Selectable<AgentTable>): Agent {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    role: row.role,
    manageSecurity: row.manage_security === 1,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : '';
  return /SQLITE_CONSTRAINT_UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY|23505|UNIQUE constraint|duplicate key/.test(text);
}

export { isUniqueViolation };

export async function getAccount(db: Kysely<Database>, accountId: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').select(['id', 'name', 'created_at']).where('id', '=', accountId).executeTakeFirst();
  return row && { id: row.id, name: row.name, createdAt: row.created_at };
}

export async function requireAccount(db: Kysely<Database>, accountId: string): Promise<Account> {
  const account = await getAccount(db, accountId);
  if (!account) throw new GatehouseError('NOT_FOUND', `Account "${accountId}" not found.`, { accountId });
  return account;
}

export async function getAgent(db: Kysely<Database>, agentId: string): Promise<Agent | undefined> {
  const row = await db.selectFrom('agents').selectAll().where('id', '=', agentId).executeTakeFirst();
  return row && toAgent(row);
}

export async function findAgentByEmail(db: Kysely<Database>, email: string): Promise<(Agent & { passwordHash: string }) | undefined> {
  const row = await db.selectFrom('agents').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  return row && { ...toAgent(row), passwordHash: row.password_hash };
}

export async function listAgents(db: Kysely<Database>, accountId: string): Promise<Agent[]> {
  const rows = await db.selectFrom('agents').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toAgent);
}

export async function insertAgent(db: Kysely<Database>, input: NewAgent, now = new Date()): Promise<Agent> {
  const email = validateEmail(input.email);
  const row = {
    id: newId(now.getTime()),
    account_id: input.accountId,
    email,
    name: validateName(input.name ?? email.split('@')[0] ?? email),
    role: validateRole(input.role ?? 'agent'),
    manage_security: input.manageSecurity ? 1 : 0,
    password_hash: await hashPassword(validatePassword(input.password)),
    disabled: 0,
    created_at: now.toISOString(),
  };
  try {
    await db.insertInto('agents').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new GatehouseError('ALREADY_EXISTS', `An agent with the email "${email}" already exists.`, { field: 'email', value: email });
    }
    throw error;
  }
  return toAgent(row);
}

export async function insertAccount(db: Kysely<Database>, name: string, now = new Date()): Promise<Account> {
  const account = { id: newId(now.getTime()), name: validateName(name, 'account name'), createdAt: now.toISOString() };
  await db
    .insertInto('accounts')
    .values({
      id: account.id,
      name: account.name,
      allowlist_enabled: 0,
      mobile_enforced: 0,
      enforce_on_sessions: 1,
      allowlist_version: 1,
      created_at: account.createdAt,
    })
    .execute();
  return account;
}
