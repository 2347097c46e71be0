#!/usr/bin/env node
// Runs every check in order and stops at the first failure: format, lint (with the Nx project
// graph, so module boundaries are enforced), type check, unit, integration and end-to-end tests
// (the browser pages' among them, in Debian's Chromium), and the compose files. Integration and e2e tests need Postgres and Redis: the configured ones
// when they answer, otherwise local ones started under .data/ and stopped again afterwards.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMiddleware, MiddlewareError } from './middleware.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, 'tmp', 'test-reports');
mkdirSync(reportDir, { recursive: true });

const bin = (name) => join(root, 'node_modules', '.bin', name);
const jestSuites = [];

// No step may hang a CI run: a suite that does not finish in this time has failed.
const STEP_TIMEOUT_MS = 15 * 60 * 1000;

function step(title, command, args, env = {}) {
  const started = Date.now();
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    timeout: STEP_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, TZ: 'UTC', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env },
  });
  if (result.error) console.error(`=== ${title}: ${result.error.message}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`=== ${title} failed after ${seconds}s`);
    return false;
  }
  console.log(`=== ${title} passed in ${seconds}s`);
  return true;
}

function jest(title, config, env) {
  const report = join(reportDir, `${config}.json`);
  jestSuites.push(report);
  return step(
    title,
    bin('jest'),
    ['-c', `jest.${config}.config.js`, '--json', `--outputFile=${report}`, '--ci'],
    env,
  );
}

function summary() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const report of jestSuites) {
    try {
      const results = JSON.parse(readFileSync(report, 'utf8'));
      passed += results.numPassedTests;
      failed += results.numFailedTests;
      skipped += results.numPendingTests + results.numTodoTests;
    } catch {
      failed += 1;
    }
  }
  return `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`;
}

let middleware;
let ok = false;
try {
  ok =
    step('project graph', bin('nx'), ['show', 'projects']) &&
    step('format', bin('prettier'), ['--check', '.', '--log-level', 'warn']) &&
    step('lint', bin('eslint'), ['.', '--max-warnings=0']) &&
    step('type check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) &&
    // The browser pages compile against the DOM types, in their own project.
    step('type check (web)', bin('tsc'), ['-p', 'apps/web/tsconfig.json', '--noEmit']) &&
    jest('unit tests', 'unit');
  if (ok) {
    middleware = await ensureMiddleware({
      databaseUrl: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL,
      redisUrl: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL,
    });
    const env = { TEST_DATABASE_URL: middleware.databaseUrl, TEST_REDIS_URL: middleware.redisUrl };
    ok =
      jest('integration tests', 'int', env) &&
      step('build', process.execPath, ['tools/build.mjs']) &&
      jest('end-to-end tests', 'e2e', env) &&
      step('compose files', 'bash', ['tools/compose-check.sh']);
  }
} catch (error) {
  console.error(error instanceof MiddlewareError ? error.message : error);
  ok = false;
} finally {
  await middleware?.stop();
}

console.log(`\n${summary()}`);
process.exit(ok ? 0 : 1);
