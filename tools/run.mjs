#!/usr/bin/env node
// `npm run db:migrate` / `npm run db:revert`: builds the migration command and runs it against
// the configured database (environment first, then .env), the same way deployments run it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from './env-file.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const command = process.argv[2] ?? 'migrate';
if (!['migrate', 'revert'].includes(command)) {
  console.error(`usage: node tools/db.mjs migrate|revert`);
  process.exit(2);
}

const envFile = join(root, '.env');
const fromFile = existsSync(envFile) ? parseEnvFile(readFileSync(envFile, 'utf8')) : {};
const env = { ...fromFile, ...process.env };

const run = (args) => spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
const build = run(['tools/build.mjs', 'migrate']);
if (build.status !== 0) process.exit(build.status ?? 1);
const migrate = run(['dist/migrate/main.js', command]);
process.exit(migrate.status ?? 1);
