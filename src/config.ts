import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { compileProxyTrust } from './http/client-address.ts';

export type ForwardingHeaderName = 'x-forwarded-for' | 'forwarded';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  postgresPoolSize: number;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  trustProxy: string[];
  trustProxyHeader: ForwardingHeaderName;
  logLevel: LogLevel;
  /** Lifetime of a Control Panel or Agent Console session, in minutes. */
  webSessionMinutes: number;
  /** Lifetime of a mobile app token, in minutes. */
  mobileSessionMinutes: number;
  /** Lifetime of an emailed IP authorization link, in minutes. */
  authorizationLinkMinutes: number;
  /** Failed sign-ins allowed per client address in one 15-minute window. */
  signInLimitPerAddress: number;
  /** Failed sign-ins allowed per email in one 15-minute window. */
  signInLimitPerEmail: number;
  /** Authorization emails allowed per admin in one hour. */
  authorizationEmailLimit: number;
  /** Create a demo account on an empty database. */
  demo: boolean;
}

interface OptionSpec {
  key: keyof Config;
  env: string;
  flag: string;
  help: string;
}

/** Every setting, its environment variable and its `gatehouse serve` flag. */
export const configOptions: readonly OptionSpec[] = [
  { key: 'host', env: 'HOST', flag: '--host', help: 'address to listen on (default 127.0.0.1)' },
  { key: 'port', env: 'PORT', flag: '--port', help: 'TCP port to listen on (default 3000)' },
  { key: 'dataDir', env: 'GATEHOUSE_DATA_DIR', flag: '--data-dir', help: 'folder for the SQLite file and the mail outbox (default ./data)' },
  { key: 'databaseUrl', env: 'DATABASE_URL', flag: '--database-url', help: 'postgres://… for PostgreSQL, or sqlite:PATH (default: SQLite in the data folder)' },
  { key: 'postgresPoolSize', env: 'DATABASE_POOL_SIZE', flag: '--database-pool-size', help: 'PostgreSQL connections per node (default 10)' },
  { key: 'publicUrl', env: 'PUBLIC_URL', flag: '--public-url', help: 'base URL of links in emails and the expected Origin (default http://HOST:PORT)' },
  { key: 'smtpUrl', env: 'SMTP_URL', flag: '--smtp-url', help: 'smtp://host:port for outgoing mail (default: .eml files in DATA_DIR/outbox)' },
  { key: 'mailFrom', env: 'MAIL_FROM', flag: '--mail-from', help: 'sender of outgoing mail (default Gatehouse <gatehouse@localhost>)' },
  { key: 'trustProxy', env: 'TRUST_PROXY', flag: '--trust-proxy', help: 'comma-separated proxy addresses, CIDRs or start-end ranges whose forwarding header is read (default: none)' },
  { key: 'trustProxyHeader', env: 'TRUST_PROXY_HEADER', flag: '--trust-proxy-header', help: 'x-forwarded-for (default) or forwarded' },
  { key: 'logLevel', env: 'LOG_LEVEL', flag: '--log-level', help: 'fatal, error, warn, info (default), debug, trace or silent' },
  { key: 'webSessionMinutes', env: 'WEB_SESSION_MINUTES', flag: '--web-session-minutes', help: 'lifetime of a web session in minutes (default 720)' },
  { key: 'mobileSessionMinutes', env: 'MOBILE_SESSION_MINUTES', flag: '--mobile-session-minutes', help: 'lifetime of a mobile token in minutes (default 43200, 30 days)' },
  { key: 'authorizationLinkMinutes', env: 'AUTHORIZATION_LINK_MINUTES', flag: '--authorization-link-minutes', help: 'lifetime of an emailed authorization link in minutes (default 30)' },
  { key: 'signInLimitPerAddress', env: 'SIGN_IN_LIMIT_PER_ADDRESS', flag: '--sign-in-limit-per-address', help: 'failed sign-ins per client address per 15 minutes (default 30)' },
  { key: 'signInLimitPerEmail', env: 'SIGN_IN_LIMIT_PER_EMAIL', flag: '--sign-in-limit-per-email', help: 'failed sign-ins per email per 15 minutes (default 10)' },
  { key: 'authorizationEmailLimit', env: 'AUTHORIZATION_EMAIL_LIMIT', flag: '--authorization-email-limit', help: 'authorization emails per admin per hour (default 5)' },
  { key: 'demo', env: 'GATEHOUSE_DEMO', flag: '--demo', help: 'create a demo account on an empty database: on (default) or off' },
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseInteger(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`Invalid ${name} "${value}": expected a whole number from ${min} to ${max}.`);
  }
  return Number(value);
}

