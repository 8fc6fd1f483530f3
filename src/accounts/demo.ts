import type { Kysely } from 'kysely';
import { cliActor } from '../audit/audit-log.ts';
import { GatehouseError } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import { addAgent, createAccount } from './service.ts';

export interface DemoAccount {
  accountId: string;
  accountName: string;
  admin: { email: string; password: string };
  agent: { email: string; password: string };
}

export const demoAdminEmail = 'admin@demo.example';
export const demoAgentEmail = 'agent@demo.example';

/**
 * Creates a demo account with an admin and an agent when the database has no
 * account yet, and returns their sign-in details; returns undefined otherwise.
 * The passwords are generated and exist only in the returned value.
 */
export async function seedDemoAccount(db: Kysely<Database>): Promise<DemoAccount | undefined> {
  const existing = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;

  const actor = { ...cliActor, name: 'Gatehouse (first start)' };
  let created: Awaited<ReturnType<typeof createAccount>>;
  try {
    created = await createAccount(db, { name: 'Demo Support Team', adminEmail: demoAdminEmail, adminName: 'Demo Admin' }, actor);
  } catch (error) {
    // Another node starting on the same empty database seeded it first.
    if (error instanceof GatehouseError && error.code === 'ALREADY_EXISTS') return undefined;
    throw error;
  }
  const { account, admin, password: adminPassword } = created;
  const { agent, password: agentPassword } = await addAgent(db, { accountId: account.id, email: demoAgentEmail, name: 'Demo Agent' }, actor);
  return {
    accountId: account.id,
    accountName: account.name,
    admin: { email: admin.email, password: adminPassword },
    agent: { email: agent.email, password: agentPassword },
  };
}
