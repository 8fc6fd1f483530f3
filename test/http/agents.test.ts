import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(testDialects)('agents API on %s', (dialect) => {
  let server: TestServer;
  let admin: TestClient;

  const signIn = async (email: string, password: string, channel = 'control-panel'): Promise<TestClient> => {
    const client = server.client();
    const response = await client.post('/api/v1/sessions', { email, password, channel });
    expect(response.status).toBe(200);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    admin = await signIn(server.demo!.admin.email, server.demo!.admin.password);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('lists the agents of the account', async () => {
    const response = await admin.get('/api/v1/agents');
    expect(response.status).toBe(200);
    expect(response.body.agents.map((agent: { email: string }) => agent.email)).toEqual([server.demo!.admin.email, server.demo!.agent.email]);
    expect(JSON.stringify(response.body)).not.toContain('scrypt');
  });

  it('adds an agent with a generated password shown once', async () => {
    const response = await admin.post('/api/v1/agents', { email: 'New.Agent@Demo.example', name: 'New Agent' });
    expect(response.status).toBe(201);
    expect(response.body.agent).toMatchObject({ email: 'new.agent@demo.example', role: 'agent', manageSecurity: false, disabled: false });
    expect(response.body.password).toHaveLength(20);
    await signIn('new.agent@demo.example', response.body.password, 'agent-console');
    const list = await admin.get('/api/v1/agents');
    expect(JSON.stringify(list.body)).not.toContain(response.body.password);
  });

  it('rejects an invalid or duplicate email and a short password', async () => {
    const invalid = await admin.post('/api/v1/agents', { email: 'not-an-email' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.field).toBe('email');
    const duplicate = await admin.post('/api/v1/agents', { email: server.demo!.agent.email });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('ALREADY_EXISTS');
    const short = await admin.post('/api/v1/agents', { email: 'short@demo.example', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('password');
  });

  it('changes role and permission and disables an agent', async () => {
    const created = await admin.post('/api/v1/agents', { email: 'temp@demo.example', password: 'temporary password' });
    const id = created.body.agent.id as string;
    const session = await signIn('temp@demo.example', 'temporary password', 'agent-console');

    const promoted = await admin.patch(`/api/v1/agents/${id}`, { role: 'admin', manageSecurity: true });
    expect(promoted.status).toBe(200);
    expect(promoted.body.agent).toMatchObject({ role: 'admin', manageSecurity: true });

    const disabled = await admin.patch(`/api/v1/agents/${id}`, { disabled: true });
    expect(disabled.body.agent.disabled).toBe(true);
    expect((await session.get('/api/v1/me')).status).toBe(401);
    const again = await server.client().post('/api/v1/sessions', { email: 'temp@demo.example', password: 'temporary password', channel: 'agent-console' });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('AGENT_DISABLED');

    const events = await admin.get('/api/v1/audit-events?action=agent.updated');
    expect(events.body.items[0].before).toMatchObject({ disabled: false });
    expect(events.body.items[0].after).toMatchObject({ disabled: true });
  });

  it('keeps the last enabled admin and refuses self-demotion', async () => {
    const agents = (await admin.get('/api/v1/agents')).body.agents as { id: string; email: string }[];
    const self = agents.find((agent) => agent.email === server.demo!.admin.email) as { id: string };
    const demoted = await admin.patch(`/api/v1/agents/${self.id}`, { role: 'agent' });
    expect(demoted.status).toBe(403);
    expect(demoted.body.error.code).toBe('FORBIDDEN');
    const selfDisabled = await admin.patch(`/api/v1/agents/${self.id}`, { disabled: true });
    expect(selfDisabled.status).toBe(403);

    const second = await admin.post('/api/v1/agents', { email: 'second.admin@demo.example', role: 'admin', password: 'second admin pass' });
    const secondAdmin = await signIn('second.admin@demo.example', 'second admin pass');
    expect((await secondAdmin.patch(`/api/v1/agents/${self.id}`, { role: 'agent' })).status).toBe(200);
    const last = await admin.patch(`/api/v1/agents/${second.body.agent.id}`, { role: 'agent' });
    expect(last.status).toBe(403);
    expect(last.body.error.code).toBe('FORBIDDEN');
    const lastAdmin = await secondAdmin.patch(`/api/v1/agents/${second.body.agent.id}`, { role: 'agent' });
    expect(lastAdmin.status).toBe(403);
    const restore = await secondAdmin.patch(`/api/v1/agents/${self.id}`, { role: 'admin' });
    expect(restore.status).toBe(200);
  });

  it('refuses LAST_ADMIN when demoting the only other admin', async () => {
    const agents = (await admin.get('/api/v1/agents')).body.agents as { id: string; email: string; role: string; disabled: boolean }[];
    const enabledAdmins = agents.filter((agent) => agent.role === 'admin' && !agent.disabled);
    for (const other of enabledAdmins.filter((agent) => agent.email !== server.demo!.admin.email)) {
      expect((await admin.patch(`/api/v1/agents/${other.id}`, { disabled: true })).status).toBe(200);
    }
    const { LAST_ADMIN } = (await import('../../src/errors.ts')).errorCatalogue;
    const self = agents.find((agent) => agent.email === server.demo!.admin.email) as { id: string };
    const { updateAgent } = await import('../../src/accounts/service.ts');
    const attempt = updateAgent(server.gatehouse.store.db, (await admin.get('/api/v1/me')).body.account.id, self.id, { role: 'agent' }, { agentId: null, name: 'Operator (CLI)', address: null });
    await expect(attempt).rejects.toMatchObject({ code: 'LAST_ADMIN', status: LAST_ADMIN.status });
  });

  it('keeps security managers away from admins and peers', async () => {
    const lead = await admin.post('/api/v1/agents', { email: 'lead@demo.example', manageSecurity: true, password: 'lead password' });
    const peer = await admin.post('/api/v1/agents', { email: 'peer@demo.example', manageSecurity: true, password: 'peer password' });
    const plain = await admin.post('/api/v1/agents', { email: 'plain@demo.example', password: 'plain password' });
    const leadSession = await signIn('lead@demo.example', 'lead password');
    const agents = (await admin.get('/api/v1/agents')).body.agents as { id: string; email: string }[];
    const demoAdmin = agents.find((agent) => agent.email === server.demo!.admin.email) as { id: string };

    for (const [target, body] of [
      [demoAdmin.id, { disabled: true }],
      [demoAdmin.id, { name: 'Renamed' }],
      [peer.body.agent.id, { disabled: true }],
      [plain.body.agent.id, { manageSecurity: true }],
    ] as const) {
      const response = await leadSession.patch(`/api/v1/agents/${target}`, body);
      expect(response.status, JSON.stringify(body)).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    const renamed = await leadSession.patch(`/api/v1/agents/${plain.body.agent.id}`, { name: 'Plain Agent' });
    expect(renamed.status).toBe(200);
    const disabled = await leadSession.patch(`/api/v1/agents/${plain.body.agent.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect((await admin.get('/api/v1/me')).status).toBe(200);
    expect(lead.status).toBe(201);
  });

  it('rejects control characters in names', async () => {
    for (const name of ['Line\nBreak', 'Esc\u001b[31mape', 'Bidi\u202eevil']) {
      const response = await admin.post('/api/v1/agents', { email: 'ctrl@demo.example', name });
      expect(response.status, name).toBe(400);
      expect(response.body.error.field).toBe('name');
    }
  });

  it('answers 404 for an unknown agent', async () => {
    const response = await admin.patch('/api/v1/agents/00000000000000000000000000ff', { name: 'x' });
    expect(response.status).toBe(404);
  });
});
