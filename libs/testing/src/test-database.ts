import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

const REPO_ROOT = join(__dirname, '..', '..', '..');

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onMaintenanceDb<T>(
  serverUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on the server and migrates it with the real migration command, built
 * from source first, exactly as a deployment runs it.
 */
export async function createMigratedDatabase(
  serverUrl: string,
): Promise<{ url: string; name: string }> {
  const name = `dify_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await onMaintenanceDb(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(serverUrl, name);
  const run = (args: string[]) =>
    execFileSync(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  run(['tools/build.mjs', 'migrate']);
  run(['dist/migrate/main.js', 'migrate']);
  return { url, name };
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^dify_test_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await onMaintenanceDb(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}
