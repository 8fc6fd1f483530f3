import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpiredRows } from '../../src/store/cleanup.ts';
import { testDialects } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(testDialects)('expired row cleanup on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(dialect);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('deletes expired sessions and old counters but keeps live ones', async () => {
    const { db } = server.gatehouse.store;
    const live = server.client();
    expect((await live.post('/api/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password, channel: 'agent-console' })).status).toBe(200);
    const expired = server.client();
    expect((await expired.post('/api/v1/sessions', { email: server.demo!.admin.email, password: server.demo!.admin.password, channel: 'control-panel' })).status).toBe(200);
    await db.updateTable('sessions').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('agent_id', '!=', (await live.get('/api/v1/me')).body.agent.id).execute();
    await db.insertInto('rate_limits').values({ key: 'sign-in:address:192.0.2.1', window_start: '2000-01-01T00:00:00.000Z', count: 3 }).execute();

    const deleted = await deleteExpiredRows(db);
    expect(deleted.sessions).toBe(1);
    expect(deleted.rateLimits).toBeGreaterThanOrEqual(1);
    expect((await live.get('/api/v1/me')).status).toBe(200);
    expect((await expired.get('/api/v1/me')).status).toBe(401);
    const counter = await db.selectFrom('rate_limits').select('key').where('key', '=', 'sign-in:address:192.0.2.1').executeTakeFirst();
    expect(counter).toBeUndefined();
  });
});

describe('SQLite file', () => {
  it('is readable by its owner only', async () => {
    const server = await startTestServer('sqlite');
    try {
      expect(statSync(join(server.dataDir, 'gatehouse.sqlite')).mode & 0o777).toBe(0o600);
      expect(statSync(join(server.dataDir, 'gatehouse.sqlite-wal')).mode & 0o777).toBe(0o600);
    } finally {
      await server.stop();
    }
  });
});
