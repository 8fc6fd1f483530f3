import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresTestUrl, type TestDatabase } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
}

describe('PostgreSQL outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let server: TestServer;
  let agent: TestClient;
  const logLines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const target = new URL(postgresTestUrl);
    proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(database.databaseUrl as string);
    viaProxy.port = String(proxy.port);
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    });
    server = await startTestServer('sqlite', { DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'warn' }, { logDestination });
    agent = server.client();
    const signedIn = await agent.post('/api/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password, channel: 'agent-console' });
    expect(signedIn.status).toBe(200);
    expect((await agent.get('/api/v1/me')).status).toBe(200);
  });

  afterAll(async () => {
    await proxy?.start().catch(() => {});
    await server?.stop();
    await proxy?.cut();
    await database?.drop();
  });

  it('answers 503 and never allows while the database is down', async () => {
    await proxy.cut();
    const signIn = await server.client().post('/api/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password, channel: 'agent-console' });
    expect(signIn.status).toBe(503);
    expect(signIn.body.error.code).toBe('STORE_UNAVAILABLE');
    const mobile = await server.client().post('/api/mobile/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password });
    expect(mobile.status).toBe(503);
    for (let attempt = 0; attempt < 5; attempt++) {
      const me = await agent.get('/api/v1/me');
      expect(me.status).toBe(503);
      expect(me.body.error.code).toBe('STORE_UNAVAILABLE');
    }
    const health = await server.client().get('/healthz');
    expect(health.status).toBe(503);
  });

  it('logs the outage once per interval', () => {
    const outageLines = logLines.join('').split('\n').filter((line) => line.includes('"store_unavailable"'));
    expect(outageLines).toHaveLength(1);
  });

  it('switches the cache to read-through while the listener is down', async () => {
    const listener = server.gatehouse.listener;
    expect(listener).toBeDefined();
    const disconnected = await eventually(async () => listener?.connected, (connected) => connected === false, 8_000);
    expect(disconnected).toBe(false);
  });

  it('answers 503 when the database stalls, and survives the drop', async () => {
    await proxy.start();
    await eventually(() => agent.get('/api/v1/me'), (response) => response.status === 200, 10_000);
    proxy.stalled = true;
    const startedAt = Date.now();
    const stalledRequest = agent.get('/api/v1/me');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 300));
    // The connection drops while a query is in flight on a checked-out client.
    await proxy.cut();
    const response = await stalledRequest;
    expect(response.status).toBe(503);
    expect(Date.now() - startedAt).toBeLessThan(6_000);

    await proxy.start();
    proxy.stalled = true;
    const health = await server.client().get('/healthz');
    expect(health.status).toBe(503);
    proxy.stalled = false;
    await proxy.cut();
  });

  it('recovers by itself when the database is back', async () => {
    await proxy.start();
    const me = await eventually(() => agent.get('/api/v1/me'), (response) => response.status === 200, 10_000);
    expect(me.status).toBe(200);
    const listener = server.gatehouse.listener;
    const reconnected = await eventually(async () => listener?.connected, (connected) => connected === true, 10_000);
    expect(reconnected).toBe(true);
    const signIn = await server.client().post('/api/v1/sessions', { email: server.demo!.agent.email, password: server.demo!.agent.password, channel: 'agent-console' });
    expect(signIn.status).toBe(200);
  });
});
