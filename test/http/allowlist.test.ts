import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.ts';

const office = '203.0.113.10';

describe.each(testDialects)('allowlist API on %s', (dialect) => {
  let server: TestServer;
  let smtp: SmtpPeer;
  let admin: TestClient;

  const via = (address: string): TestClient => server.client('127.0.0.1', { 'x-forwarded-for': address });

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    server = await startTestServer(dialect, { TRUST_PROXY: '127.0.0.1', SMTP_URL: smtp.url });
    admin = via(office);
    const response = await admin.post('/api/v1/sessions', { email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' });
    expect(response.status).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  it('starts off and unrestricted', async () => {
    const response = await admin.get('/api/v1/allowlist');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ enabled: false, mobileEnforced: false, enforceOnSessions: true, restricted: false, notice: null, ranges: [] });
    expect(typeof response.body.version).toBe('number');
  });

  it('says plainly that an enabled empty list restricts nothing', async () => {
    const response = await admin.patch('/api/v1/allowlist', { enabled: true });
    expect(response.status).toBe(200);
    expect(response.body.enabled).toBe(true);
    expect(response.body.restricted).toBe(false);
    expect(response.body.notice).toMatch(/not restricted/);
    const agent = via('198.51.100.99');
    const signIn = await agent.post('/api/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password, channel: 'agent-console' });
    expect(signIn.status).toBe(200);
  });

  it('refuses a range that locks the admin out, then accepts it confirmed', async () => {
    const refused = await admin.post('/api/v1/allowlist/ranges', { input: '198.51.100.0/24', label: 'Home office' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('WOULD_LOCK_OUT');
    expect(refused.body.error.address).toBe(office);
    expect((await admin.get('/api/v1/allowlist')).body.ranges).toHaveLength(0);

    const confirmed = await admin.post('/api/v1/allowlist/ranges', { input: '198.51.100.0/24', label: 'Home office', confirmLockout: true });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.range).toMatchObject({ start: '198.51.100.0', end: '198.51.100.255', cidr: '198.51.100.0/24', label: 'Home office', source: 'manual' });
    // Confirmed, the admin is now denied on the next request and the session ends.
    const after = await admin.get('/api/v1/allowlist');
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('IP_NOT_ALLOWED');
  });

  it('readmits the admin after a CLI addition', async () => {
    await server.gatehouse.allowlist.addRange(
      (await server.gatehouse.store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id,
      { input: '203.0.113.0/24', label: 'Office' },
      'cli',
      { actor: { agentId: null, name: 'Operator (CLI)', address: null } },
    );
    admin = via(office);
    const response = await admin.post('/api/v1/sessions', { email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' });
    expect(response.status).toBe(200);
    const list = await admin.get('/api/v1/allowlist');
    expect(list.body.restricted).toBe(true);
    expect(list.body.notice).toBeNull();
    expect(list.body.ranges.map((range: { cidr: string }) => range.cidr)).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
  });

  it('rejects invalid input with the field and value', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ input: '127.1' }, 'INVALID_ADDRESS', 'input'],
      [{ input: '192.168.1.100/24' }, 'INVALID_RANGE', 'input'],
      [{ input: '10.0.0.10-10.0.0.1' }, 'INVALID_RANGE', 'input'],
      [{ start: '10.0.0.1', end: '2001:db8::1' }, 'INVALID_RANGE', 'end'],
      [{ start: '10.0.0.300', end: '10.0.0.1' }, 'INVALID_ADDRESS', 'start'],
      [{ start: '198.51.100.0/24', end: '198.51.100.9' }, 'INVALID_RANGE', 'start'],
      [{ input: 'fe80::1%eth0' }, 'INVALID_ADDRESS', 'input'],
      [{ input: '10.0.0.1', expiresAt: 'tomorrow' }, 'INVALID_REQUEST', 'expiresAt'],
      [{ input: '10.0.0.1', expiresAt: '2001-01-01T00:00:00Z' }, 'INVALID_REQUEST', 'expiresAt'],
      [{ input: '10.0.0.1', label: 'x'.repeat(101) }, 'INVALID_REQUEST', 'label'],
      [{ input: '10.0.0.1', label: 'two\nlines' }, 'INVALID_REQUEST', 'label'],
      [{ input: '10.0.0.1', label: '\u001b[31mred' }, 'INVALID_REQUEST', 'label'],
      [{ label: 'no range' }, 'INVALID_REQUEST', 'input'],
      [{ input: 10 }, 'INVALID_REQUEST', 'input'],
    ];
    for (const [body, code, field] of cases) {
      const response = await admin.post('/api/v1/allowlist/ranges', body);
      expect(response.status, JSON.stringify(body)).toBe(code === 'INVALID_REQUEST' ? 400 : 400);
      expect(response.body.error.code, JSON.stringify(body)).toBe(code);
      expect(response.body.error.field, JSON.stringify(body)).toBe(field);
    }
    const hostBits = await admin.post('/api/v1/allowlist/ranges', { input: '192.168.1.100/24' });
    expect(hostBits.body.error.message).toContain('192.168.1.0/24');
    expect(hostBits.body.error.value).toBe('192.168.1.100/24');
  });

  it('stores canonical forms of IPv6 and IPv4-mapped input', async () => {
    const v6 = await admin.post('/api/v1/allowlist/ranges', { input: '2001:0DB8:0:0:0:0:0:0/32', label: 'v6 office' });
    expect(v6.status).toBe(201);
    expect(v6.body.range).toMatchObject({ family: 6, start: '2001:db8::', end: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', cidr: '2001:db8::/32' });
    const mapped = await admin.post('/api/v1/allowlist/ranges', { input: '::ffff:192.0.2.0/120', label: 'mapped' });
    expect(mapped.status).toBe(201);
    expect(mapped.body.range).toMatchObject({ family: 4, start: '192.0.2.0', end: '192.0.2.255', cidr: '192.0.2.0/24' });
    const duplicate = await admin.post('/api/v1/allowlist/ranges', { input: '192.0.2.0/24' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('ALREADY_EXISTS');
  });

  it('checks an address on every channel', async () => {
    const inside = await admin.post('/api/v1/allowlist/check', { address: ' 203.0.113.99 ' });
    expect(inside.status).toBe(200);
    expect(inside.body.address).toBe('203.0.113.99');
    expect(inside.body.decisions['control-panel']).toMatchObject({ allowed: true, reason: 'in-range' });
    expect(inside.body.decisions['control-panel'].rangeId).toEqual(expect.any(String));
    expect(inside.body.decisions['mobile-app']).toMatchObject({ allowed: true, reason: 'mobile-not-enforced' });

    const outside = await admin.post('/api/v1/allowlist/check', { address: '::ffff:10.0.0.1' });
    expect(outside.body.address).toBe('10.0.0.1');
    expect(outside.body.decisions['agent-console']).toEqual({ allowed: false, reason: 'not-in-list' });

    const v6 = await admin.post('/api/v1/allowlist/check', { address: '2001:DB8::5' });
    expect(v6.body.decisions['agent-console'].allowed).toBe(true);

    const invalid = await admin.post('/api/v1/allowlist/check', { address: '0127.0.0.1' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('INVALID_ADDRESS');
  });

  it('edits and deletes ranges with lockout protection', async () => {
    const list = await admin.get('/api/v1/allowlist');
    const officeRange = list.body.ranges.find((range: { cidr: string }) => range.cidr === '203.0.113.0/24');

    const renamed = await admin.patch(`/api/v1/allowlist/ranges/${officeRange.id}`, { label: 'HQ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.range.label).toBe('HQ');

    const narrowed = await admin.patch(`/api/v1/allowlist/ranges/${officeRange.id}`, { input: '203.0.113.128/25' });
    expect(narrowed.status).toBe(409);
    expect(narrowed.body.error.code).toBe('WOULD_LOCK_OUT');

    const deleted = await admin.delete(`/api/v1/allowlist/ranges/${officeRange.id}`);
    expect(deleted.status).toBe(409);
    expect(deleted.body.error.code).toBe('WOULD_LOCK_OUT');
    expect((await admin.get('/api/v1/allowlist')).body.ranges.some((range: { id: string }) => range.id === officeRange.id)).toBe(true);

    const other = list.body.ranges.find((range: { cidr: string }) => range.cidr === '198.51.100.0/24');
    expect((await admin.delete(`/api/v1/allowlist/ranges/${other.id}`)).status).toBe(204);
    expect((await admin.delete(`/api/v1/allowlist/ranges/${other.id}`)).status).toBe(404);
    expect((await admin.patch('/api/v1/allowlist/ranges/missing', { label: 'x' })).body.error.code).toBe('NOT_FOUND');
  });

  it('validates delete parameters before deleting', async () => {
    const added = await admin.post('/api/v1/allowlist/ranges', { input: '192.0.2.99', label: 'Delete me' });
    expect(added.status).toBe(201);
    const path = `/api/v1/allowlist/ranges/${added.body.range.id}`;
    for (const query of ['?version=abc', '?version=37abc', '?version=-1', '?version=1&version=2', '?confirmLockout=yes']) {
      const response = await admin.delete(`${path}${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('INVALID_REQUEST');
    }
    for (const body of [{ bogus: 1 }, { version: 'abc' }, [1]]) {
      const response = await admin.request('DELETE', path, { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect((await admin.get('/api/v1/allowlist')).body.ranges.some((range: { id: string }) => range.id === added.body.range.id)).toBe(true);
    const emptyJson = await admin.request('DELETE', path, { headers: { 'content-type': 'application/json' } });
    expect(emptyJson.status).toBe(204);
  });

  it('rejects impossible and zone-less expiry times', async () => {
    for (const expiresAt of ['2030-02-30T00:00:00Z', '2030-01-01T00:00:00', '2030-01-01', '2030-13-01T00:00:00Z', '2030-01-01T24:00:00Z']) {
      const response = await admin.post('/api/v1/allowlist/ranges', { input: '192.0.2.98', expiresAt });
      expect(response.status, expiresAt).toBe(400);
      expect(response.body.error.field, expiresAt).toBe('expiresAt');
    }
    const offset = await admin.post('/api/v1/allowlist/ranges', { input: '192.0.2.98', expiresAt: '2030-01-01T02:00:00+02:00' });
    expect(offset.status).toBe(201);
    expect(offset.body.range.expiresAt).toBe('2030-01-01T00:00:00.000Z');
    expect((await admin.delete(`/api/v1/allowlist/ranges/${offset.body.range.id}`)).status).toBe(204);
  });

  it('refuses to schedule the admin lockout through an expiry', async () => {
    const list = await admin.get('/api/v1/allowlist');
    const officeRange = list.body.ranges.find((range: { start: string; end: string }) => range.start === '203.0.113.0' && range.end === '203.0.113.255');
    const soon = new Date(Date.now() + 60 * 60_000).toISOString();
    const scheduled = await admin.patch(`/api/v1/allowlist/ranges/${officeRange.id}`, { expiresAt: soon });
    expect(scheduled.status).toBe(409);
    expect(scheduled.body.error.code).toBe('WOULD_LOCK_OUT');
    expect(scheduled.body.error.whenExpired).toBe(true);
  });

  it('names the offending field of a malformed body', async () => {
    const unknown = await admin.post('/api/v1/allowlist/ranges', { input: '192.0.2.5', color: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('color');
    const both = await admin.post('/api/v1/allowlist/ranges', { input: '192.0.2.5', start: '192.0.2.6', end: '192.0.2.7' });
    expect(both.status).toBe(400);
    expect(both.body.error.field).toBe('input');
    const notObject = await admin.request('PATCH', '/api/v1/allowlist', { rawBody: '[]', headers: { 'content-type': 'application/json' } });
    expect(notObject.status).toBe(400);
    expect(notObject.body.error.message).toBe('The request body must be a JSON object.');
    const check = await admin.post('/api/v1/allowlist/check', { address: '127.1' });
    expect(check.body.error.field).toBe('address');
    const prototype = await admin.request('PATCH', '/api/v1/allowlist', { rawBody: '{"__proto__":{"enabled":false}}', headers: { 'content-type': 'application/json' } });
    expect(prototype.status).toBe(400);
    expect(prototype.body.error.message).toContain('__proto__');
  });

  it('rejects unknown log filters', async () => {
    for (const query of ['/api/v1/sign-in-log?outcome=bogus', '/api/v1/sign-in-log?channel=web', '/api/v1/sign-in-log?before=nosuch', '/api/v1/audit-events?action=bogus']) {
      const response = await admin.get(query);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('INVALID_REQUEST');
    }
  });

  it('rejects a stale version with CONFLICT', async () => {
    const { version } = (await admin.get('/api/v1/allowlist')).body;
    expect((await admin.patch('/api/v1/allowlist', { mobileEnforced: true, version })).status).toBe(200);
    const stale = await admin.patch('/api/v1/allowlist', { mobileEnforced: false, version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFLICT');
    expect(stale.body.error.version).toBe(version + 1);
    expect((await admin.patch('/api/v1/allowlist', { mobileEnforced: false, version: version + 1 })).status).toBe(200);
  });

  it('loses no update when two admins add ranges at once', async () => {
    const before = (await admin.get('/api/v1/allowlist')).body.ranges.length;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => admin.post('/api/v1/allowlist/ranges', { input: `192.0.2.${200 + index}`, label: `burst ${index}` })),
    );
    const created = results.filter((response) => response.status === 201).length;
    const conflicts = results.filter((response) => response.status === 409 && response.body.error.code === 'CONFLICT').length;
    expect(created + conflicts).toBe(6);
    expect((await admin.get('/api/v1/allowlist')).body.ranges.length).toBe(before + created);
  });

  it('lets an expired range deny instead of opening up', async () => {
    const { store } = server.gatehouse;
    const accountId = (await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id;
    const soon = new Date(Date.now() + 1500).toISOString();
    const added = await admin.post('/api/v1/allowlist/ranges', { input: '198.51.100.50', label: 'Temporary', expiresAt: soon });
    expect(added.status).toBe(201);
    expect((await admin.post('/api/v1/allowlist/check', { address: '198.51.100.50' })).body.decisions['agent-console'].allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const check = await admin.post('/api/v1/allowlist/check', { address: '198.51.100.50' });
    expect(check.body.decisions['agent-console']).toEqual({ allowed: false, reason: 'not-in-list' });
    const view = await admin.get('/api/v1/allowlist');
    expect(view.body.ranges.find((range: { id: string }) => range.id === added.body.range.id).expired).toBe(true);
    expect(accountId).toBeTruthy();
  });

  it('records audit events with actor, address, before and after', async () => {
    const events = await admin.get('/api/v1/audit-events?limit=200');
    expect(events.status).toBe(200);
    const actions = events.body.items.map((event: { action: string }) => event.action);
    expect(actions).toContain('allowlist.settings-updated');
    expect(actions).toContain('allowlist.range-added');
    expect(actions).toContain('allowlist.range-updated');
    expect(actions).toContain('allowlist.range-deleted');
    const deletedEvent = events.body.items.find(
      (event: { action: string; before: { start?: string } | null }) => event.action === 'allowlist.range-deleted' && event.before?.start === '198.51.100.0',
    );
    expect(deletedEvent.actor).toMatchObject({ name: 'Demo Admin', address: office });
    expect(deletedEvent.before).toMatchObject({ start: '198.51.100.0', end: '198.51.100.255' });
    expect(deletedEvent.after).toBeNull();
    const cliEvent = events.body.items.find((event: { actor: { name: string } }) => event.actor.name === 'Operator (CLI)');
    expect(cliEvent.actor.address).toBeNull();

    const firstPage = await admin.get('/api/v1/audit-events?limit=2');
    expect(firstPage.body.items).toHaveLength(2);
    const secondPage = await admin.get(`/api/v1/audit-events?limit=2&before=${firstPage.body.nextCursor}`);
    expect(secondPage.body.items[0].id < firstPage.body.items[1].id).toBe(true);
  });

  it('emails the admins about changes', async () => {
    const message = await smtp.waitForMessage((mail) => /IP allowlist changed/.test(mail.subject) && /deleted 198\.51\.100\.0/.test(mail.text));
    expect(message.to).toEqual([server.demo!.admin.email]);
    expect(message.text).toContain(`from ${office}`);
  });

  it('refuses the allowlist to agents without permission', async () => {
    const agent = via(office);
    expect((await agent.post('/api/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password, channel: 'control-panel' })).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/api/v1/allowlist'],
      ['PATCH', '/api/v1/allowlist'],
      ['POST', '/api/v1/allowlist/ranges'],
      ['POST', '/api/v1/allowlist/check'],
      ['GET', '/api/v1/sign-in-log'],
      ['GET', '/api/v1/audit-events'],
      ['GET', '/api/v1/agents'],
    ] as const) {
      const response = await agent.request(method, path, method === 'GET' ? {} : { body: { input: '10.0.0.1', address: '10.0.0.1', enabled: false } });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.code, `${method} ${path}`).toBe('FORBIDDEN');
    }
    expect((await admin.get('/api/v1/allowlist')).body.enabled).toBe(true);
  });

  it('lets an agent with manage_security manage the allowlist', async () => {
    const created = await admin.post('/api/v1/agents', { email: 'security@demo.example', name: 'Sec Lead', manageSecurity: true, password: 'correct horse battery' });
    expect(created.status).toBe(201);
    expect(created.body.password).toBeUndefined();
    const lead = via(office);
    expect((await lead.post('/api/v1/sessions', { email: 'security@demo.example', password: 'correct horse battery', channel: 'control-panel' })).status).toBe(200);
    expect((await lead.get('/api/v1/allowlist')).status).toBe(200);
    const promote = await lead.post('/api/v1/agents', { email: 'x@demo.example', role: 'admin' });
    expect(promote.status).toBe(403);
    const grant = await lead.post('/api/v1/agents', { email: 'y@demo.example', manageSecurity: true });
    expect(grant.status).toBe(403);
    expect(grant.body.error.code).toBe('FORBIDDEN');
  });
});
