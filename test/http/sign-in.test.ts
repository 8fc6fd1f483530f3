import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const office = '203.0.113.10';
const home = '198.51.100.7';

describe.each(testDialects)('sign-in on %s', (dialect) => {
  let server: TestServer;
  let admin: TestClient;

  const via = (address: string): TestClient => server.client('127.0.0.1', { 'x-forwarded-for': address });

  beforeAll(async () => {
    server = await startTestServer(dialect, { TRUST_PROXY: '127.0.0.1', SIGN_IN_LIMIT_PER_EMAIL: '6', SIGN_IN_LIMIT_PER_ADDRESS: '1000' });
    admin = via(office);
    const response = await admin.post('/api/v1/sessions', { ...adminCredentials(), channel: 'control-panel' });
    expect(response.status).toBe(200);
    await admin.post('/api/v1/allowlist/ranges', { input: '203.0.113.0/24', label: 'Office' });
    const enabled = await admin.patch('/api/v1/allowlist', { enabled: true });
    expect(enabled.status).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const adminCredentials = () => ({ email: server.demo!.admin.email, password: server.demo!.admin.password });
  const agentCredentials = () => ({ email: server.demo!.agent.email, password: server.demo!.agent.password });

  it('lets the agent in from a listed address', async () => {
    const agent = via('203.0.113.77');
    const response = await agent.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' });
    expect(response.status).toBe(200);
    expect(response.body.agent.email).toBe(server.demo!.agent.email);
    expect(response.body.channel).toBe('agent-console');
    expect(response.headers['set-cookie']?.[0]).toMatch(/HttpOnly/);
    expect(response.headers['set-cookie']?.[0]).toMatch(/SameSite=Strict/);
    const me = await agent.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.address).toBe('203.0.113.77');
  });

  it('denies the agent elsewhere with IP_NOT_ALLOWED and no ticket', async () => {
    const response = await via(home).post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('IP_NOT_ALLOWED');
    expect(response.body.error.address).toBe(home);
    expect(response.body.error.canAuthorize).toBe(false);
    expect(response.body.error.authorizationTicket).toBeUndefined();
    expect(response.body.error.message).toMatch(/contact an admin/i);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('denies the admin elsewhere with an authorization ticket', async () => {
    const response = await via(home).post('/api/v1/sessions', { ...adminCredentials(), channel: 'control-panel' });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('IP_NOT_ALLOWED');
    expect(response.body.error.canAuthorize).toBe(true);
    expect(response.body.error.authorizationTicket).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await via(office).post('/api/v1/sessions', { email: server.demo!.agent.email, password: 'not-the-password', channel: 'agent-console' });
    const unknown = await via(office).post('/api/v1/sessions', { email: 'nobody@demo.example', password: 'not-the-password', channel: 'agent-console' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('lets the mobile app in from anywhere until mobile enforcement is on', async () => {
    const before = await via(home).post('/api/mobile/v1/sessions', agentCredentials());
    expect(before.status).toBe(200);
    expect(before.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(before.headers['set-cookie']).toBeUndefined();

    const me = await via(home).get('/api/mobile/v1/me', { bearer: before.body.token });
    expect(me.status).toBe(200);
    expect(me.body.channel).toBe('mobile-app');

    const switched = await admin.patch('/api/v1/allowlist', { mobileEnforced: true });
    expect(switched.status).toBe(200);
    try {
      const after = await via(home).post('/api/mobile/v1/sessions', agentCredentials());
      expect(after.status).toBe(403);
      expect(after.body.error.code).toBe('IP_NOT_ALLOWED');
      // The token issued before now fails too, because sessions are checked on every request.
      const stale = await via(home).get('/api/mobile/v1/me', { bearer: before.body.token });
      expect(stale.status).toBe(403);
      expect(stale.body.error.code).toBe('IP_NOT_ALLOWED');
    } finally {
      await admin.patch('/api/v1/allowlist', { mobileEnforced: false });
    }
  });

  it('binds sessions to their channel', async () => {
    const mobile = await via(home).post('/api/mobile/v1/sessions', agentCredentials());
    expect(mobile.status).toBe(200);
    // A mobile token is not a web session: as a cookie it is refused by web routes.
    const asCookie = await via(home).get('/api/v1/me', { headers: { cookie: `gatehouse_session=${mobile.body.token}` } });
    expect(asCookie.status).toBe(403);
    expect(asCookie.body.error.code).toBe('WRONG_CHANNEL');
    const asBearerOnWeb = await via(home).get('/api/v1/me', { bearer: mobile.body.token });
    expect(asBearerOnWeb.status).toBe(401);

    const web = via(office);
    expect((await web.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' })).status).toBe(200);
    const cookie = web.cookies.get('gatehouse_session') as string;
    const webOnMobile = await via(office).get('/api/mobile/v1/me', { bearer: cookie });
    expect(webOnMobile.status).toBe(403);
    expect(webOnMobile.body.error.code).toBe('WRONG_CHANNEL');

    const consoleOnControlPanel = await web.get('/api/v1/allowlist');
    expect(consoleOnControlPanel.status).toBe(403);
    expect(consoleOnControlPanel.body.error.code).toBe('WRONG_CHANNEL');
  });

  it('ends a web session that moves to an unlisted address', async () => {
    const agent = via(office);
    expect((await agent.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' })).status).toBe(200);
    const cookie = agent.cookies.get('gatehouse_session') as string;
    const moved = server.client('127.0.0.1', { 'x-forwarded-for': home, cookie: `gatehouse_session=${cookie}` });
    const denied = await moved.get('/api/v1/me');
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('IP_NOT_ALLOWED');
    expect(denied.body.error.address).toBe(home);
    // The session ended, so it does not work from the office either.
    const back = await agent.get('/api/v1/me');
    expect(back.status).toBe(401);
  });

  it('keeps sessions working after a move when enforceOnSessions is off', async () => {
    expect((await admin.patch('/api/v1/allowlist', { enforceOnSessions: false })).status).toBe(200);
    try {
      const agent = via(office);
      expect((await agent.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' })).status).toBe(200);
      const cookie = agent.cookies.get('gatehouse_session') as string;
      const moved = server.client('127.0.0.1', { 'x-forwarded-for': home, cookie: `gatehouse_session=${cookie}` });
      expect((await moved.get('/api/v1/me')).status).toBe(200);
    } finally {
      await admin.patch('/api/v1/allowlist', { enforceOnSessions: true });
    }
  });

  it('fails closed when the forwarded client address is garbage', async () => {
    const response = await server.client('127.0.0.1', { 'x-forwarded-for': 'unknown' }).post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('IP_NOT_ALLOWED');
    expect(response.body.error.address).toBeNull();
  });

  it('ignores forwarding headers from an untrusted peer', async () => {
    const spoofing = server.client('127.0.0.2', { 'x-forwarded-for': office });
    const response = await spoofing.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' });
    expect(response.status).toBe(403);
    expect(response.body.error.address).toBe('127.0.0.2');
  });

  it('signs out and forgets the session', async () => {
    const agent = via(office);
    expect((await agent.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' })).status).toBe(200);
    const cookie = agent.cookies.get('gatehouse_session') as string;
    expect((await agent.delete('/api/v1/sessions/current')).status).toBe(204);
    const reuse = await via(office).get('/api/v1/me', { headers: { cookie: `gatehouse_session=${cookie}` } });
    expect(reuse.status).toBe(401);
  });

  it('signs out other sessions of the agent', async () => {
    const first = via(office);
    const second = via('203.0.113.11');
    expect((await first.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' })).status).toBe(200);
    expect((await second.post('/api/v1/sessions', { ...agentCredentials(), channel: 'agent-console' })).status).toBe(200);
    const sessions = await first.get('/api/v1/me/sessions');
    expect(sessions.body.sessions.filter((session: { current: boolean }) => session.current)).toHaveLength(1);
    const ended = await first.delete('/api/v1/me/sessions/others');
    expect(ended.status).toBe(200);
    expect(ended.body.ended).toBeGreaterThanOrEqual(1);
    expect((await second.get('/api/v1/me')).status).toBe(401);
    expect((await first.get('/api/v1/me')).status).toBe(200);
  });

  it('logs every outcome to the sign-in log', async () => {
    const log = await admin.get('/api/v1/sign-in-log?limit=200');
    expect(log.status).toBe(200);
    const outcomes = new Set(log.body.items.map((item: { outcome: string }) => item.outcome));
    for (const outcome of ['allowed', 'ip-not-allowed', 'invalid-credentials', 'session-ended']) expect(outcomes).toContain(outcome);
    const denied = log.body.items.find((item: { outcome: string; address: string }) => item.outcome === 'ip-not-allowed' && item.address === home);
    expect(denied.reason).toBe('not-in-list');
    const allowed = log.body.items.find((item: { outcome: string; rangeId: string | null }) => item.outcome === 'allowed' && item.rangeId !== null);
    expect(allowed).toBeDefined();
    const filtered = await admin.get('/api/v1/sign-in-log?outcome=invalid-credentials');
    expect(filtered.body.items.every((item: { outcome: string }) => item.outcome === 'invalid-credentials')).toBe(true);
  });

  it('rate-limits repeated failures for one email', async () => {
    const email = 'limited@demo.example';
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const response = await via(office).post('/api/v1/sessions', { email, password: 'wrong-password', channel: 'agent-console' });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const limited = await via(office).post('/api/v1/sessions', { email, password: 'wrong-password', channel: 'agent-console' });
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps a concurrent burst within the attempt budget', async () => {
    const email = 'burst@demo.example';
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => via(office).post('/api/v1/sessions', { email, password: 'wrong-password', channel: 'agent-console' })),
    );
    const passed = responses.filter((response) => response.status === 401).length;
    expect(passed).toBe(6);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(6);
  });

  it('rejects an invalid channel and a malformed body', async () => {
    const channel = await via(office).post('/api/v1/sessions', { ...agentCredentials(), channel: 'mobile-app' });
    expect(channel.status).toBe(400);
    expect(channel.body.error.code).toBe('INVALID_REQUEST');
    const missing = await via(office).post('/api/v1/sessions', { email: 'a@b.c' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('password');
    const notJson = await via(office).request('POST', '/api/v1/sessions', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('INVALID_REQUEST');
  });
});
