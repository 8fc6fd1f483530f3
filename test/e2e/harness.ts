// Shared set-up of the browser tests: a real Gatehouse server as a child
// process, a real SMTP peer, and Debian's Chromium driven by playwright-core.
//
// The server trusts 127.0.0.1 as a proxy, so each browser context acts as a
// client at another address by sending X-Forwarded-For. Addresses are from
// the documentation ranges of RFC 5737 and appear only as header data: every
// connection goes to 127.0.0.1.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { parseDemoBanner, startServerProcess, type ServerProcess } from '../helpers/process-server.ts';
import { extractLinks, startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium headless and off every network but loopback. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

/** Client addresses used as X-Forwarded-For values. */
export const addresses = {
  office: '203.0.113.10',
  officeNetwork: '203.0.113.0/24',
  home: '198.51.100.7',
  travel: '192.0.2.55',
} as const;

export interface DemoAccount {
  accountId: string;
  adminEmail: string;
  adminPassword: string;
  agentEmail: string;
  agentPassword: string;
}

export interface Gatehouse {
  server: ServerProcess;
  smtp: SmtpPeer;
  demo: DemoAccount;
  /** The origin the app must be opened at, because the server checks Origin against it. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the server over a new data folder, with mail sent to a new SMTP peer, and reads the demo account from its banner. */
export async function startGatehouse(env: Record<string, string> = {}): Promise<Gatehouse> {
  const smtp = await startSmtpPeer();
  let server: ServerProcess;
  try {
    server = await startServerProcess({ SMTP_URL: smtp.url, TRUST_PROXY: '127.0.0.1', LOG_LEVEL: 'warn', ...env });
  } catch (error) {
    await smtp.close();
    throw error;
  }

  // The banner follows the listening socket; wait until its text has arrived.
  const deadline = Date.now() + 5_000;
  while (!server.output().includes('agent:') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const demo = parseDemoBanner(server.output());

  return {
    server,
    smtp,
    demo,
    url: server.url,
    async stop() {
      await server.stop();
      await smtp.close();
    },
  };
}

export interface BrowserHandle {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches Chromium. playwright-core gives each launch a fresh temporary
 * profile (user data folder) and deletes it on close; TMPDIR points that
 * folder into a temporary folder of this run.
 */
export async function launchBrowser(): Promise<BrowserHandle> {
  const tempDir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-chromium-'));
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = tempDir;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs, timeout: 30_000 });
  } finally {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
  }
  return {
    browser,
    async close() {
      await browser.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

export interface Client {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, except those listed as expected in `unexpectedConsoleErrors`. */
  consoleErrors: string[];
  /** Changes the address this client appears to come from, for the next requests. */
  moveTo(address: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Chromium reports every HTTP error status of a fetch as a console error
 * ("Failed to load resource: the server responded with a status of 403").
 * Those come from API responses that the app expects and shows, such as a
 * denied sign-in, so they are left out when they concern /api/; every other
 * console error and every uncaught exception counts.
 */
function isExpectedApiStatus(message: ConsoleMessage, origin: string): boolean {
  const url = message.location().url;
  return /^Failed to load resource: the server responded with a status of 4\d\d\b/.test(message.text()) && url.startsWith(`${origin}/api/`);
}

/** Opens a browser context that acts as a client at `address`, with a viewport of `width` pixels. */
export async function openClient(browser: Browser, gatehouse: Gatehouse, address: string, options: { width?: number; height?: number } = {}): Promise<Client> {
  const context = await browser.newContext({
    baseURL: gatehouse.url,
    extraHTTPHeaders: { 'X-Forwarded-For': address },
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' || isExpectedApiStatus(message, gatehouse.url)) return;
    consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`Uncaught: ${error.message}`));
  return {
    context,
    page,
    consoleErrors,
    moveTo: (next) => context.setExtraHTTPHeaders({ 'X-Forwarded-For': next }),
    close: () => context.close(),
  };
}

/** Signs in through the sign-in page of a channel and waits until the page has left it. */
export async function signIn(page: Page, channel: 'control-panel' | 'agent-console', email: string, password: string): Promise<void> {
  await page.goto(`/${channel}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
}

/** Waits for the authorization email for `address` and returns the link in it. */
export async function authorizationLink(smtp: SmtpPeer, address: string): Promise<string> {
  const mail = await smtp.waitForMessage((message) => message.subject.startsWith('Authorize IP address') && message.subject.includes(address), 10_000);
  const link = extractLinks(mail.text).find((url) => url.includes('/ip-authorizations/'));
  if (link === undefined) throw new Error(`The authorization email has no link:\n${mail.text}`);
  return link;
}
