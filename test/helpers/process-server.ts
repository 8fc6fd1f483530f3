import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestClient } from './http-client.ts';
import { freePort } from './server.ts';

export const repositoryRoot = resolve(import.meta.dirname, '../..');
export const cliPath = join(repositoryRoot, 'bin/gatehouse');

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote to standard output so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `bin/gatehouse serve` as a child process and waits until it listens. */
export async function startServerProcess(env: Record<string, string> = {}, options: { dataDir?: string; port?: number } = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'gatehouse-process-')));
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [cliPath, 'serve'], {
    cwd: repositoryRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), GATEHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));

  // Ready when /healthz returns 200, because the log level may hide the start-up line.
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`The server exited with code ${exited}. Output:\n${output}\n${errors}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not start within 20 s. Output:\n${output}\n${errors}`);
    }
    const healthy = await new TestClient(`http://127.0.0.1:${port}`).get('/healthz').then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
        child.kill('SIGTERM');
        await exited;
      }
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads the demo account's details from the first-start banner. */
export function parseDemoBanner(output: string): { accountId: string; adminEmail: string; adminPassword: string; agentEmail: string; agentPassword: string } {
  const account = /account: .*\(id (\w+)\)/.exec(output);
  const admin = /admin:\s+(\S+)\s+password (\S+)/.exec(output);
  const agent = /agent:\s+(\S+)\s+password (\S+)/.exec(output);
  if (!account || !admin || !agent) throw new Error(`No demo banner in the output:\n${output}`);
  return {
    accountId: account[1] as string,
    adminEmail: admin[1] as string,
    adminPassword: admin[2] as string,
    agentEmail: agent[1] as string,
    agentPassword: agent[2] as string,
  };
}
