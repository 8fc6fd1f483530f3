import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './helpers/http-client.ts';
import { cliPath, parseDemoBanner, repositoryRoot, startServerProcess, type ServerProcess } from './helpers/process-server.ts';
import { extractLinks, readOutboxMessage } from './helpers/smtp-peer.ts';

const run = promisify(execFile);

/**
 * The steps of docs/walkthrough.md against the real server process, with the
 * mail outbox, as a new user runs them with curl and the CLI.
 */
describe('walkthrough', () => {
  let server: ServerProcess;
  let demo: ReturnType<typeof parseDemoBanner>;
  let admin: TestClient;
  const from1 = () => new TestClient(server.url, '127.0.0.1');
  const from2 = () => new TestClient(server.url, '127.0.0.2');
  const cli = (...args: string[]) => run(process.execPath, [cliPath, ...args], { cwd: repositoryRoot, env: { ...process.env, GATEHOUSE_DATA_DIR: server.dataDir } });

  beforeAll(async () => {
    server = await startServerProcess();
    demo = parseDemoBanner(server.output());
    admin = from1();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('1. signs in as the demo admin', async () => {
    const response = await admin.request('POST', '/api/v1/sessions', {
      body: { email: demo.adminEmail, password: demo.adminPassword, channel: 'control-panel' },
    });
    expect(response.status).toBe(200);
    expect(response.body.agent.role).toBe('admin');
  });

  it('2. adds 127.0.0.2 and meets the lockout guard when switching on', async () => {
    const added = await admin.post('/api/v1/allowlist/ranges', { input: '127.0.0.2', label: 'Office' });
    expect(added.status).toBe(201);
    const refused = await admin.patch('/api/v1/allowlist', { enabled: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('WOULD_LOCK_OUT');
    expect(refused.body.error.address).toBe('127.0.0.1');
    const confirmed = await admin.patch('/api/v1/allowlist', { enabled: true, confirmLockout: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.enabled).toBe(true);
  });

  it('3. shows the list with the CLI', async () => {
    const { stdout } = await cli('allowlist', 'show', '--account', demo.accountId);
    expect(stdout).toContain('IP Allowlist: on');
    expect(stdout).toContain('127.0.0.2');
    const check = await cli('allowlist', 'check', '--account', demo.accountId, '127.0.0.2', '--channel', 'agent-console').catch((error: { stdout: string; code: number }) => error);
    expect(check.stdout).toContain('allowed');
  });

  it('4. denies the agent from 127.0.0.1 and lets it in from 127.0.0.2', async () => {
    const denied = await from1().post('/api/v1/sessions', { email: demo.agentEmail, password: demo.agentPassword, channel: 'agent-console' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('IP_NOT_ALLOWED');
    expect(denied.body.error.address).toBe('127.0.0.1');
    const allowed = await from2().post('/api/v1/sessions', { email: demo.agentEmail, password: demo.agentPassword, channel: 'agent-console' });
    expect(allowed.status).toBe(200);
  });

  it('5. lets the mobile app in from 127.0.0.1 until mobile enforcement is on', async () => {
    const mobile = await from1().post('/api/mobile/v1/sessions', { email: demo.agentEmail, password: demo.agentPassword });
    expect(mobile.status).toBe(200);
    const office = from2();
    expect((await office.post('/api/v1/sessions', { email: demo.adminEmail, password: demo.adminPassword, channel: 'control-panel' })).status).toBe(200);
    expect((await office.patch('/api/v1/allowlist', { mobileEnforced: true })).status).toBe(200);
    const denied = await from1().post('/api/mobile/v1/sessions', { email: demo.agentEmail, password: demo.agentPassword });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('IP_NOT_ALLOWED');
  });

  it('6. authorizes 127.0.0.1 through the emailed link and signs in', async () => {
    const denied = await from1().post('/api/v1/sessions', { email: demo.adminEmail, password: demo.adminPassword, channel: 'control-panel' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.canAuthorize).toBe(true);
    const sent = await from1().post('/api/v1/ip-authorizations', { ticket: denied.body.error.authorizationTicket });
    expect(sent.status).toBe(202);

    const outbox = join(server.dataDir, 'outbox');
    const files = (await readdir(outbox)).filter((name) => name.endsWith('.eml')).sort();
    const messages = await Promise.all(files.map((name) => readOutboxMessage(join(outbox, name))));
    const mail = messages.find((message) => message.subject.startsWith('Authorize IP address 127.0.0.1'));
    expect(mail).toBeDefined();
    const link = extractLinks(mail!.text).find((url) => url.includes('/ip-authorizations/')) as string;
    const token = link.split('/').pop() as string;
    expect(server.output()).not.toContain(token);

    const described = await from1().get(`/api/v1/ip-authorizations/${token}`);
    expect(described.body.authorization.address).toBe('127.0.0.1');
    const confirmed = await from1().post('/api/v1/ip-authorizations/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.range.start).toBe('127.0.0.1');

    const signedIn = await from1().post('/api/v1/sessions', { email: demo.adminEmail, password: demo.adminPassword, channel: 'control-panel' });
    expect(signedIn.status).toBe(200);
  });

  it('7. recovers with the CLI by switching the allowlist off', async () => {
    const { stdout } = await cli('allowlist', 'disable', '--account', demo.accountId);
    expect(stdout).toContain('IP Allowlist is off.');
    const agent = await from1().post('/api/v1/sessions', { email: demo.agentEmail, password: demo.agentPassword, channel: 'agent-console' });
    expect(agent.status).toBe(200);
    const events = await from1().get('/api/v1/audit-events');
    expect(events.status).toBe(401);
  });
});
