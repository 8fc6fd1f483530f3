import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('allowlist change notification', () => {
  let database: TestDatabase;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let accountId: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { DATABASE_URL: database.databaseUrl as string };
    nodeA = await startTestServer('sqlite', env);
    nodeB = await startTestServer('sqlite', env);
    accountId = nodeA.demo!.accountId;
  });

  afterAll(async () => {
    await nodeA?.stop();
    await nodeB?.stop();
    await database?.drop();
  });

  it('keeps compiled lists cached while the listener is connected', async () => {
    expect(nodeA.gatehouse.listener?.connected).toBe(true);
    const first = await nodeA.gatehouse.allowlist.compiled(accountId);
    const second = await nodeA.gatehouse.allowlist.compiled(accountId);
    expect(second).toBe(first);
    expect(nodeA.gatehouse.cache.size).toBe(1);
  });

  it('drops the entry on A when B changes the list', async () => {
    const before = await nodeA.gatehouse.allowlist.compiled(accountId);
    await nodeB.gatehouse.allowlist.addRange(accountId, { input: '192.0.2.0/24', label: 'Office' }, 'cli', { actor: { agentId: null, name: 'Operator (CLI)', address: null } });
    const changedAt = Date.now();
    while (nodeA.gatehouse.cache.size > 0 && Date.now() - changedAt < 2_000) await new Promise((resolvePromise) => setTimeout(resolvePromise, 5));
    expect(nodeA.gatehouse.cache.size).toBe(0);
    expect(Date.now() - changedAt).toBeLessThan(1_000);
    const after = await nodeA.gatehouse.allowlist.compiled(accountId);
    expect(after.version).toBe(before.version + 1);
    expect(after.entryCount).toBe(1);
  });
});
