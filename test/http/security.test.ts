import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { extractLinks, startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.ts';

describe.each(testDialects)('request security on %s', (dialect) => {
  let server: TestServer;
  let smtp: SmtpPeer;
  const logLines: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    });
    server = await startTestServer(dialect, { LOG_LEVEL: 'debug', SMTP_URL: smtp.url }, { logDestination });
  });

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  const credentials = () => ({ email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' });

  it('rejects a sign-in from another origin', async () => {
    const response = await server.client().post('/api/v1/sessions', credentials(), { headers: { origin: 'http://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('CSRF_REJECTED');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('accepts a sign-in from its own origin', async () => {
    const response = await server.client().post('/api/v1/sessions', credentials(), { headers: { origin: server.url } });
    expect(response.status).toBe(200);
  });

  it('rejects form-encoded and text bodies on unsafe requests', async () => {
    const client = server.client();
    expect((await client.post('/api/v1/sessions', credentials())).status).toBe(200);
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const response = await client.request('PATCH', '/api/v1/allowlist', { rawBody: 'enabled=true', headers: { 'content-type': contentType } });
      expect(response.status, contentType).toBe(415);
      expect(response.body.error.code, contentType).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect((await client.get('/api/v1/allowlist')).body.enabled).toBe(false);
  });

  it('rejects a cross-origin change on a signed-in session', async () => {
    const client = server.client();
    expect((await client.post('/api/v1/sessions', credentials())).status).toBe(200);
    const response = await client.patch('/api/v1/allowlist', { enabled: true }, { headers: { origin: 'https://attacker.example' } });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('CSRF_REJECTED');
    expect((await client.get('/api/v1/allowlist')).body.enabled).toBe(false);
  });

  it('sets security headers', async () => {
    const response = await server.client().get('/api/v1/me');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers unknown API routes with a JSON NOT_FOUND', async () => {
    const response = await server.client().get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it('rejects unknown fields and oversized bodies', async () => {
    const client = server.client();
    expect((await client.post('/api/v1/sessions', credentials())).status).toBe(200);
    const unknown = await client.patch('/api/v1/allowlist', { enabled: true, everyone: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('INVALID_REQUEST');
    const wrongType = await client.patch('/api/v1/allowlist', { enabled: 'true' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.field).toBe('enabled');
    const huge = await client.post('/api/v1/allowlist/check', { address: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('never logs passwords, tokens, tickets or cookies', async () => {
    const client = server.client();
    const signIn = await client.post('/api/v1/sessions', credentials());
    const cookie = client.cookies.get('gatehouse_session') as string;
    expect((await client.post('/api/v1/allowlist/ranges', { input: '127.0.0.2', label: 'Other' })).status).toBe(201);
    expect((await client.patch('/api/v1/allowlist', { enabled: true, confirmLockout: true })).status).toBe(200);
    const denied = await server.client('127.0.0.3').post('/api/v1/sessions', credentials());
    const ticket = denied.body.error.authorizationTicket as string;
    expect((await server.client('127.0.0.3').post('/api/v1/ip-authorizations', { ticket })).status).toBe(202);
    const mail = await smtp.waitForMessage((message) => message.subject.includes('127.0.0.3'));
    const token = (extractLinks(mail.text)[0] as string).split('/').pop() as string;
    expect((await server.client('127.0.0.3').get(`/api/v1/ip-authorizations/${token}`)).status).toBe(200);
    expect((await server.client('127.0.0.3').get(`/ip-authorizations/${token}`)).status).toBe(200);
    expect(signIn.status).toBe(200);

    const log = logLines.join('');
    expect(log).toContain('allowlist_decision');
    for (const secret of [server.demo!.admin.password, cookie, ticket, token]) expect(log).not.toContain(secret);
    expect(log).toContain('/ip-authorizations/[redacted]');
  });

  it('logs one structured event per allowlist decision', async () => {
    const decisions = logLines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"allowlist_decision"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const denial = decisions.find((entry) => entry.allowed === false);
    expect(denial).toMatchObject({ event: 'allowlist_decision', stage: 'sign-in', channel: 'control-panel', address: '127.0.0.3', reason: 'not-in-list' });
    expect(denial?.accountId).toEqual(expect.any(String));
  });
});
