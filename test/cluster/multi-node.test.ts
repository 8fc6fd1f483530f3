import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { parseDemoBanner, startServerProcess, type ServerProcess } from '../helpers/process-server.ts';
import { freePort } from '../helpers/server.ts';

const office = '203.0.113.50';
const adminHome = '198.51.100.10';

/**
 * Two server processes on different loopback ports over one PostgreSQL
 * schema, as two nodes behind a load balancer.
 */
describe('two nodes over one PostgreSQL database', () => {
  let database: TestDatabase;
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;
  let portB: number;
  let demo: ReturnType<typeof parseDemoBanner>;
  let env: Record<string, string>;

  const client = (node: ServerProcess, address: string) => new TestClient(node.url, '127.0.0.1', { 'x-forwarded-for': address });
  const signIn = async (node: ServerProcess, address: string, email: string, password: string, channel: string) => {
    const session = client(node, address);
    const response = await session.post('/api/v1/sessions', { email, password, channel });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return session;
  };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    env = { DATABASE_URL: database.databaseUrl as string, TRUST_PROXY: '127.0.0.1', LOG_LEVEL: 'warn', SIGN_IN_LIMIT_PER_ADDRESS: '10000' };
    nodeA = await startServerProcess(env);
    demo = parseDemoBanner(nodeA.output());
    portB = await freePort();
    nodeB = await startServerProcess(env, { port: portB });
    expect(nodeB.output()).not.toContain('demo account');
  });

  afterAll(async () => {
    await nodeA?.stop();
    await nodeB?.stop();
    await database?.drop();
  });

  it('enforces a change made through B on A within one second', async () => {
    const adminOnB = await signIn(nodeB, adminHome, demo.adminEmail, demo.adminPassword, 'control-panel');
    expect((await adminOnB.post('/api/v1/allowlist/ranges', { input: `${adminHome}`, label: 'Admin home' })).status).toBe(201);
    const officeRange = await adminOnB.post('/api/v1/allowlist/ranges', { input: '203.0.113.0/24', label: 'Office' });
    expect(officeRange.status).toBe(201);
    expect((await adminOnB.patch('/api/v1/allowlist', { enabled: true })).status).toBe(200);

    // The agent works through A, so A has the list compiled in its cache.
    const agentOnA = await signIn(nodeA, office, demo.agentEmail, demo.agentPassword, 'agent-console');
    for (let request = 0; request < 5; request++) expect((await agentOnA.get('/api/v1/me')).status).toBe(200);

    const removed = await adminOnB.delete(`/api/v1/allowlist/ranges/${officeRange.body.range.id}`);
    expect(removed.status).toBe(204);
    const changedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - changedAt < 3_000) {
      status = (await agentOnA.get('/api/v1/me')).status;
      if (status === 200) await new Promise((resolvePromise) => setTimeout(resolvePromise, 20));
    }
    expect(status).toBe(403);
    expect(Date.now() - changedAt).toBeLessThan(1_000);
  });

  it('confirms an authorization link raced on both nodes once', async () => {
    const address = '198.51.100.77';
    const denied = await client(nodeA, address).post('/api/v1/sessions', { email: demo.adminEmail, password: demo.adminPassword, channel: 'control-panel' });
    expect(denied.status).toBe(403);
    expect((await client(nodeA, address).post('/api/v1/ip-authorizations', { ticket: denied.body.error.authorizationTicket })).status).toBe(202);
    const { readOutbox } = await import('../../src/mail/outbox.ts');
    const [mail] = await readOutbox(`${nodeA.dataDir}/outbox`, 1);
    const token = /ip-authorizations\/([A-Za-z0-9_-]{43})/.exec(mail?.text ?? '')?.[1] as string;
    expect(token).toBeDefined();

    const confirmations = await Promise.all(
      [nodeA, nodeB, nodeA, nodeB].map((node) => new TestClient(node.url, '127.0.0.1').post('/api/v1/ip-authorizations/confirm', { token })),
    );
    expect(confirmations.map((response) => response.status).sort()).toEqual([200, 410, 410, 410]);
    const admin = await signIn(nodeB, adminHome, demo.adminEmail, demo.adminPassword, 'control-panel');
    const ranges = (await admin.get('/api/v1/allowlist')).body.ranges as { start: string }[];
    expect(ranges.filter((range) => range.start === address)).toHaveLength(1);
    // Node A learned of the new range from B's or its own notification: the admin signs in there.
    expect((await client(nodeA, address).post('/api/v1/sessions', { email: demo.adminEmail, password: demo.adminPassword, channel: 'control-panel' })).status).toBe(200);
  });

  it('keeps serving on A while B stops, and B loses nothing', async () => {
    const agentOnA = await signIn(nodeA, adminHome, demo.agentEmail, demo.agentPassword, 'agent-console');
    const adminOnB = await signIn(nodeB, adminHome, demo.adminEmail, demo.adminPassword, 'control-panel');

    // A burst against A while B takes writes and is stopped halfway.
    const burst = (async () => {
      const statuses: number[] = [];
      for (let round = 0; round < 40; round++) {
        const responses = await Promise.all(Array.from({ length: 5 }, () => agentOnA.get('/api/v1/me')));
        statuses.push(...responses.map((response) => response.status));
      }
      return statuses;
    })();
    const writes = (async () => {
      const created: string[] = [];
      for (let index = 0; index < 30; index++) {
        const response = await adminOnB.post('/api/v1/allowlist/ranges', { input: `192.0.2.${index + 1}`, label: `Burst ${index}` }).catch(() => undefined);
        if (response?.status === 201) created.push(response.body.range.id as string);
        if (index === 10) void nodeB.stop();
      }
      return created;
    })();
    const [statuses, created] = await Promise.all([burst, writes]);
    expect(statuses).toHaveLength(200);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(created.length).toBeGreaterThanOrEqual(10);

    nodeB = await startServerProcess(env, { port: portB, dataDir: nodeB.dataDir });
    const adminAgain = await signIn(nodeB, adminHome, demo.adminEmail, demo.adminPassword, 'control-panel');
    const list = (await adminAgain.get('/api/v1/allowlist')).body.ranges as { id: string; start: string; end: string }[];
    const burstRanges = list.filter((range) => range.start.startsWith('192.0.2.'));
    // Every acknowledged write is there, each once, and nothing else.
    for (const id of created) expect(burstRanges.some((range) => range.id === id)).toBe(true);
    expect(new Set(list.map((range) => `${range.start}-${range.end}`)).size).toBe(list.length);

    // Every stored range has exactly one audit event that added it.
    const direct = new pg.Client({ connectionString: database.databaseUrl });
    await direct.connect();
    try {
      const events = await direct.query<{ target_id: string }>("SELECT target_id FROM audit_events WHERE action = 'allowlist.range-added'");
      for (const range of burstRanges) expect(events.rows.filter((event) => event.target_id === range.id)).toHaveLength(1);
      const ranges = await direct.query<{ count: string }>("SELECT count(*) FROM allowlist_ranges WHERE start_address LIKE '192.0.2.%'");
      expect(Number(ranges.rows[0]?.count)).toBe(burstRanges.length);
    } finally {
      await direct.end();
    }
  });
});
