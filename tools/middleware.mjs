#!/usr/bin/env node
// Finds or starts the Postgres and Redis that the services need on a developer machine.
//
// The configured DATABASE_URL / REDIS_URL win whenever they answer, so a developer with
// their own servers (or the docker compose middleware file) is never second-guessed.
// Only when they do not answer are private instances started under the data directory
// (.data/ by default), and their ports and pids are recorded in .data/middleware.json so
// a later run can reuse them and `down` can stop them.
//
// Usage as a module:
//   const mw = await ensureMiddleware({ log });   // -> { databaseUrl, redisUrl, started, stop }
//   ...
//   await mw.stop();                             // stops only what this call started
//
// Usage as a CLI:
//   node tools/middleware.mjs up       ensure both, leave them running, print the URLs on stdout
//   node tools/middleware.mjs down     stop the local instances recorded in .data/middleware.json
//   node tools/middleware.mjs status   show what is configured, recorded and answering

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dify';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE_FILE = 'middleware.json';
const PROBE_TIMEOUT_MS = 2000;
const START_TIMEOUT_S = 60;
const STOP_TIMEOUT_MS = 15000;
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

// Network-level failures mean "nobody is serving there"; anything else (bad password,
// missing role) means a server answered and refused, which starting a local one would hide.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'EPIPE',
]);

const INSTALL_HINT = [
  'Either install them:',
  '  apt-get install postgresql redis-server',
  'or run them in containers and point the services at them:',
  '  docker compose -f docker/docker-compose.middleware.yaml up -d',
  '  export DATABASE_URL=postgres://postgres:dify@127.0.0.1:5432/dify',
  '  export REDIS_URL=redis://127.0.0.1:6379/0',
].join('\n');

// Marks failures whose message is the whole story, so callers can print it without a stack.
export class MiddlewareError extends Error {
  name = 'MiddlewareError';
}

function defaultLog(message) {
  process.stderr.write(`[middleware] ${message}\n`);
}

function resolveDataDir(dataDir) {
  return path.resolve(ROOT, dataDir || process.env.DATA_DIR || '.data');
}

// Hides credentials so that URLs can be logged.
export function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

// Runs a command to completion, capturing its output for error messages.
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: stderr + error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// A root shell's PATH does not always include the sbin directories.
function runuserBinary() {
  return (
    findOnPath('runuser') ??
    ['/usr/sbin/runuser', '/sbin/runuser'].find((file) => isExecutable(file)) ??
    'runuser'
  );
}

function runAsPostgres(command, args, options) {
  return run(runuserBinary(), ['-u', 'postgres', '--', command, ...args], options);
}

// initdb and postgres refuse to run as root, so as root they run as the postgres user.
function runPostgresTool(command, args, options) {
  return IS_ROOT ? runAsPostgres(command, args, options) : run(command, args, options);
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

// Guards against signalling an unrelated process that inherited a recorded pid.
function pidLooksLike(pid, name) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(name);
  } catch {
    // Without /proc there is nothing better to go on than the pid itself.
    return !fs.existsSync('/proc');
  }
}

async function waitForExit(pid, timeoutMs) {
  return waitFor(() => !pidAlive(pid), timeoutMs, 100);
}

function tailFile(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Prefers the port used last time so the printed URLs stay stable across runs.
async function pickPort(preferred) {
  if (preferred && (await portIsFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function readState(dataRoot) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataRoot, STATE_FILE), 'utf8'));
  } catch {
    return {};
  }
}

