// The bench's own Postgres database: created fresh, migrated with the real migration command,
// dropped afterwards. Also reads pg_stat_database, which is how the bench counts SQL.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { HarnessError } from './services.mjs';

const BENCH_DATABASE = /^dify_bench_[a-z0-9_]+$/;

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A client on the server's maintenance database, whose own queries never count for the bench's. */
export async function maintenanceClient(serverUrl) {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export async function createBenchDatabase(serverUrl) {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const name = `dify_bench_${stamp}_${randomBytes(3).toString('hex')}`;
  const client = await maintenanceClient(serverUrl);
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return { name, url: withDatabase(serverUrl, name) };
}

export function migrate(root, databaseUrl) {
  const result = spawnSync(process.execPath, ['dist/migrate/main.js', 'migrate'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new HarnessError(`migration failed:\n${result.stderr || result.stdout}`);
  }
}

export async function dropBenchDatabase(serverUrl, name) {
  if (!BENCH_DATABASE.test(name)) throw new HarnessError(`refusing to drop database ${name}`);
  const client = await maintenanceClient(serverUrl);
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Counters of one database from pg_stat_database. Every statement a service sends outside an
 * explicit transaction is one transaction of its own, so `transactions` counts statements
 * (an explicit multi-statement transaction counts once, which can only under-count).
 */
export async function databaseCounters(client, name) {
  const { rows } = await client.query(
    `SELECT xact_commit + xact_rollback AS transactions, tup_returned, tup_fetched
       FROM pg_stat_database WHERE datname = $1`,
    [name],
  );
  if (rows.length !== 1) throw new HarnessError(`no pg_stat_database row for ${name}`);
  const [row] = rows;
  return {
    transactions: Number(row.transactions),
    tupReturned: Number(row.tup_returned),
    tupFetched: Number(row.tup_fetched),
  };
}

export function counterDelta(before, after) {
  return Object.fromEntries(Object.keys(before).map((key) => [key, after[key] - before[key]]));
}
