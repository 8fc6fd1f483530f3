import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type Migration, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import * as initial from './migrations/0001-initial.ts';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** The PostgreSQL connection string, for the change listener; undefined on SQLite. */
  readonly postgresUrl: string | undefined;
  /**
   * SQLite only: a number that changes when another connection (the CLI, say)
   * commits to the file, so caches can notice changes made outside this process.
   */
  readonly dataVersion: (() => number) | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…`, `sqlite:PATH`, or undefined for SQLite at `defaultSqlitePath`. */
  databaseUrl: string | undefined;
  defaultSqlitePath: string;
  postgresPoolSize?: number;
}

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

export function describeDatabaseUrl(url: string | undefined, defaultSqlitePath: string): { dialect: DialectName; location: string } {
  if (url === undefined || url === '') return { dialect: 'sqlite', location: resolve(defaultSqlitePath) };
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const parsed = new URL(url);
    return { dialect: 'postgres', location: `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}` };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error(`Invalid DATABASE_URL "${url}": give a file path after "sqlite:", like sqlite:./data/gatehouse.sqlite.`);
    return { dialect: 'sqlite', location: path === ':memory:' ? path : resolve(path) };
  }
  throw new Error(`Invalid DATABASE_URL "${redactUrl(url)}": use postgres://… for PostgreSQL or sqlite:PATH for SQLite.`);
}

/** Replaces a password in a connection string, so that the string can be logged. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/** Opens the store. It does not migrate: call `migrateToLatest` for that. */
export function openStore(options: StoreOptions): Store {
  const { dialect, location } = describeDatabaseUrl(options.databaseUrl, options.defaultSqlitePath);

  if (dialect === 'postgres') {
    const url = options.databaseUrl as string;
    // A query without a response within 5 s fails, so a stalled database
    // gives 503 instead of hanging requests.
    const pool = new pg.Pool({ connectionString: url, max: options.postgresPoolSize ?? 10, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
    // A client whose connection drops emits 'error': on the pool while idle, on
    // the client itself while checked out. Unhandled, either ends the process.
    // The query in progress rejects with the same error, which the caller reports.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect, postgresUrl: url, dataVersion: undefined, close: () => db.destroy() };
  }

  if (location !== ':memory:') {
    // The file contains password and token hashes, so only the server's user may read it.
    // SQLite gives its -wal and -shm files the permissions of the database file.
    mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
    if (!existsSync(location)) writeFileSync(location, '', { mode: 0o600, flag: 'wx' });
  }
  const database = new SqliteDatabase(location);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  // Several processes (the server and the CLI) may write the same file.
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const dataVersion = () => database.pragma('data_version', { simple: true }) as number;
  return { db, dialect, postgresUrl: undefined, dataVersion, close: () => db.destroy() };
}

export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  // Kysely looks for its migration tables in every schema unless it is given
  // one, so another schema's tables in the same database would mislead it.
  const schema =
    store.dialect === 'postgres' ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(store.db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'gatehouse_migrations',
    migrationLockTableName: 'gatehouse_migrations_lock',
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