function parseSwitch(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(lower)) return true;
  if (['0', 'false', 'off', 'no'].includes(lower)) return false;
  throw new ConfigError(`Invalid ${name} "${value}": expected on or off (1, true and yes mean on; 0, false and no mean off).`);
}

/**
 * Builds the configuration from environment variables, overridden by values
 * given as flags (keyed by environment variable name). Throws ConfigError on
 * an invalid value.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Record<string, string> = {}): Config {
  const read = (name: string): string | undefined => {
    const value = overrides[name] ?? env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const host = read('HOST') ?? '127.0.0.1';
  // An IP address, or a host name of letters, digits, dots and hyphens.
  if (isIP(host) === 0 && !/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(host)) {
    throw new ConfigError(`Invalid HOST "${host}": expected an IP address such as 127.0.0.1 or ::1, or a host name.`);
  }
  if (/^\d+(\.\d+){3}$/.test(host) && isIP(host) === 0) {
    throw new ConfigError(`Invalid HOST "${host}": expected an IP address such as 127.0.0.1 or ::1, or a host name.`);
  }
  const portText = read('PORT');
  const port = portText === undefined ? 3000 : parseInteger('PORT', portText, 0, 65535);
  const dataDir = resolve(read('GATEHOUSE_DATA_DIR') ?? './data');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const publicUrl = (read('PUBLIC_URL') ?? `http://${urlHost}:${port}`).replace(/\/+$/, '');
  try {
    const parsed = new URL(publicUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ConfigError(`Invalid PUBLIC_URL "${publicUrl}": expected an http:// or https:// URL such as https://gatehouse.example.com.`);
  }

  const header = (read('TRUST_PROXY_HEADER') ?? 'x-forwarded-for').toLowerCase();
  if (header !== 'x-forwarded-for' && header !== 'forwarded') {
    throw new ConfigError(`Invalid TRUST_PROXY_HEADER "${header}": expected x-forwarded-for or forwarded.`);
  }
  const trustProxy = (read('TRUST_PROXY') ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
  try {
    compileProxyTrust(trustProxy, header);
  } catch (error) {
    throw new ConfigError(`Invalid TRUST_PROXY: ${(error as Error).message}`);
  }
  const logLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`Invalid LOG_LEVEL "${logLevel}": expected one of ${logLevels.join(', ')}.`);
  }

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name);
    return value === undefined ? fallback : parseInteger(name, value, min, max);
  };

  const demoText = read('GATEHOUSE_DEMO');
  return {
    host,
    port,
    dataDir,
    databaseUrl: read('DATABASE_URL'),
    postgresPoolSize: integer('DATABASE_POOL_SIZE', 10, 1, 1000),
    publicUrl,
    smtpUrl: read('SMTP_URL'),
    mailFrom: read('MAIL_FROM') ?? 'Gatehouse <gatehouse@localhost>',
    trustProxy,
    trustProxyHeader: header,
    logLevel,
    webSessionMinutes: integer('WEB_SESSION_MINUTES', 720, 1, 525_600),
    mobileSessionMinutes: integer('MOBILE_SESSION_MINUTES', 43_200, 1, 525_600),
    authorizationLinkMinutes: integer('AUTHORIZATION_LINK_MINUTES', 30, 1, 1440),
    signInLimitPerAddress: integer('SIGN_IN_LIMIT_PER_ADDRESS', 30, 1, 1_000_000),
    signInLimitPerEmail: integer('SIGN_IN_LIMIT_PER_EMAIL', 10, 1, 1_000_000),
    authorizationEmailLimit: integer('AUTHORIZATION_EMAIL_LIMIT', 5, 1, 1_000_000),
    demo: demoText === undefined ? true : parseSwitch('GATEHOUSE_DEMO', demoText),
  };
}

export function sqlitePathFor(config: Config): string {
  return resolve(config.dataDir, 'gatehouse.sqlite');
}
