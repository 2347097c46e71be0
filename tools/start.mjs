#!/usr/bin/env node
// `npm start`: from a fresh clone to all four services running, in one command.
//
// Steps: install dependencies if missing, create .env with a random SECRET_KEY if missing,
// load .env (real environment variables win), find or start Postgres and Redis, build,
// migrate, then run api, auth, worker and beat with labelled output until Ctrl-C. The build
// includes the browser pages, which the api serves at /signin and /device.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from './env-file.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECRET_PLACEHOLDER = 'change-me-to-a-random-secret-of-at-least-32-bytes';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

// Each service, the variable holding its port, and that port's default.
// api and auth serve health and metrics on a port of their own, bound on OPS_HOST; worker and beat
// have only that one listener, on HOST.
const SERVICES = [
  {
    name: 'api',
    portVar: 'API_PORT',
    defaultPort: 5001,
    opsPortVar: 'API_OPS_PORT',
    defaultOpsPort: 5005,
  },
  {
    name: 'auth',
    portVar: 'AUTH_PORT',
    defaultPort: 5002,
    opsPortVar: 'AUTH_OPS_PORT',
    defaultOpsPort: 5006,
  },
  { name: 'worker', portVar: 'WORKER_HEALTH_PORT', defaultPort: 5003 },
  { name: 'beat', portVar: 'BEAT_HEALTH_PORT', defaultPort: 5004 },
];

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const COLOURS = { api: 36, auth: 35, worker: 33, beat: 32, start: 1 };
const LABEL_WIDTH = Math.max(...SERVICES.map((service) => service.name.length));

function label(name) {
  const text = `${name.padEnd(LABEL_WIDTH)} |`;
  return useColour ? `\x1b[${COLOURS[name] ?? 0}m${text}\x1b[0m` : text;
}

function say(message) {
  process.stderr.write(`${label('start')} ${message}\n`);
}

class StartError extends Error {}

// ---------------------------------------------------------------------------
// Setup steps

function ensureDependencies() {
  if (fs.existsSync(path.join(ROOT, 'node_modules'))) return;
  const hasLock = fs.existsSync(path.join(ROOT, 'package-lock.json'));
  const args = hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  say(`node_modules is missing; running npm ${args[0]}`);
  const result = spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new StartError(`npm ${args[0]} failed`);
}

// Copies .env.example, swapping the placeholder secret for a fresh one so a new clone
// starts without a manual edit; every other line is kept as the example has it.
function ensureEnvFile(envPath) {
  if (fs.existsSync(envPath)) return;
  const examplePath = path.join(ROOT, '.env.example');
  const example = fs.existsSync(examplePath) ? fs.readFileSync(examplePath, 'utf8') : '';
  const secretLine = `SECRET_KEY=${randomBytes(48).toString('base64url')}`;
  const secretPattern = new RegExp(`^SECRET_KEY=(${SECRET_PLACEHOLDER})?[ \\t]*$`, 'm');
  let content;
  if (secretPattern.test(example)) {
    content = example.replace(secretPattern, secretLine);
  } else if (/^SECRET_KEY=/m.test(example)) {
    content = example;
  } else {
    content = `${example}${example && !example.endsWith('\n') ? '\n' : ''}${secretLine}\n`;
  }
  fs.writeFileSync(envPath, content, { mode: 0o600 });
  say(`created .env from ${example ? '.env.example' : 'scratch'} with a random SECRET_KEY`);
}

function loadEnv(envPath) {
  const fromFile = parseEnvFile(fs.readFileSync(envPath, 'utf8'));
  return { ...fromFile, ...process.env };
}

// The services refuse a weak or placeholder key too, but only after a full build.
function checkSecret(env) {
  const secret = env.SECRET_KEY ?? '';
  if (secret === SECRET_PLACEHOLDER || Buffer.byteLength(secret) < 32) {
    throw new StartError(
      'SECRET_KEY in .env (or the environment) is missing, too short or still the placeholder; ' +
        `set it to at least 32 random bytes, e.g. SECRET_KEY=${randomBytes(48).toString('base64url')}`,
    );
  }
}

// ---------------------------------------------------------------------------
// Child processes

const children = new Set();
let shuttingDown = false;

