import type { Logger } from 'pino';
import { AllowlistCache } from './allowlist/cache.ts';
import { PostgresChangeListener, publishAllowlistChange } from './allowlist/change-listener.ts';
import { AllowlistService } from './allowlist/service.ts';
import { IpAuthorizationService } from './auth/ip-authorization.ts';
import { SignInService } from './auth/sign-in.ts';
import { ConfigError, sqlitePathFor, type Config } from './config.ts';
import { createMailer, type Mailer } from './mail/index.ts';
import { join } from 'node:path';
import { describeDatabaseUrl, migrateToLatest, openStore, type Store } from './store/database.ts';

/** The services of one Gatehouse node, over one store. */
export interface Gatehouse {
  config: Config;
  logger: Logger;
  store: Store;
  mailer: Mailer;
  cache: AllowlistCache;
  allowlist: AllowlistService;
  signIn: SignInService;
  ipAuthorizations: IpAuthorizationService;
  /** On PostgreSQL with `listen`, the connection that hears allowlist changes of other nodes. */
  listener: PostgresChangeListener | undefined;
  close(): Promise<void>;
}

export interface GatehouseOptions {
  /** Listen for allowlist changes of other nodes (PostgreSQL only); servers do, the CLI does not. */
  listen?: boolean;
}

/** Opens the store, runs pending migrations and wires the services. */
export async function createGatehouse(config: Config, logger: Logger, options: GatehouseOptions = {}): Promise<Gatehouse> {
  const store = openStore({ databaseUrl: config.databaseUrl, defaultSqlitePath: sqlitePathFor(config), postgresPoolSize: config.postgresPoolSize });
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    const { dialect, location } = describeDatabaseUrl(config.databaseUrl, sqlitePathFor(config));
    throw new ConfigError(`Failed to open the ${dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} database at ${location} (DATABASE_URL): ${(error as Error).message}`, {
      cause: error,
    });
  }

  let mailer: Mailer;
  try {
    mailer = createMailer({
      ...(config.smtpUrl === undefined ? {} : { smtpUrl: config.smtpUrl }),
      from: config.mailFrom,
      outboxDir: join(config.dataDir, 'outbox'),
      logger,
    });
  } catch (error) {
    await store.close();
    throw new ConfigError(`${(error as Error).message} Check SMTP_URL and MAIL_FROM.`);
  }
  const cache = new AllowlistCache(store.db, store.dataVersion);
  const allowlist = new AllowlistService({
    db: store.db,
    cache,
    mailer,
    logger,
    publicUrl: config.publicUrl,
    // Every writer notifies the other nodes, the CLI included. SQLite has a single node.
    ...(store.postgresUrl === undefined ? {} : { publish: publishAllowlistChange }),
  });
  const listener =
    options.listen && store.postgresUrl !== undefined ? new PostgresChangeListener({ url: store.postgresUrl, cache, logger }) : undefined;
  await listener?.start();
  const signIn = new SignInService(store.db, allowlist, logger, {
    perAddress: config.signInLimitPerAddress,
    perEmail: config.signInLimitPerEmail,
    webSessionMinutes: config.webSessionMinutes,
    mobileSessionMinutes: config.mobileSessionMinutes,
  });
  const ipAuthorizations = new IpAuthorizationService({
    db: store.db,
    allowlist,
    mailer,
    logger,
    publicUrl: config.publicUrl,
    linkMinutes: config.authorizationLinkMinutes,
    emailsPerHour: config.authorizationEmailLimit,
  });

  return {
    config,
    logger,
    store,
    mailer,
    cache,
    allowlist,
    signIn,
    ipAuthorizations,
    listener,
    async close() {
      await listener?.stop();
      await allowlist.flushMail();
      await mailer.close();
      await store.close();
    },
  };
}