function writeState(dataRoot, state) {
  fs.mkdirSync(dataRoot, { recursive: true });
  fs.writeFileSync(path.join(dataRoot, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

// Removing an entry keeps its port as a hint, so the next start hands out the same URL.
function updateState(dataRoot, key, value) {
  const state = readState(dataRoot);
  if (value === undefined) {
    if (state[key]?.port) state.previousPorts = { ...state.previousPorts, [key]: state[key].port };
    delete state[key];
  } else {
    state[key] = value;
  }
  writeState(dataRoot, state);
}

function preferredPort(dataRoot, key) {
  const state = readState(dataRoot);
  return state[key]?.port ?? state.previousPorts?.[key];
}

// ---------------------------------------------------------------------------
// Probing configured servers

function databaseName(databaseUrl) {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  return name || 'postgres';
}

function withDatabase(databaseUrl, name) {
  const parsed = new URL(databaseUrl);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

function isUnreachable(error) {
  if (UNREACHABLE_CODES.has(error.code)) return true;
  // pg reports a dropped or timed-out handshake without an errno code.
  return /timeout|terminated|closed|ECONNREFUSED/i.test(error.message || '');
}

// Resolves to 'ok', 'no-database' or { unreachable: reason }; throws when a server answered
// but refused us, because that is a configuration problem a local server would only hide.
async function probePostgres(databaseUrl) {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
  });
  // A late socket error after a failed connect must not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (error) {
    if (error.code === '3D000') return 'no-database';
    if (isUnreachable(error)) return { unreachable: error.code || error.message };
    throw new MiddlewareError(
      `Postgres at ${redactUrl(databaseUrl)} answered but refused the connection: ${error.message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(databaseUrl, log) {
  const name = databaseName(databaseUrl);
  const client = new pg.Client({
    connectionString: withDatabase(databaseUrl, 'postgres'),
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    log(`created database "${name}"`);
  } catch (error) {
    // Another process creating it at the same moment is just as good.
    if (error.code !== '42P04') {
      throw new MiddlewareError(`could not create database "${name}": ${error.message}`);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(databaseUrl, log) {
  if ((await probePostgres(databaseUrl)) === 'no-database') await createDatabase(databaseUrl, log);
}

async function probeRedis(redisUrl) {
  // One attempt, no reconnect loop and no offline queue: this is only a question.
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The rejection only says "Connection is closed."; the error event carries the cause.
  let cause;
  client.on('error', (error) => (cause = error));
  try {
    await client.connect();
    await client.ping();
    return 'ok';
  } catch (error) {
    const refusal = [cause, error].find((e) => /NOAUTH|WRONGPASS|NOPERM/.test(e?.message || ''));
    if (refusal) {
      throw new MiddlewareError(
        `Redis at ${redactUrl(redisUrl)} answered but refused us: ${refusal.message}`,
      );
    }
    return { unreachable: cause?.code || error.code || error.message };
  } finally {
    client.disconnect();
  }
}

// ---------------------------------------------------------------------------
// Local Postgres

function postgresMajor(binDir) {
  return run(path.join(binDir, 'pg_ctl'), ['--version']).then(({ stdout }) => {
    const match = /(\d+)(?:\.\d+)?/.exec(stdout);
    return match ? Number(match[1]) : 0;
  });
}

// Looks on PATH and in Debian's versioned directories, preferring the cluster's own
// major version (a data directory only opens with the version that created it) and
// otherwise the highest one available.
async function findPostgresBinaries(wantedMajor) {
  const dirs = [];
  const onPath = findOnPath('pg_ctl');
  if (onPath) dirs.push(path.dirname(fs.realpathSync(onPath)));
  try {
    for (const version of fs.readdirSync('/usr/lib/postgresql')) {
      dirs.push(path.join('/usr/lib/postgresql', version, 'bin'));
    }
  } catch {
    // Not a Debian layout; PATH is all there is.
  }
  const candidates = [];
  for (const dir of new Set(dirs)) {
    if (!['initdb', 'pg_ctl', 'postgres'].every((tool) => isExecutable(path.join(dir, tool)))) {
      continue;
    }
    candidates.push({ dir, major: await postgresMajor(dir) });
  }
  candidates.sort((a, b) => b.major - a.major);
  if (wantedMajor) return candidates.find((candidate) => candidate.major === wantedMajor) ?? null;
  return candidates[0] ?? null;
}

async function postgresUser() {
  const uid = await run('id', ['-u', 'postgres']);
  const gid = await run('id', ['-g', 'postgres']);
  if (uid.code !== 0 || gid.code !== 0) {
    throw new MiddlewareError(
      'running as root, but there is no "postgres" user to run initdb and postgres as ' +
        '(apt-get install postgresql creates it).',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

// Chooses where the cluster lives. As root the server runs as "postgres", which must be
// able to reach the directory; a repository under a private home directory is not
// reachable, so the cluster then goes to a per-repository directory under the temp dir.
async function postgresBase(dataRoot, log) {
  fs.mkdirSync(dataRoot, { recursive: true });
  if (!IS_ROOT) return dataRoot;
  const reachable = await runAsPostgres('test', ['-x', dataRoot], { cwd: '/' });
  if (reachable.code === 0) return dataRoot;
  const digest = createHash('sha256').update(dataRoot).digest('hex').slice(0, 12);
  const fallback = path.join(os.tmpdir(), `dify-middleware-${digest}`);
  fs.mkdirSync(fallback, { recursive: true, mode: 0o755 });
  // The name is predictable, so refuse a directory that someone else made first.
  const stat = fs.lstatSync(fallback);
  if (!stat.isDirectory() || stat.uid !== 0) {
    throw new MiddlewareError(`${fallback} exists but is not a directory owned by root`);
  }
  log(
    `${dataRoot} is not reachable by the postgres user, so the Postgres cluster and its log ` +
      `live in ${fallback} instead`,
  );
  return fallback;
}

function postgresPaths(base) {
  return {
    dataDir: path.join(base, 'postgres'),
    logFile: path.join(base, 'postgres.log'),
    socketDir: path.join(base, 'pg-socket'),
  };
}

// The recorded postmaster.pid tells whether that cluster is already up and on which port.
function runningPostmaster(dataDir) {
  let lines;
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pidAlive(pid) || !pidLooksLike(pid, 'postgres')) return null;
  return { pid, port };
}

function localDatabaseUrl(port, name) {
  return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
}

function quoteConfValue(value) {
  return `'${value.replace(/'/g, "''")}'`;
}

// Postgres settings live in an included file rewritten at each start, which keeps the
// port and socket dir out of pg_ctl's shell-quoted -o string.
function writePostgresConf(dataDir, { port, socketDir }, owner) {
  const mainConf = path.join(dataDir, 'postgresql.conf');
  const include = "include_if_exists = 'dify-middleware.conf'";
  if (!fs.readFileSync(mainConf, 'utf8').includes(include)) {
    fs.appendFileSync(mainConf, `\n# Added by tools/middleware.mjs\n${include}\n`);
  }
  const conf = path.join(dataDir, 'dify-middleware.conf');
  fs.writeFileSync(
    conf,
    [
      '# Rewritten by tools/middleware.mjs at every start; edits here are lost.',
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = ${quoteConfValue(socketDir)}`,
      '',
    ].join('\n'),
  );
  if (owner) fs.chownSync(conf, owner.uid, owner.gid);
}

// A Unix socket path is limited to about 107 bytes; past that, TCP alone is used.
function socketDirFor(socketDir, port, log) {
  if (Buffer.byteLength(path.join(socketDir, `.s.PGSQL.${port}`)) < 100) return socketDir;
  log(`socket path under ${socketDir} would be too long; Postgres listens on TCP only`);
  return '';
}

async function startLocalPostgres({ dataRoot, name, log }) {
  const base = await postgresBase(dataRoot, log);
  const { dataDir, logFile, socketDir } = postgresPaths(base);
  const versionFile = path.join(dataDir, 'PG_VERSION');
  const clusterMajor = fs.existsSync(versionFile)
    ? Number(fs.readFileSync(versionFile, 'utf8').trim())
    : 0;

  const running = runningPostmaster(dataDir);
  if (running) {
    const url = localDatabaseUrl(running.port, name);
    // A server started moments ago by another run may still be recovering.
    const answers = await waitFor(
      async () => typeof (await probePostgres(url)) === 'string',
      15000,
      500,
    );
    if (!answers) {
      throw new MiddlewareError(
        `a Postgres from ${dataDir} is running (pid ${running.pid}) but does not answer on ` +
          `port ${running.port}; stop it with: pg_ctl -D ${dataDir} -m fast stop`,
      );
    }
    log(
      `reusing local Postgres on 127.0.0.1:${running.port} (pid ${running.pid}, data ${dataDir})`,
    );
    const binaries = await findPostgresBinaries(clusterMajor);
    return {
      port: running.port,
      pid: running.pid,
      dataDir,
      logFile,
      binDir: binaries?.dir,
      runAsPostgres: IS_ROOT,
      reused: true,
    };
  }

  const binaries = await findPostgresBinaries(clusterMajor);
  if (!binaries) {
    if (clusterMajor && (await findPostgresBinaries(0))) {
      throw new MiddlewareError(
        `the cluster in ${dataDir} was made by PostgreSQL ${clusterMajor}, which is not ` +
          `installed; install postgresql-${clusterMajor} or delete ${dataDir} to start afresh`,
      );
    }
    throw new MiddlewareError(
      `Postgres does not answer and no PostgreSQL server binaries (initdb, pg_ctl) were found.\n${INSTALL_HINT}`,
    );
  }
  const owner = IS_ROOT ? await postgresUser() : null;
  const chown = (target) => owner && fs.chownSync(target, owner.uid, owner.gid);
  const tool = (name) => path.join(binaries.dir, name);

  if (!clusterMajor) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chown(dataDir);
    log(`initialising a PostgreSQL ${binaries.major} cluster in ${dataDir}`);
    const init = await runPostgresTool(
      tool('initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'],
      { cwd: base },
    );
    if (init.code !== 0) {
      throw new MiddlewareError(`initdb failed:\n${init.stderr || init.stdout}`);
    }
  }

  fs.mkdirSync(socketDir, { recursive: true, mode: 0o755 });
  chown(socketDir);
  fs.appendFileSync(logFile, '');
  chown(logFile);

  const port = await pickPort(preferredPort(dataRoot, 'postgres'));
  writePostgresConf(dataDir, { port, socketDir: socketDirFor(socketDir, port, log) }, owner);
  const start = await runPostgresTool(
    tool('pg_ctl'),
    ['-D', dataDir, '-l', logFile, '-w', '-t', String(START_TIMEOUT_S), 'start'],
    { cwd: base },
  );
  const postmaster = runningPostmaster(dataDir);
  if (start.code !== 0 || !postmaster) {
    throw new MiddlewareError(
      `pg_ctl start failed (see ${logFile}):\n${start.stderr || start.stdout}\n${tailFile(logFile)}`,
    );
  }
  log(`started local Postgres on 127.0.0.1:${port} (pid ${postmaster.pid}, log ${logFile})`);
  return {
    port,
    pid: postmaster.pid,
    dataDir,
    logFile,
    binDir: binaries.dir,
    runAsPostgres: IS_ROOT,
    reused: false,
  };
}

async function stopLocalPostgres(record, log) {
  const running = runningPostmaster(record.dataDir);
  if (!running) {
    log(`local Postgres from ${record.dataDir} is not running`);
    return;
  }
  const pgCtl = record.binDir && path.join(record.binDir, 'pg_ctl');
  if (pgCtl && isExecutable(pgCtl)) {
    // "fast" disconnects clients instead of waiting for idle pools to go away.
    await runPostgresTool(pgCtl, ['-D', record.dataDir, '-m', 'fast', '-w', 'stop'], {
      cwd: path.dirname(record.dataDir),
    });
  }
  if (pidAlive(running.pid)) {
    // SIGINT is the postmaster's own "fast shutdown" request, for when pg_ctl is gone.
    process.kill(running.pid, 'SIGINT');
    if (!(await waitForExit(running.pid, STOP_TIMEOUT_MS))) {
      throw new MiddlewareError(`local Postgres (pid ${running.pid}) did not stop`);
    }
  }
  log(`stopped local Postgres (pid ${running.pid})`);
}

// ---------------------------------------------------------------------------
// Local Redis

function localRedisUrl(port, db) {
  return `redis://127.0.0.1:${port}/${db}`;
}

function redisDb(redisUrl) {
  const db = new URL(redisUrl).pathname.replace(/^\//, '');
  return /^\d+$/.test(db) ? db : '0';
}

async function startLocalRedis({ dataRoot, db, log }) {
  const recorded = readState(dataRoot).redis;
  if (recorded && pidAlive(recorded.pid) && pidLooksLike(recorded.pid, 'redis')) {
    if ((await probeRedis(localRedisUrl(recorded.port, db))) === 'ok') {
      log(`reusing local Redis on 127.0.0.1:${recorded.port} (pid ${recorded.pid})`);
      return { ...recorded, reused: true };
    }
  }

  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new MiddlewareError(
      `Redis does not answer and redis-server was not found.\n${INSTALL_HINT}`,
    );
  }
  const dir = path.join(dataRoot, 'redis');
  const logFile = path.join(dataRoot, 'redis.log');
  const pidFile = path.join(dir, 'redis.pid');
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(pidFile, { force: true });

  const port = await pickPort(preferredPort(dataRoot, 'redis'));
  // Nothing is persisted: the local Redis only holds queues and caches for a dev session.
  const settings = {
    bind: '127.0.0.1',
    port: String(port),
    dir,
    save: '',
    appendonly: 'no',
    daemonize: 'yes',
    pidfile: pidFile,
    logfile: logFile,
  };
  const result = await run(
    binary,
    Object.entries(settings).flatMap(([key, value]) => [`--${key}`, value]),
  );
  const url = localRedisUrl(port, db);
  const answers =
    result.code === 0 &&
    (await waitFor(async () => (await probeRedis(url)) === 'ok', START_TIMEOUT_S * 1000));
  const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : 0);
  if (!answers || !pid) {
    if (pidAlive(pid)) process.kill(pid, 'SIGTERM');
    throw new MiddlewareError(
      `redis-server did not start (see ${logFile}):\n${result.stderr || result.stdout}\n${tailFile(logFile)}`,
    );
  }
  log(`started local Redis on 127.0.0.1:${port} (pid ${pid}, log ${logFile})`);
  return { port, pid, dir, logFile, reused: false };
}

async function stopLocalRedis(record, log) {
  if (!pidAlive(record.pid) || !pidLooksLike(record.pid, 'redis')) {
    log('local Redis is not running');
    return;
  }
  process.kill(record.pid, 'SIGTERM');
  if (!(await waitForExit(record.pid, STOP_TIMEOUT_MS))) {
    process.kill(record.pid, 'SIGKILL');
    await waitForExit(record.pid, 2000);
  }
  log(`stopped local Redis (pid ${record.pid})`);
}

// ---------------------------------------------------------------------------
// Public API

/**
 * Makes sure Postgres and Redis answer, starting local instances only when the
 * configured ones do not.
 *
 * @param {object} [options]
 * @param {string} [options.databaseUrl] defaults to $DATABASE_URL, then DEFAULT_DATABASE_URL
 * @param {string} [options.redisUrl] defaults to $REDIS_URL, then DEFAULT_REDIS_URL
 * @param {string} [options.dataDir] where local instances live; defaults to $DATA_DIR, then .data
 * @param {(message: string) => void} [options.log] receives human-readable progress lines
 * @returns {Promise<{databaseUrl: string, redisUrl: string, started: Array<'postgres'|'redis'>,
 *   stop: () => Promise<void>}>} URLs to hand to the services, what this call started, and
 *   a function that stops exactly that (instances reused from an earlier run stay up)
 */
export async function ensureMiddleware(options = {}) {
  const log = options.log ?? defaultLog;
  const dataRoot = resolveDataDir(options.dataDir);
  let databaseUrl = options.databaseUrl || process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  let redisUrl = options.redisUrl || process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const startedRecords = {};

  const stop = async () => {
    for (const name of ['redis', 'postgres'].filter((n) => startedRecords[n])) {
      if (name === 'postgres') await stopLocalPostgres(startedRecords.postgres, log);
      else await stopLocalRedis(startedRecords.redis, log);
      updateState(dataRoot, name, undefined);
      delete startedRecords[name];
    }
  };

  try {
    const pgStatus = await probePostgres(databaseUrl);
    if (pgStatus === 'ok' || pgStatus === 'no-database') {
      if (pgStatus === 'no-database') await createDatabase(databaseUrl, log);
      log(`using Postgres at ${redactUrl(databaseUrl)}`);
    } else {
      log(
        `Postgres at ${redactUrl(databaseUrl)} does not answer (${pgStatus.unreachable}); using a local one`,
      );
      const name = databaseName(databaseUrl);
      const local = await startLocalPostgres({ dataRoot, name, log });
      const { reused, ...record } = local;
      updateState(dataRoot, 'postgres', record);
      if (!reused) startedRecords.postgres = record;
      databaseUrl = localDatabaseUrl(local.port, name);
      await ensureDatabase(databaseUrl, log);
    }

    const redisStatus = await probeRedis(redisUrl);
    if (redisStatus === 'ok') {
      log(`using Redis at ${redactUrl(redisUrl)}`);
    } else {
      log(
        `Redis at ${redactUrl(redisUrl)} does not answer (${redisStatus.unreachable}); using a local one`,
      );
      const db = redisDb(redisUrl);
      const local = await startLocalRedis({ dataRoot, db, log });
      const { reused, ...record } = local;
      updateState(dataRoot, 'redis', record);
      if (!reused) startedRecords.redis = record;
      redisUrl = localRedisUrl(local.port, db);
    }
  } catch (error) {
    // Leave nothing half-started behind when the second server fails.
    await stop().catch(() => {});
    throw error;
  }

  return { databaseUrl, redisUrl, started: Object.keys(startedRecords), stop };
}

/**
 * Stops every local instance recorded in the data directory's middleware.json, whoever
 * started it. The Postgres cluster's data is kept for the next run.
 *
 * @param {{dataDir?: string, log?: (message: string) => void}} [options]
 * @returns {Promise<Array<'postgres'|'redis'>>} the instances that were recorded
 */
export async function stopMiddleware(options = {}) {
  const log = options.log ?? defaultLog;
  const dataRoot = resolveDataDir(options.dataDir);
  const state = readState(dataRoot);
  const stopped = [];
  if (state.redis) {
    await stopLocalRedis(state.redis, log);
    updateState(dataRoot, 'redis', undefined);
    stopped.push('redis');
  }
  if (state.postgres) {
    await stopLocalPostgres(state.postgres, log);
    updateState(dataRoot, 'postgres', undefined);
    stopped.push('postgres');
  }
  if (!stopped.length) log(`no local middleware recorded in ${path.join(dataRoot, STATE_FILE)}`);
  return stopped;
}

/**
 * Reports what is configured and recorded, and whether each answers.
 *
 * @param {{databaseUrl?: string, redisUrl?: string, dataDir?: string}} [options]
 * @returns {Promise<{configured: {databaseUrl: string, redisUrl: string,
 *   postgres: string, redis: string}, local: {postgres: object|null, redis: object|null}}>}
 *   where postgres/redis are 'ok', 'no-database' or 'unreachable', and a local entry is the
 *   recorded instance plus `running`
 */
export async function middlewareStatus(options = {}) {
  const dataRoot = resolveDataDir(options.dataDir);
  const databaseUrl = options.databaseUrl || process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = options.redisUrl || process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const describe = (status) => (typeof status === 'string' ? status : 'unreachable');
  const safely = (probe) => probe.catch((error) => `error: ${error.message}`);
  const state = readState(dataRoot);
  return {
    configured: {
      databaseUrl: redactUrl(databaseUrl),
      redisUrl: redactUrl(redisUrl),
      postgres: describe(await safely(probePostgres(databaseUrl))),
      redis: describe(await safely(probeRedis(redisUrl))),
    },
    local: {
      postgres: state.postgres
        ? { ...state.postgres, running: Boolean(runningPostmaster(state.postgres.dataDir)) }
        : null,
      redis: state.redis
        ? {
            ...state.redis,
            running: pidAlive(state.redis.pid) && pidLooksLike(state.redis.pid, 'redis'),
          }
        : null,
    },
  };
}

// ---------------------------------------------------------------------------
// CLI

async function main(command) {
  switch (command) {
    case 'up': {
      const { databaseUrl, redisUrl } = await ensureMiddleware();
      // Only the URLs go to stdout so that `eval "$(node tools/middleware.mjs up)"`-style
      // use and scripts can consume them.
      process.stdout.write(`DATABASE_URL=${databaseUrl}\nREDIS_URL=${redisUrl}\n`);
      defaultLog('left running; stop local instances with: node tools/middleware.mjs down');
      return 0;
    }
    case 'down':
      await stopMiddleware();
      return 0;
    case 'status': {
      const { configured, local } = await middlewareStatus();
      const lines = [
        `configured Postgres ${configured.databaseUrl}: ${configured.postgres}`,
        `configured Redis    ${configured.redisUrl}: ${configured.redis}`,
        local.postgres
          ? `local Postgres: ${local.postgres.running ? 'running' : 'stopped'} on 127.0.0.1:${local.postgres.port} (data ${local.postgres.dataDir})`
          : 'local Postgres: none recorded',
        local.redis
          ? `local Redis: ${local.redis.running ? 'running' : 'stopped'} on 127.0.0.1:${local.redis.port} (pid ${local.redis.pid})`
          : 'local Redis: none recorded',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    }
    default:
      process.stderr.write('usage: node tools/middleware.mjs up|down|status\n');
      return 2;
  }
}

function invokedDirectly() {
  if (!process.argv[1]) return false;
  try {
    return fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error) => {
      defaultLog(error instanceof MiddlewareError ? error.message : error.stack);
      process.exit(1);
    },
  );
}
