import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

/** The PostgreSQL server of the test machine; each test database lives in its own schema there. */
export const postgresTestUrl = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The dialects every store and HTTP test runs against; both by default, and a run never skips one silently. */
export const testDialects: TestDialect[] = (process.env.GATEHOUSE_TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is TestDialect => {
    if (name !== 'sqlite' && name !== 'postgres') throw new Error(`Invalid GATEHOUSE_TEST_DIALECTS entry "${name}": expected sqlite or postgres.`);
    return true;
  });

export interface TestDatabase {
  /** DATABASE_URL for the server, or undefined for SQLite in the data folder. */
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

/** Creates an empty database: a new PostgreSQL schema, or nothing for SQLite (a new data folder is enough). */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') return { databaseUrl: undefined, drop: async () => {} };

  const schema = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresTestUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresTestUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    databaseUrl: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: postgresTestUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await dropper.end();
      }
    },
  };
}
