import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { seedDemoAccount, type DemoAccount } from '../accounts/demo.ts';
import { ConfigError, type Config } from '../config.ts';
import { createGatehouse, type Gatehouse } from '../gatehouse.ts';
import { createLogger } from '../logger.ts';
import { deleteExpiredRows } from '../store/cleanup.ts';
import { redactUrl } from '../store/database.ts';
import { buildApp } from './app.ts';

export interface RunningServer {
  app: FastifyInstance;
  gatehouse: Gatehouse;
  url: string;
  demo: DemoAccount | undefined;
  close(): Promise<void>;
}

export function formatDemoBanner(demo: DemoAccount, url: string): string {
  return [
    '',
    'Gatehouse created a demo account on this empty database. These passwords are shown only now:',
    `  account:  ${demo.accountName} (id ${demo.accountId})`,
    `  admin:    ${demo.admin.email}  password ${demo.admin.password}`,
    `  agent:    ${demo.agent.email}  password ${demo.agent.password}`,
    `Control Panel: ${url}/control-panel    Agent Console: ${url}/agent-console`,
    '',
  ].join('\n');
}

/** Starts one Gatehouse node: opens and migrates the store, seeds the demo account when empty, and listens. */
export interface StartOptions {
  /** Receives the demo account banner; standard output by default. */
  printDemo?: (text: string) => void;
  /** The destination of log lines; standard output by default. */
  logDestination?: DestinationStream;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const gatehouse = await createGatehouse(config, logger, { listen: true });
  let ready = false;
  const app = buildApp(gatehouse, { isReady: () => ready });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await gatehouse.close();
    throw new ConfigError(`Failed to listen on HOST ${config.host}, PORT ${config.port}: ${(error as Error).message}`, { cause: error });
  }
  // Seeded only once the port is open, so a start that fails to listen keeps
  // the database empty and the next start prints the demo passwords.
  let demo: DemoAccount | undefined;
  try {
    demo = config.demo ? await seedDemoAccount(gatehouse.store.db) : undefined;
  } catch (error) {
    await app.close();
    await gatehouse.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info(
    { event: 'server_started', url, publicUrl: config.publicUrl, store: gatehouse.store.dialect, database: redactUrl(config.databaseUrl ?? 'sqlite (data dir)'), mail: gatehouse.mailer.kind },
    `Gatehouse listening on ${url}`,
  );
  // Expired rows are deleted at start and then hourly; a failure only delays the next run.
  const cleanUp = () =>
    deleteExpiredRows(gatehouse.store.db).then(
      (deleted) => logger.debug({ event: 'cleanup', ...deleted }, 'Deleted expired rows'),
      (error: unknown) => logger.warn({ event: 'cleanup_failed', err: error }, 'Failed to delete expired rows; retrying in an hour'),
    );
  void cleanUp();
  const cleanupTimer = setInterval(() => void cleanUp(), 60 * 60_000);
  cleanupTimer.unref();

  // The passwords go to the terminal once, never into the log.
  if (demo) (options.printDemo ?? ((text) => process.stdout.write(`${text}\n`)))(formatDemoBanner(demo, config.publicUrl));
  ready = true;

  return {
    app,
    gatehouse,
    url,
    demo,
    async close() {
      clearInterval(cleanupTimer);
      await app.close();
      await gatehouse.close();
      logger.info({ event: 'server_stopped' }, 'Gatehouse stopped');
    },
  };
}
