#!/usr/bin/env node
// Runs one of the project's commands against the configured environment (real environment
// variables first, then .env): builds the command from source, then runs it with the given
// arguments, the same way deployments run it.
//
//   node tools/run.mjs migrate [revert]     npm run db:migrate / db:revert
//   node tools/run.mjs accounts create ...  npm run accounts -- ...
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from './env-file.mjs';

const COMMANDS = ['migrate', 'accounts'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);
if (!COMMANDS.includes(command)) {
  console.error(`usage: node tools/run.mjs ${COMMANDS.join('|')} [arguments]`);
  process.exit(2);
}

const envFile = join(root, '.env');
const fromFile = existsSync(envFile) ? parseEnvFile(readFileSync(envFile, 'utf8')) : {};
const env = { ...fromFile, ...process.env };

const run = (runArgs, stdio) => spawnSync(process.execPath, runArgs, { cwd: root, env, stdio });
const build = run(['tools/build.mjs', command], ['ignore', 'ignore', 'inherit']);
if (build.status !== 0) process.exit(build.status ?? 1);
process.exit(run([`dist/${command}/main.js`, ...args], 'inherit').status ?? 1);
