import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createTestDatabase, testDialects, type TestDatabase } from '../helpers/databases.ts';
import { cliPath, repositoryRoot } from '../helpers/process-server.ts';

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe.each(testDialects)('gatehouse CLI on %s', (dialect) => {
  let dataDir: string;
  let database: TestDatabase;
  let accountId: string;
  const savedEnv = { ...process.env };

  async function cli(...args: string[]): Promise<Result> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`) });
    return { code, stdout, stderr };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-'));
    database = await createTestDatabase(dialect);
    process.env.GATEHOUSE_DATA_DIR = dataDir;
    process.env.LOG_LEVEL = 'silent';
    if (database.databaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = database.databaseUrl;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrates an empty database', async () => {
    const first = await cli('migrate');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Applied 0001-initial');
    const second = await cli('migrate');
    expect(second.stdout).toContain('up to date');
  });

  it('creates an account and prints ids as JSON', async () => {
    const result = await cli('account', 'create', 'Acme Support', '--admin-email', 'Lead@Acme.example', '--json');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { accountId: string; adminId: string; adminPassword: string };
    expect(output.accountId).toMatch(/^[0-9a-f]{28}$/);
    expect(output.adminId).toMatch(/^[0-9a-f]{28}$/);
    expect(output.adminPassword).toHaveLength(20);
    accountId = output.accountId;
  });

  it('adds an agent with a given password', async () => {
    const result = await cli('agent', 'add', '--account', accountId, '--email', 'ana@acme.example', '--name', 'Ana', '--manage-security', '--password', 'long enough', '--json');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as Record<string, string>;
    expect(output.agentId).toMatch(/^[0-9a-f]{28}$/);
    expect(output.password).toBeUndefined();
    const list = await cli('agent', 'list', '--account', accountId);
    expect(list.stdout).toContain('ana@acme.example  Ana  agent +manage_security');
    expect(list.stdout).toContain('lead@acme.example');
  });

  it('refuses a duplicate email with exit 1', async () => {
    const result = await cli('agent', 'add', '--account', accountId, '--email', 'ana@acme.example');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists');
  });

  it('adds, shows, checks and removes ranges', async () => {
    const added = await cli('allowlist', 'add', '--account', accountId, '203.0.113.0/24', '--label', 'Office', '--json');
    expect(added.code).toBe(0);
    const range = (JSON.parse(added.stdout) as { range: { id: string; source: string; createdBy: { name: string } } }).range;
    expect(range.source).toBe('cli');
    expect(range.createdBy.name).toBe('Operator (CLI)');

    expect((await cli('allowlist', 'enable', '--account', accountId)).stdout).toContain('IP Allowlist is on.');
    const listed = await cli('allowlist', 'show', '--account', accountId);
    expect(listed.stdout).toContain('IP Allowlist: on');
    expect(listed.stdout).toContain('203.0.113.0/24');

    const inside = await cli('allowlist', 'check', '--account', accountId, '203.0.113.9', '--channel', 'agent-console');
    expect(inside.code).toBe(0);
    expect(inside.stdout).toMatch(/agent-console\s+allowed\s+in-range/);
    const outside = await cli('allowlist', 'check', '--account', accountId, '198.51.100.1', '--json');
    expect(outside.code).toBe(1);
    const decisions = (JSON.parse(outside.stdout) as { decisions: Record<string, { allowed: boolean }> }).decisions;
    expect(decisions['control-panel']?.allowed).toBe(false);
    expect(decisions['mobile-app']?.allowed).toBe(true);

    expect((await cli('allowlist', 'remove', '--account', accountId, range.id)).code).toBe(0);
    const empty = await cli('allowlist', 'show', '--account', accountId, '--json');
    expect((JSON.parse(empty.stdout) as { ranges: unknown[]; notice: string }).notice).toMatch(/not restricted/);
  });

  it('rejects invalid input with exit 1 and a message', async () => {
    const hostBits = await cli('allowlist', 'add', '--account', accountId, '192.168.1.100/24');
    expect(hostBits.code).toBe(1);
    expect(hostBits.stderr).toContain('192.168.1.0/24');
    const octal = await cli('allowlist', 'check', '--account', accountId, '0127.0.0.1');
    expect(octal.code).toBe(1);
    expect(octal.stderr).toContain('0127.0.0.1');
    const unknownAccount = await cli('allowlist', 'show', '--account', 'missing');
    expect(unknownAccount.code).toBe(1);
    expect(unknownAccount.stderr).toContain('not found');
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['allowlist', 'show'],
      ['allowlist', 'add', '--account', 'x'],
      ['allowlist', 'check', '--account', 'x', '10.0.0.1', '--channel', 'fax'],
      ['allowlist', 'explode', '--account', 'x'],
      ['agent', 'add', '--account', 'x', '--email', 'a@b.example', '--role', 'owner'],
      ['account', 'create', '--admin-email', 'a@b.example'],
      ['allowlist', 'show', '--account', 'x', '--unknown-flag'],
    ]) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
    }
  });

  it('sets a lost password and ends the sessions', async () => {
    const result = await cli('agent', 'set-password', '--account', accountId, '--email', 'lead@acme.example', '--json');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { agentId: string; password: string };
    expect(output.password).toHaveLength(20);
    const missing = await cli('agent', 'set-password', '--account', accountId, '--email', 'nobody@acme.example');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nobody@acme.example');
    const short = await cli('agent', 'set-password', '--account', accountId, '--email', 'lead@acme.example', '--password', 'short');
    expect(short.code).toBe(1);
  });

  it('audits CLI changes', async () => {
    const { createLogger } = await import('../../src/logger.ts');
    const { loadConfig } = await import('../../src/config.ts');
    const { createGatehouse } = await import('../../src/gatehouse.ts');
    const gatehouse = await createGatehouse(loadConfig(), createLogger('silent'));
    try {
      const events = await gatehouse.store.db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
      const actions = events.map((event) => event.action);
      expect(actions).toEqual(
        expect.arrayContaining(['account.created', 'agent.created', 'agent.password-set', 'allowlist.range-added', 'allowlist.settings-updated', 'allowlist.range-deleted']),
      );
      expect(events.every((event) => event.actor_name === 'Operator (CLI)' && event.actor_address === null)).toBe(true);
    } finally {
      await gatehouse.close();
    }
  });
});

describe('bin/gatehouse', () => {
  it('prints usage with exit 0 for help', async () => {
    const { stdout } = await run(process.execPath, [cliPath, 'help'], { cwd: repositoryRoot });
    expect(stdout).toContain('Usage: gatehouse COMMAND');
    expect(stdout).toContain('TRUST_PROXY');
  });

  it('keeps log lines off standard output', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-stdout-'));
    try {
      const env = { ...process.env, GATEHOUSE_DATA_DIR: dataDir, SMTP_URL: 'smtp://127.0.0.1:9', DATABASE_URL: '' };
      const created = await run(process.execPath, [cliPath, 'account', 'create', 'Logs', '--admin-email', 'logs@acme.example', '--json'], { cwd: repositoryRoot, env });
      const { accountId } = JSON.parse(created.stdout) as { accountId: string };
      // The change email fails (nothing listens on port 9), and its log line goes to standard error.
      const added = await run(process.execPath, [cliPath, 'allowlist', 'add', '--account', accountId, '192.0.2.1', '--json'], { cwd: repositoryRoot, env });
      expect(() => JSON.parse(added.stdout) as unknown).not.toThrow();
      expect(added.stderr).toContain('mail_failed');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 2 on an unknown command', async () => {
    const failure = await run(process.execPath, [cliPath, 'nope'], { cwd: repositoryRoot }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('Unknown command "nope"');
  });
});
