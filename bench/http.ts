/**
 * HTTP benchmarks with autocannon against a real Gatehouse server on
 * loopback: an authenticated `GET /api/v1/me` with per-request allowlist
 * enforcement on and off, and web sign-in.
 *
 * The server runs as a separate process (`bin/gatehouse serve`), so that the
 * load generator and the server do not share one event loop. Its data
 * folder is a new temporary folder, its store is SQLite there, and its mail
 * goes to outbox files, so the benchmark connects to nothing but 127.0.0.1.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { compileAllowlist } from '../src/allowlist/cache.ts';
import { decide } from '../src/allowlist/policy.ts';
import { logDecision } from '../src/auth/sign-in.ts';
import { configOptions } from '../src/config.ts';
import { formatAddress, parseClientAddress, parseRangeInput } from '../src/ip/index.ts';
import { createLogger } from '../src/logger.ts';
import { freePort } from '../test/helpers/server.ts';
import type { LookupCounter } from './matchers.ts';
import { measureCounter, median, type MeasureBudget } from './measure.ts';
import { generateRanges } from './range-data.ts';

export interface HttpOptions {
  /** Rounds of the on/off comparison. Each round measures both, in alternating order. */
  rounds: number;
  /** Seconds of load per measurement of `GET /api/v1/me`. */
  durationSeconds: number;
  /** Seconds of load before the rounds, whose results are discarded. */
  warmupSeconds: number;
  /** Seconds of sign-in load. */
  signInSeconds: number;
  /** Concurrent connections for `GET /api/v1/me`. */
  connections: number;
  /** Concurrent connections for sign-in. */
  signInConnections: number;
  /** Ranges on the account's allowlist, one of which contains 127.0.0.1. */
  rangeCount: number;
  /** Budget of the in-process measurement of the per-request check. */
  budget: MeasureBudget;
  progress: (line: string) => void;
}

/** One autocannon run. Latencies are in milliseconds. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Server CPU time (all threads) per request in microseconds, or undefined where /proc is missing. */
  serverCpuMicros: number | undefined;
}

export interface HttpResults {
  rangeCount: number;
  connections: number;
  signInConnections: number;
  durationSeconds: number;
  /** Per round, in the order measured. */
  enforcementOn: LoadResult[];
  enforcementOff: LoadResult[];
  /** Medians over rounds of each field. */
  medianOn: LoadResult;
  medianOff: LoadResult;
  /**
   * Median over rounds of (off − on) / off in requests per second, with
   * each round's pair measured back to back. It is positive when
   * enforcement costs throughput.
   */
  overhead: number;
  /** (median off − median on) / median off, for comparison with the paired value. */
  overheadOfMedians: number;
  signIn: LoadResult;
  /** Nanoseconds of the per-request check (decision and its log call), measured in this process. */
  checkNs: number;
  /** `checkNs` as a share of the time per request with enforcement off (1 / its median requests per second). */
  checkShare: number;
}

const repositoryRoot = resolve(import.meta.dirname, '..');
const cliPath = join(repositoryRoot, 'bin/gatehouse');

/** Seconds to wait for the server to respond to `/healthz` before giving up. */
const STARTUP_TIMEOUT_SECONDS = 30;

/** Address that the allowlist leaves out, used to check that enforcement denies. */
const DENIED_LOOPBACK_ADDRESS = '127.0.0.2';

interface ServerProcess {
  baseUrl: string;
  pid: number;
  admin: { email: string; password: string };
  agent: { email: string; password: string };
  stop(): Promise<void>;
}

/**
 * Starts `bin/gatehouse serve` on 127.0.0.1 over a new data folder, with
 * sign-in rate limits raised so that the sign-in load gets no 429 responses,
 * and reads the demo account's passwords from its first-start banner.
 *
 * @throws Error when the process exits early or `/healthz` does not respond in time.
 */
