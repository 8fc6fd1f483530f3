import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { extractLinks, startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.ts';

const office = '203.0.113.10';

describe.each(testDialects)('admin IP authorization by email on %s', (dialect) => {
  let server: TestServer;
  let smtp: SmtpPeer;

  const via = (address: string): TestClient => server.client('127.0.0.1', { 'x-forwarded-for': address });
  const adminSignIn = (address: string) =>
    via(address).post('/api/v1/sessions', { email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' });

  /** Signs in as the admin from `address`, requests the authorization email and returns the token from its link. */
  async function requestLink(address: string): Promise<{ token: string; link: string }> {
    const denied = await adminSignIn(address);
    expect(denied.status).toBe(403);
    const sent = await via(address).post('/api/v1/ip-authorizations', { ticket: denied.body.error.authorizationTicket });
    expect(sent.status).toBe(202);
    const mail = await smtp.waitForMessage((message) => message.subject.includes(address) && !seen.has(message.raw));
    seen.add(mail.raw);
    const link = extractLinks(mail.text).find((url) => url.includes('/ip-authorizations/')) as string;
    return { link, token: link.split('/').pop() as string };
  }
  const seen = new Set<string>();

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startTestServer(dialect, { TRUST_PROXY: '127.0.0.1', SMTP_URL: smtp.url, AUTHORIZATION_EMAIL_LIMIT: '6' });
    const admin = via(office);
    expect((await admin.post('/api/v1/sessions', { email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' })).status).toBe(200);
    expect((await admin.post('/api/v1/allowlist/ranges', { input: office, label: 'Office' })).status).toBe(201);
    expect((await admin.patch('/api/v1/allowlist', { enabled: true })).status).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  it('authorizes the denied address through the emailed link', async () => {
    const home = '198.51.100.7';
    const denied = await adminSignIn(home);
    const sent = await via(home).post('/api/v1/ip-authorizations', { ticket: denied.body.error.authorizationTicket });
    expect(sent.status).toBe(202);
    expect(sent.body.sentTo).toBe('ad***@demo.example');

    const mail = await smtp.waitForMessage((message) => message.subject.includes(home));
    seen.add(mail.raw);
    expect(mail.to).toEqual([server.demo!.admin.email]);
    const link = extractLinks(mail.text).find((url) => url.includes('/ip-authorizations/')) as string;
    expect(link.startsWith(`${server.url}/ip-authorizations/`)).toBe(true);
    const token = link.split('/').pop() as string;

    // Opening the link, as a mail scanner would, changes nothing.
    const page = await server.client('127.0.0.5').get(new URL(link).pathname);
    expect(page.status).toBe(200);
    const described = await server.client('127.0.0.5').get(`/api/v1/ip-authorizations/${token}`);
    expect(described.status).toBe(200);
    expect(described.body.authorization).toMatchObject({ address: home, status: 'pending', account: { name: 'Demo Support Team' }, admin: { name: 'Demo Admin' } });
    expect((await adminSignIn(home)).status).toBe(403);

    // Confirmed from another address, the sign-in address is the one added.
    const confirmed = await server.client('127.0.0.6').post('/api/v1/ip-authorizations/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.range).toMatchObject({ start: home, end: home, source: 'email-authorization' });
    expect((await adminSignIn(home)).status).toBe(200);

    const again = await server.client('127.0.0.6').post('/api/v1/ip-authorizations/confirm', { token });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('AUTHORIZATION_USED');
    const describedAfter = await server.client('127.0.0.6').get(`/api/v1/ip-authorizations/${token}`);
    expect(describedAfter.status).toBe(410);
    expect(describedAfter.body.error.code).toBe('AUTHORIZATION_USED');
  });

  it('adds exactly one range when confirmed twice at once', async () => {
    const address = '198.51.100.20';
    const { token } = await requestLink(address);
    const results = await Promise.all(Array.from({ length: 5 }, () => server.client('127.0.0.7').post('/api/v1/ip-authorizations/confirm', { token })));
    expect(results.filter((response) => response.status === 200)).toHaveLength(1);
    expect(results.filter((response) => response.status === 410)).toHaveLength(4);
    const rows = await server.gatehouse.store.db.selectFrom('allowlist_ranges').select('id').where('start_address', '=', address).execute();
    expect(rows).toHaveLength(1);
  });

  it('sends at most one email per ticket', async () => {
    const address = '198.51.100.30';
    const denied = await adminSignIn(address);
    const ticket = denied.body.error.authorizationTicket;
    expect((await via(address).post('/api/v1/ip-authorizations', { ticket })).status).toBe(202);
    const reuse = await via(address).post('/api/v1/ip-authorizations', { ticket });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.code).toBe('INVALID_TICKET');
  });

  it('rejects unknown tickets and tokens', async () => {
    const ticket = await via('198.51.100.1').post('/api/v1/ip-authorizations', { ticket: 'A'.repeat(43) });
    expect(ticket.status).toBe(400);
    expect(ticket.body.error.code).toBe('INVALID_TICKET');
    const junk = await via('198.51.100.1').post('/api/v1/ip-authorizations', { ticket: "'; drop table agents; --" });
    expect(junk.body.error.code).toBe('INVALID_TICKET');
    const token = await server.client('127.0.0.8').get(`/api/v1/ip-authorizations/${'B'.repeat(43)}`);
    expect(token.status).toBe(404);
    expect(token.body.error.code).toBe('AUTHORIZATION_NOT_FOUND');
    const confirm = await server.client('127.0.0.8').post('/api/v1/ip-authorizations/confirm', { token: 'nope' });
    expect(confirm.status).toBe(404);
  });

  it('refuses an expired link', async () => {
    const address = '198.51.100.40';
    const { token } = await requestLink(address);
    await server.gatehouse.store.db
      .updateTable('ip_authorizations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('address', '=', address)
      .execute();
    const described = await server.client('127.0.0.8').get(`/api/v1/ip-authorizations/${token}`);
    expect(described.status).toBe(410);
    expect(described.body.error.code).toBe('AUTHORIZATION_EXPIRED');
    expect(described.body.error.authorization.address).toBe(address);
    const confirmed = await server.client('127.0.0.8').post('/api/v1/ip-authorizations/confirm', { token });
    expect(confirmed.status).toBe(410);
    expect(confirmed.body.error.code).toBe('AUTHORIZATION_EXPIRED');
  });

  it('stores only hashes of tickets and tokens', async () => {
    const address = '198.51.100.50';
    const { token } = await requestLink(address);
    const row = await server.gatehouse.store.db.selectFrom('ip_authorizations').selectAll().where('address', '=', address).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes an expired listed address permanent, audited', async () => {
    const address = '198.51.100.90';
    const { db } = server.gatehouse.store;
    const accountId = server.demo!.accountId;
    await server.gatehouse.allowlist.addRange(accountId, { input: address, label: 'Soon gone', expiresAt: new Date(Date.now() + 60_000).toISOString() }, 'cli', {
      actor: { agentId: null, name: 'Operator (CLI)', address: null },
    });
    await db.updateTable('allowlist_ranges').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('start_address', '=', address).execute();
    server.gatehouse.cache.invalidate(accountId);
    const before = (await db.selectFrom('accounts').select('allowlist_version').executeTakeFirstOrThrow()).allowlist_version;

    const { token } = await requestLink(address);
    const confirmed = await server.client('127.0.0.9').post('/api/v1/ip-authorizations/confirm', { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.range.expiresAt).toBeNull();
    const after = (await db.selectFrom('accounts').select('allowlist_version').executeTakeFirstOrThrow()).allowlist_version;
    expect(after).toBe(before + 1);
    const event = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', confirmed.body.range.id)
      .where('action', '=', 'allowlist.range-updated')
      .executeTakeFirst();
    expect(event?.actor_address).toBe('127.0.0.9');
    expect(JSON.parse(event?.after_json ?? '{}')).toMatchObject({ expiresAt: null });
  });

  it('rate-limits authorization emails per admin', async () => {
    // Six emails per hour: the tests above sent six.
    const denied = await adminSignIn('198.51.100.60');
    const limited = await via('198.51.100.60').post('/api/v1/ip-authorizations', { ticket: denied.body.error.authorizationTicket });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it('stops the tickets and links of a demoted admin', async () => {
    const admin = via(office);
    expect((await admin.post('/api/v1/sessions', { email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' })).status).toBe(200);
    const created = await admin.post('/api/v1/agents', { email: 'deputy@demo.example', role: 'admin', password: 'deputy password' });
    expect(created.status).toBe(201);
    const deputyId = created.body.agent.id as string;
    const signIn = () => via('198.51.100.95').post('/api/v1/sessions', { email: 'deputy@demo.example', password: 'deputy password', channel: 'control-panel' });

    const first = await signIn();
    const second = await signIn();
    expect((await via('198.51.100.95').post('/api/v1/ip-authorizations', { ticket: first.body.error.authorizationTicket })).status).toBe(202);
    const mail = await smtp.waitForMessage((message) => message.subject.includes('198.51.100.95'));
    const token = (extractLinks(mail.text).find((url) => url.includes('/ip-authorizations/')) as string).split('/').pop() as string;

    expect((await admin.patch(`/api/v1/agents/${deputyId}`, { disabled: true })).status).toBe(200);
    const ticket = await via('198.51.100.95').post('/api/v1/ip-authorizations', { ticket: second.body.error.authorizationTicket });
    expect(ticket.status).toBe(400);
    expect(ticket.body.error.code).toBe('INVALID_TICKET');
    const confirm = await server.client('127.0.0.9').post('/api/v1/ip-authorizations/confirm', { token });
    expect(confirm.status).toBe(404);
    expect(confirm.body.error.code).toBe('AUTHORIZATION_NOT_FOUND');
    const listed = await server.gatehouse.store.db.selectFrom('allowlist_ranges').select('id').where('start_address', '=', '198.51.100.95').execute();
    expect(listed).toHaveLength(0);
  });

  it('offers no ticket to agents', async () => {
    const denied = await via('198.51.100.70').post('/api/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password, channel: 'agent-console' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.canAuthorize).toBe(false);
    expect(denied.body.error.authorizationTicket).toBeUndefined();
  });

  it('audits the authorized address', async () => {
    const admin = via(office);
    const signedIn = await admin.post('/api/v1/sessions', { email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' });
    expect(signedIn.status).toBe(200);
    const events = await admin.get('/api/v1/audit-events?action=allowlist.range-added&limit=200');
    const authorized = events.body.items.find((event: { after: { start: string } }) => event.after.start === '198.51.100.7');
    expect(authorized.after.source).toBe('email-authorization');
    expect(authorized.actor).toMatchObject({ name: 'Demo Admin', address: '127.0.0.6' });
  });
});