// Runs a one-shot step (build, migrate) with the terminal's output as is.
function runStep(description, args, env) {
  say(description);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
    children.add(child);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve();
      else if (shuttingDown) reject(new StartError('interrupted'));
      else reject(new StartError(`${description} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

// Writes each complete line of a stream with the service's label in front.
function pipeLines(stream, target, prefix) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) target.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => {
    if (pending) target.write(`${prefix} ${pending}\n`);
  });
}

function startService(service, env, onUnexpectedExit) {
  const entry = path.join('dist', service.name, 'main.js');
  // Its own process group keeps the terminal's Ctrl-C from reaching the services
  // directly, so shutdown happens in one place and in order.
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.serviceName = service.name;
  children.add(child);
  pipeLines(child.stdout, process.stdout, label(service.name));
  pipeLines(child.stderr, process.stderr, label(service.name));
  child.on('error', (error) => {
    say(`${service.name} could not be started: ${error.message}`);
  });
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!shuttingDown) onUnexpectedExit(service.name, signal ?? `exit code ${code}`);
  });
  return child;
}

// 0.0.0.0 and :: mean "every interface", which is not an address to connect to.
function probeHost(bound) {
  const host = bound || '0.0.0.0';
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

// Services run in their own process group; signalling the group reaches anything they spawned.
function signalChild(child, signal) {
  try {
    if (child.serviceName) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChildren() {
  const running = [...children];
  for (const child of running) signalChild(child, 'SIGTERM');
  const exited = (child) =>
    hasExited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
  const timedOut = Symbol('timeout');
  const outcome = await Promise.race([
    Promise.all(running.map(exited)),
    new Promise((resolve) => setTimeout(() => resolve(timedOut), STOP_TIMEOUT_MS)),
  ]);
  if (outcome === timedOut) {
    for (const child of running.filter((c) => !hasExited(c))) {
      say(
        `${child.serviceName ?? 'step'} did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`,
      );
      signalChild(child, 'SIGKILL');
    }
    await Promise.all(running.map(exited));
  }
}

// ---------------------------------------------------------------------------
// Main

let middleware = null;
let exitCode = 0;
let markFinished;
const finished = new Promise((resolve) => (markFinished = resolve));

// The single way out once anything has started: stop services, then middleware.
async function shutdown(code, reason) {
  if (shuttingDown) return;
  shuttingDown = true;
  exitCode = code;
  if (reason) say(reason);
  await stopChildren();
  if (middleware) {
    await middleware.stop().catch((error) => say(`stopping middleware: ${error.message}`));
  }
  markFinished();
}

async function bringUp() {
  ensureDependencies();
  const envPath = path.join(ROOT, '.env');
  ensureEnvFile(envPath);
  const env = loadEnv(envPath);
  checkSecret(env);

  // Imported only now: it needs pg and ioredis, which npm ci may just have installed.
  const { ensureMiddleware } = await import('./middleware.mjs');
  middleware = await ensureMiddleware({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    dataDir: env.DATA_DIR,
    log: (message) => say(message),
  });
  if (shuttingDown) {
    // Ctrl-C arrived while the middleware was starting; shutdown could not see it yet.
    await finished;
    await middleware.stop();
    return;
  }
  env.DATABASE_URL = middleware.databaseUrl;
  env.REDIS_URL = middleware.redisUrl;

  await runStep('building (node tools/build.mjs)', ['tools/build.mjs'], env);
  await runStep('applying migrations (node dist/migrate/main.js)', ['dist/migrate/main.js'], env);

  const started = SERVICES.map((service) => {
    const port = Number(env[service.portVar] || service.defaultPort);
    const healthUrl = service.opsPortVar
      ? `http://${probeHost(env.OPS_HOST || '127.0.0.1')}:${Number(env[service.opsPortVar] || service.defaultOpsPort)}`
      : `http://${probeHost(env.HOST)}:${port}`;
    const child = startService(service, env, (name, how) =>
      shutdown(1, `${name} exited unexpectedly (${how}); stopping everything`),
    );
    return { ...service, port, healthUrl, child };
  });

  const readiness = await Promise.all(
    started.map(({ healthUrl, child }) =>
      waitReady(`${healthUrl}/health/ready`, child, READY_TIMEOUT_MS),
    ),
  );
  if (shuttingDown) return;
  const notReady = started.filter((_, index) => !readiness[index]).map((s) => s.name);
  if (notReady.length) {
    await shutdown(1, `not ready within ${READY_TIMEOUT_MS / 1000}s: ${notReady.join(', ')}`);
    return;
  }

  const url = (name, suffix = '') =>
    `http://localhost:${started.find((s) => s.name === name).port}${suffix}`;
  // The pages are served by the gateway; CONSOLE_WEB_URL is what the CLI is told to open.
  const webUrl = (env.CONSOLE_WEB_URL || url('api')).replace(/\/+$/, '');
  process.stdout.write(
    [
      '',
      'All services are ready:',
      `  api            ${url('api')}`,
      `  device page    ${webUrl}/device  (where a person approves a CLI sign-in; /signin to sign in)`,
      `  auth           ${url('auth')}  (internal; the api proxies to it)`,
      ...started.map(
        ({ name, healthUrl }) => `  ${`${name} health`.padEnd(15)}${healthUrl}/health/ready`,
      ),
      'Create the first account with:',
      "  npm run accounts -- create --email you@example.com --name You --password '<a strong password>'",
      'Then sign in from a terminal (it prints a code to approve on the device page):',
      `  npm run difyctl -- login${url('api') === 'http://localhost:5001' ? '' : ` --server ${url('api')}`}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => void shutdown(0, `${signal} received; stopping`));
}
// A crash in this script must not leave services holding their ports.
process.on('exit', () => {
  for (const child of children) signalChild(child, 'SIGKILL');
});

try {
  await bringUp();
} catch (error) {
  if (!shuttingDown) {
    // Expected failures (ours and the middleware's) explain themselves; others need the stack.
    const expected = error instanceof StartError || error?.name === 'MiddlewareError';
    const message = expected ? error.message : (error?.stack ?? String(error));
    await shutdown(1, message);
  }
}
// Services keep running until a signal or an unexpected exit triggers shutdown.
await finished;
process.exit(exitCode);
