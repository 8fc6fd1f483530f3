import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.ts';
import type { AllowlistCache } from './cache.ts';

/** The PostgreSQL notification channel that carries the id of an account whose allowlist changed. */
export const allowlistChannel = 'gatehouse_allowlist';

/** Tells every node listening on the database that an account's allowlist changed. */
export async function publishAllowlistChange(db: Kysely<Database>, accountId: string): Promise<void> {
  await sql`SELECT pg_notify(${allowlistChannel}, ${accountId})`.execute(db);
}

export interface ChangeListenerOptions {
  url: string;
  cache: AllowlistCache;
  logger: Logger;
  /** How often the connection is tested with a query, in milliseconds. */
  heartbeatMs?: number;
  /** The maximum wait between reconnection attempts, in milliseconds. */
  maxBackoffMs?: number;
}

/**
 * Keeps one PostgreSQL connection that LISTENs for allowlist changes and drops
 * the changed account from this node's cache. While the connection is down,
 * the cache reads through to the database instead of trusting its entries,
 * and the listener reconnects with exponential backoff.
 */
export class PostgresChangeListener {
  readonly #options: Required<ChangeListenerOptions>;
  #client: pg.Client | undefined;
  #connected = false;
  #stopped = false;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(options: ChangeListenerOptions) {
    this.#options = { heartbeatMs: 2_000, maxBackoffMs: 5_000, ...options };
    // Until the first LISTEN succeeds, no cached entry can be trusted.
    this.#options.cache.setBypass(true);
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Connects once; on failure it keeps retrying in the background and resolves anyway. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#heartbeatTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    if (client) await client.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const { url, cache, logger } = this.#options;
    const client = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000 });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== allowlistChannel) return;
      if (message.payload) cache.invalidate(message.payload);
      else cache.setBypass(false);
    });

    try {
      await client.connect();
      await client.query(`LISTEN ${allowlistChannel}`);
    } catch (error) {
      await client.end().catch(() => {});
      this.#scheduleReconnect(error);
      return;
    }
    if (this.#stopped) {
      await client.end().catch(() => {});
      return;
    }

    this.#client = client;
    this.#connected = true;
    // Changes made while disconnected were missed, so the cache starts empty.
    cache.setBypass(false);
    if (this.#attempt > 0) logger.info({ event: 'allowlist_listener_reconnected', attempts: this.#attempt }, 'Allowlist change listener reconnected');
    this.#attempt = 0;
    clearInterval(this.#heartbeatTimer);
    // A heartbeat without a response within its interval counts as a lost
    // connection, because a stalled connection may never report an error.
    let heartbeatPending = false;
    this.#heartbeatTimer = setInterval(() => {
      if (heartbeatPending) {
        this.#lost(client, new Error(`heartbeat timed out after ${this.#options.heartbeatMs} ms`));
        return;
      }
      heartbeatPending = true;
      client.query('SELECT 1').then(
        () => (heartbeatPending = false),
        (error: unknown) => this.#lost(client, error),
      );
    }, this.#options.heartbeatMs);
    this.#heartbeatTimer.unref();
  }

  #lost(client: pg.Client, error: unknown): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    this.#connected = false;
    clearInterval(this.#heartbeatTimer);
    this.#options.cache.setBypass(true);
    client.end().catch(() => {});
    if (this.#stopped) return;
    this.#options.logger.warn(
      { event: 'allowlist_listener_lost', err: error },
      'Allowlist change listener lost its connection; reading allowlists from the database until it is back',
    );
    this.#scheduleReconnect(error);
  }

  #scheduleReconnect(error: unknown): void {
    if (this.#stopped) return;
    this.#attempt++;
    const delay = Math.min(this.#options.maxBackoffMs, 100 * 2 ** Math.min(this.#attempt, 10)) * (0.5 + Math.random() / 2);
    // The first failure and then every tenth are logged, so an outage does not flood the log.
    if (this.#attempt === 1 || this.#attempt % 10 === 0) {
      this.#options.logger.warn({ event: 'allowlist_listener_retry', attempt: this.#attempt, delayMs: Math.round(delay), err: error }, 'Allowlist change listener cannot connect; retrying');
    }
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
    this.#reconnectTimer.unref();
  }
}
