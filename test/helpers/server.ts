import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer, type StartOptions } from '../../src/http/server.ts';
import { createTestDatabase, type TestDialect } from './databases.ts';
import { TestClient } from './http-client.ts';

export interface TestServer extends RunningServer {
  dialect: TestDialect;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A client connecting from `localAddress` (127.0.0.1 by default). */
  client(localAddress?: string, headers?: Record<string, string>): TestClient;
  stop(): Promise<void>;
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * Starts a real Gatehouse server on 127.0.0.1 over a new database of the
 * dialect, with the demo account and mail written to the outbox unless
 * `env` sets otherwise.
 */
export async function startTestServer(dialect: TestDialect, env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-test-'));
  const database = await createTestDatabase(dialect);
  const port = await freePort();
  const config = loadConfig(
    {
      HOST: '127.0.0.1',
      PORT: String(port),
      GATEHOUSE_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
      ...env,
    },
    {},
  );
  const server = await startServer(config, { printDemo: () => {}, ...options });
  return {
    ...server,
    dialect,
    port,
    dataDir,
    databaseUrl: database.databaseUrl,
    client: (localAddress = '127.0.0.1', headers = {}) => new TestClient(server.url, localAddress, headers),
    async stop() {
      await server.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
