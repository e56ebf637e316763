import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { Database } from './sql';

/**
 * Cap on how long a transaction may sit idle: an open transaction holds back every gap-safe
 * reader of the event store (ARCHITECTURE.md), so no session may keep one forever.
 */
const SESSION_OPTIONS = '-c idle_in_transaction_session_timeout=30000 -c statement_timeout=60000';

export function createDataSource(databaseUrl: string, poolSize = 20): DataSource {
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    logging: false,
    extra: { max: poolSize, options: SESSION_OPTIONS, connectionTimeoutMillis: 5000 },
  });
}

/** A pool on `databaseUrl`, connected: what the service, the CLI and the tests query through. */
export async function openDatabase(databaseUrl: string, poolSize = 20): Promise<Database> {
  return new Database(await createDataSource(databaseUrl, poolSize).initialize());
}

function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

function serverUrl(databaseUrl: string, database = 'postgres'): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates the database of `databaseUrl` if it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const client = new Client({
    connectionString: serverUrl(databaseUrl),
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        .catch((e: { code?: string }) => {
          if (e.code !== '42P04') throw e; // created meanwhile by another process
        });
    }
  } finally {
    await client.end();
  }
}

/** Drops a database (tests clean up after themselves). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl(databaseUrl) });
  await client.connect();
  try {
    await client.query(
      `DROP DATABASE IF EXISTS "${databaseName(databaseUrl).replace(/"/g, '""')}" WITH (FORCE)`,
    );
  } finally {
    await client.end();
  }
}

/**
 * Creates the database if missing and applies every pending migration; returns their names.
 * A test of an old schema names the migrations to stop at.
 */
export async function migrate(
  databaseUrl: string,
  migrations: typeof MIGRATIONS = MIGRATIONS,
): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const ds = createDataSource(databaseUrl, 2);
  ds.setOptions({ migrations });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