async function startServerProcess(): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;

  // Settings inherited from the shell (a PostgreSQL URL, an SMTP server) must not leak into the benchmark.
  const env: Record<string, string | undefined> = { ...process.env };
  for (const option of configOptions) delete env[option.env];
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(port),
    GATEHOUSE_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SIGN_IN_LIMIT_PER_ADDRESS: '1000000',
    SIGN_IN_LIMIT_PER_EMAIL: '1000000',
    GATEHOUSE_DEMO: 'on',
  });

  const child = spawn(process.execPath, [cliPath, 'serve'], { cwd: repositoryRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(child, baseUrl, () => output);
    const banner = parseDemoBanner(output);
    return { baseUrl, pid: child.pid!, ...banner, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitUntilReady(child: ChildProcess, baseUrl: string, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_SECONDS * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The Gatehouse server exited during start-up (code ${child.exitCode}, signal ${child.signalCode}). Output:\n${output()}`);
    }
    try {
      const response = await request(baseUrl, 'GET', '/healthz');
      if (response.status === 200 && /agent:\s+\S+\s+password \S+/.test(output())) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
  throw new Error(`The Gatehouse server did not respond at ${baseUrl}/healthz within ${STARTUP_TIMEOUT_SECONDS} s. Output:\n${output()}`);
}

function parseDemoBanner(output: string): { admin: { email: string; password: string }; agent: { email: string; password: string } } {
  const admin = /admin:\s+(\S+)\s+password (\S+)/.exec(output);
  const agent = /agent:\s+(\S+)\s+password (\S+)/.exec(output);
  if (!admin || !agent) throw new Error(`The server printed no demo account banner. Output:\n${output}`);
  return { admin: { email: admin[1]!, password: admin[2]! }, agent: { email: agent[1]!, password: agent[2]! } };
}

interface Response {
  status: number;
  body: { error?: { code?: string } } & Record<string, unknown>;
  sessionCookie: string | undefined;
}

/** Sends one request over a new connection from `localAddress`. */
function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; localAddress?: string } = {},
): Promise<Response> {
  const url = new URL(path, baseUrl);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (options.cookie !== undefined) headers.cookie = options.cookie;

  return new Promise((resolvePromise, reject) => {
    const outgoing = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers, localAddress: options.localAddress ?? '127.0.0.1', agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const cookie = (incoming.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('gatehouse_session='));
          let body: Response['body'] = {};
          if ((incoming.headers['content-type'] ?? '').includes('application/json') && text !== '') body = JSON.parse(text) as Response['body'];
          resolvePromise({ status: incoming.statusCode ?? 0, body, sessionCookie: cookie });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

async function expectStatus(response: Promise<Response>, status: number, description: string): Promise<Response> {
  const result = await response;
  if (result.status !== status) {
    throw new Error(`${description} returned HTTP ${result.status}, expected ${status}: ${JSON.stringify(result.body)}`);
  }
  return result;
}

async function signIn(baseUrl: string, account: { email: string; password: string }, channel: string): Promise<string> {
  const response = await expectStatus(request(baseUrl, 'POST', '/api/v1/sessions', { body: { ...account, channel } }), 200, `Sign-in of ${account.email}`);
  if (response.sessionCookie === undefined) throw new Error(`Sign-in of ${account.email} set no session cookie.`);
  return response.sessionCookie;
}

/** Range inputs of the benchmark account: random CIDRs of both families, with 127.0.0.1 in the middle. */
function benchmarkRangeInputs(rangeCount: number): string[] {
  const inputs = generateRanges(rangeCount - 1, 'mixed', 4_242).map((entry) => entry.cidr);
  inputs.splice(inputs.length >> 1, 0, '127.0.0.1');
  return inputs;
}

/**
 * Measures, in this process, the step that per-request enforcement adds to
 * an authenticated request: the decision for 127.0.0.1 over the same ranges
 * and its log call, with logging off as on the benchmark server.
 */
async function measureCheck(rangeCount: number, budget: MeasureBudget): Promise<number> {
  const rows = benchmarkRangeInputs(rangeCount).map((input, index) => {
    const range = parseRangeInput(input);
    return { id: `range-${index}`, start_address: formatAddress(range.start), end_address: formatAddress(range.end), expires_at: null };
  });
  const allowlist = compileAllowlist('account', { enabled: true, mobileEnforced: false, enforceOnSessions: true }, 1, rows, Date.now());
  const logger = createLogger('silent');
  const address = parseClientAddress('127.0.0.1');
  const fields = { accountId: 'account', agentId: 'agent', channel: 'agent-console', address: '127.0.0.1', stage: 'request' } as const;
  const counter: LookupCounter = (_start, count) => {
    let allowed = 0;
    for (let i = 0; i < count; i++) {
      const decision = decide(allowlist, 'agent-console', address);
      logDecision(logger, fields, decision);
      if (decision.allowed) allowed++;
    }
    return allowed;
  };
  return (await measureCounter('Per-request allowlist check', counter, 1, budget)).nsPerLookup;
}

/**
 * Fills the demo account's allowlist with `rangeCount` ranges (one of them
 * 127.0.0.1), switches it on, and checks that enforcement is real: a session
 * used from 127.0.0.2 is denied with IP_NOT_ALLOWED.
 */
async function prepareAllowlist(server: ServerProcess, rangeCount: number): Promise<{ adminCookie: string }> {
  const adminCookie = await signIn(server.baseUrl, server.admin, 'control-panel');
  for (const [index, input] of benchmarkRangeInputs(rangeCount).entries()) {
    const body = { input, label: `benchmark range ${index + 1}` };
    await expectStatus(request(server.baseUrl, 'POST', '/api/v1/allowlist/ranges', { body, cookie: adminCookie }), 201, `Adding range ${input}`);
  }
  await expectStatus(request(server.baseUrl, 'PATCH', '/api/v1/allowlist', { body: { enabled: true }, cookie: adminCookie }), 200, 'Switching the allowlist on');

  const probeCookie = await signIn(server.baseUrl, server.agent, 'agent-console');
  const denied = await expectStatus(
    request(server.baseUrl, 'GET', '/api/v1/me', { cookie: probeCookie, localAddress: DENIED_LOOPBACK_ADDRESS }),
    403,
    `GET /api/v1/me from ${DENIED_LOOPBACK_ADDRESS}, which no range contains,`,
  );
  if (denied.body.error?.code !== 'IP_NOT_ALLOWED') {
    throw new Error(`GET /api/v1/me from ${DENIED_LOOPBACK_ADDRESS} was denied with ${JSON.stringify(denied.body)}, expected IP_NOT_ALLOWED.`);
  }
  return { adminCookie };
}

async function setEnforcement(baseUrl: string, adminCookie: string, agentCookie: string, enforceOnSessions: boolean): Promise<void> {
  await expectStatus(
    request(baseUrl, 'PATCH', '/api/v1/allowlist', { body: { enforceOnSessions }, cookie: adminCookie }),
    200,
    `Setting enforceOnSessions to ${enforceOnSessions}`,
  );
  // The change drops the account's compiled allowlist, so one request loads it again before the load starts.
  await expectStatus(request(baseUrl, 'GET', '/api/v1/me', { cookie: agentCookie }), 200, 'GET /api/v1/me');
}

/**
 * Returns the CPU time of all threads of a process in nanoseconds, from
 * Linux's /proc/PID/task/TID/schedstat, or undefined where that is missing.
 * CPU time per request changes much less than throughput when other
 * processes compete for the cores.
 */
async function readProcessCpuNs(pid: number): Promise<number | undefined> {
  try {
    const threads = await readdir(`/proc/${pid}/task`);
    let total = 0;
    for (const thread of threads) {
      try {
        const fields = (await readFile(`/proc/${pid}/task/${thread}/schedstat`, 'utf8')).split(' ');
        total += Number(fields[0]);
      } catch {
        // The thread ended between readdir and readFile. Only that short-lived thread's time is lost.
      }
    }
    return total;
  } catch {
    return undefined;
  }
}

/**
 * Runs autocannon for a bounded time and checks that every response was 2xx.
 * Latency percentiles come from the response times that autocannon reports
 * per response, because its own histogram rounds to whole milliseconds.
 *
 * @throws Error on connection errors, timeouts or any non-2xx response.
 */
async function runLoad(description: string, options: autocannon.Options, serverPid: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const cpuBefore = await readProcessCpuNs(serverPid);
  const result = await new Promise<autocannon.Result>((resolvePromise, reject) => {
    const instance = autocannon({ timeout: 10, ...options }, (error: unknown, finished: autocannon.Result) => {
      if (error) reject(error instanceof Error ? error : new Error(`${description}: autocannon failed: ${String(error)}`));
      else resolvePromise(finished);
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const cpuAfter = await readProcessCpuNs(serverPid);
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0 || result['2xx'] === 0) {
    throw new Error(
      `${description}: ${result['2xx']} responses were 2xx, ${result.non2xx} were not, ` +
        `with ${result.errors} connection errors and ${result.timeouts} timeouts.`,
    );
  }
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    requests: result.requests.total,
    serverCpuMicros: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / 1000 / result.requests.total,
  };
}

/** Returns the nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function medianLoad(results: readonly LoadResult[]): LoadResult {
  return {
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50Ms: median(results.map((result) => result.p50Ms)),
    p99Ms: median(results.map((result) => result.p99Ms)),
    requests: median(results.map((result) => result.requests)),
    serverCpuMicros: results.some((result) => result.serverCpuMicros === undefined)
      ? undefined
      : median(results.map((result) => result.serverCpuMicros!)),
  };
}

function relativeLoss(off: LoadResult, on: LoadResult): number {
  return (off.requestsPerSecond - on.requestsPerSecond) / off.requestsPerSecond;
}

export async function runHttpBenchmarks(options: HttpOptions): Promise<HttpResults> {
  options.progress('http: starting bin/gatehouse serve on 127.0.0.1');
  const server = await startServerProcess();
  try {
    options.progress(`http: adding ${options.rangeCount} ranges and switching the allowlist on`);
    const { adminCookie } = await prepareAllowlist(server, options.rangeCount);
    const agentCookie = await signIn(server.baseUrl, server.agent, 'agent-console');
    const meLoad = (duration: number): autocannon.Options => ({
      url: `${server.baseUrl}/api/v1/me`,
      connections: options.connections,
      duration,
      headers: { cookie: agentCookie },
    });

    await setEnforcement(server.baseUrl, adminCookie, agentCookie, true);
    options.progress(`http: warming up for ${options.warmupSeconds} s`);
    await runLoad('Warm-up of GET /api/v1/me', meLoad(options.warmupSeconds), server.pid);

    const enforcementOn: LoadResult[] = [];
    const enforcementOff: LoadResult[] = [];
    for (let round = 0; round < options.rounds; round++) {
      // Alternating the order cancels a steady drift of the machine between the two modes.
      const order = round % 2 === 0 ? [true, false] : [false, true];
      for (const enforce of order) {
        options.progress(`http: round ${round + 1} of ${options.rounds}, enforcement ${enforce ? 'on' : 'off'}`);
        await setEnforcement(server.baseUrl, adminCookie, agentCookie, enforce);
        const result = await runLoad(`GET /api/v1/me, enforcement ${enforce ? 'on' : 'off'}`, meLoad(options.durationSeconds), server.pid);
        (enforce ? enforcementOn : enforcementOff).push(result);
      }
    }

    options.progress(`http: sign-in for ${options.signInSeconds} s`);
    const signInResult = await runLoad('POST /api/v1/sessions', {
      url: `${server.baseUrl}/api/v1/sessions`,
      method: 'POST',
      connections: options.signInConnections,
      duration: options.signInSeconds,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: server.agent.email, password: server.agent.password, channel: 'agent-console' }),
    }, server.pid);

    const medianOn = medianLoad(enforcementOn);
    const medianOff = medianLoad(enforcementOff);
    const checkNs = await measureCheck(options.rangeCount, options.budget);
    return {
      rangeCount: options.rangeCount,
      connections: options.connections,
      signInConnections: options.signInConnections,
      durationSeconds: options.durationSeconds,
      enforcementOn,
      enforcementOff,
      medianOn,
      medianOff,
      overhead: median(enforcementOn.map((on, round) => relativeLoss(enforcementOff[round]!, on))),
      overheadOfMedians: relativeLoss(medianOff, medianOn),
      signIn: signInResult,
      checkNs,
      checkShare: checkNs / (1e9 / medianOff.requestsPerSecond),
    };
  } finally {
    await server.stop();
  }
}
