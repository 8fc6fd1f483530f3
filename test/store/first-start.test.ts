import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/http/server.ts';
import { freePort } from '../helpers/server.ts';

describe('first start', () => {
  it('keeps the demo for a start that can listen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-first-'));
    const port = await freePort();
    const config = (overrides: Record<string, string>) => loadConfig({ GATEHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...overrides });
    const banners: string[] = [];
    const blocker = await startServer(config({ PORT: String(port), GATEHOUSE_DEMO: 'off' }), { printDemo: (text) => banners.push(text) });
    try {
      // The port is taken, so this start fails and must not create the demo account.
      await expect(startServer(config({ PORT: String(port) }), { printDemo: (text) => banners.push(text) })).rejects.toThrow(/PORT/);
      expect(banners).toHaveLength(0);
      const accounts = await blocker.gatehouse.store.db.selectFrom('accounts').select('id').execute();
      expect(accounts).toHaveLength(0);
    } finally {
      await blocker.close();
    }

    const second = await startServer(config({ PORT: String(await freePort()) }), { printDemo: (text) => banners.push(text) });
    try {
      expect(banners).toHaveLength(1);
      expect(banners[0]).toContain('admin@demo.example');
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
