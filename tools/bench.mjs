#!/usr/bin/env node
// `npm run bench`: how the hot endpoints hold up against a bare-Fastify baseline, on this machine.
//
// Builds api, auth and the migration command, finds or starts Postgres and Redis, creates a fresh
// database (migrated) and a Redis key prefix for this run only, starts auth, api and the baseline
// server (bench/baseline-server.mjs) as separate processes, then measures one scenario at a time
// with wrk (bench/wrk/request.lua), or autocannon where wrk cannot be had (bench/scenarios/). It prints a table, writes bench/results/<timestamp>.json,
// and removes the database, the keys and anything it started.
//
//   node tools/bench.mjs [--duration 10] [--warmup 2] [--connections 50]
//                        [--only poll-direct,cached-bearer] [--log-level warn]
//                        [--sql-requests 2000] [--skip-build] [--keep]
//                        [--generator auto|wrk|autocannon] [--threads 1]
//
// Exit status: 0 when the bench ran, whatever the figures (a missed target prints MISSED);
// 1 when the harness itself failed; 130 when interrupted.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import {
  createBenchDatabase,
  dropBenchDatabase,
  maintenanceClient,
  migrate,
} from '../bench/database.mjs';
import { DeviceCodePool, deleteKeysWithPrefix, seedBaselineDevices } from '../bench/fixtures.mjs';
import { chooseGenerator } from '../bench/generator.mjs';
import { round } from '../bench/load.mjs';
import { evaluate, renderTable, writeReport } from '../bench/report.mjs';
import baselinePoll from '../bench/scenarios/baseline-poll.mjs';
import cachedBearer from '../bench/scenarios/cached-bearer.mjs';
import codeIssuance from '../bench/scenarios/code-issuance.mjs';
import flows from '../bench/scenarios/flows.mjs';
import footprint from '../bench/scenarios/footprint.mjs';
import peerPoll from '../bench/scenarios/peer-poll.mjs';
import { pollDirect, pollGateway } from '../bench/scenarios/pending-poll.mjs';
import soak from '../bench/scenarios/soak.mjs';
import workerDrain from '../bench/scenarios/worker-drain.mjs';
import { freePort, HarnessError, startProcess } from '../bench/services.mjs';
import { ensureMiddleware, MiddlewareError, redactUrl } from './middleware.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// In run order: the baseline first (the ratios and the poll pool size need it), issuance before
// the polls (its codes seed their pool), the peer after the direct poll it is compared with. The
// soak only runs when named (`--only soak`): it takes minutes.
const SCENARIOS = [
  baselinePoll,
  codeIssuance,
  pollDirect,
  pollGateway,
  cachedBearer,
  flows,
  peerPoll,
  workerDrain,
  footprint,
  soak,
];
// Enough that the baseline, polled as fast as this machine allows, comes back to a code only
// after its 5 s interval, like the services' pools (bench/scenarios/pending-poll.mjs).
const BASELINE_DEVICES = 150_000;

// Limits that would otherwise measure the rate limiter's 429s instead of the endpoint. The
// buckets still run (one Lua round trip each), as in production; only their ceilings move.
const BENCH_LIMITS = {
  DEVICE_CODE_RATE_LIMIT_PER_HOUR: '100000000',
  OPENAPI_RATE_LIMIT_PER_TOKEN: '0',
  ACCOUNT_RATE_LIMIT_PER_MINUTE: '100000000',
  DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '100000000',
};

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      only: { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      'sql-requests': { type: 'string', default: '2000' },
      'skip-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      generator: { type: 'string', default: 'auto' },
      threads: { type: 'string', default: '1' },
      'audit-jobs': { type: 'string', default: '20000' },
      'soak-minutes': { type: 'string', default: '10' },
    },
  });
  const integer = (name, min) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) {
      throw new HarnessError(`--${name} must be an integer of at least ${min}`);
    }
    return value;
  };
  const known = SCENARIOS.map((scenario) => scenario.id);
  const only = values.only
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const unknown = only?.filter((id) => !known.includes(id)) ?? [];
  if (unknown.length > 0) {
    throw new HarnessError(`unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  if (!['auto', 'wrk', 'autocannon'].includes(values.generator)) {
    throw new HarnessError('--generator must be auto, wrk or autocannon');
  }
  return {
    generator: values.generator,
    threads: integer('threads', 1),
    auditJobs: integer('audit-jobs', 1),
    soakMinutes: integer('soak-minutes', 1),
    duration: integer('duration', 1),
    warmup: integer('warmup', 0),
    connections: integer('connections', 1),
    sqlRequests: integer('sql-requests', 1),
    logLevel: values['log-level'],
    skipBuild: values['skip-build'],
    keep: values.keep,
    // The baseline always runs: every other figure is a ratio to it.
    scenarios: only
      ? SCENARIOS.filter((s) => s.id === 'baseline' || only.includes(s.id))
      : SCENARIOS.filter((s) => !s.onlyWhenNamed),
  };
}

function autocannonVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules/autocannon/package.json'), 'utf8'))
    .version;
}

function describeGenerator(generator) {
  return generator.name === 'wrk'
    ? `wrk ${generator.version}, ${generator.threads} thread(s)`
    : `autocannon ${generator.version} (in the bench's Node process)`;
}

function redisEnv(common) {
  return { REDIS_URL: common.REDIS_URL, REDIS_KEY_PREFIX: common.REDIS_KEY_PREFIX };
}

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function build() {
  const targets = ['api', 'auth', 'worker', 'beat', 'migrate', 'accounts'];
  log(`building ${targets.join(', ')}`);
  const result = spawnSync(process.execPath, ['tools/build.mjs', ...targets], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new HarnessError('the build failed');
}

async function serverVersions(databaseUrl, redisUrl) {
  const pg = await maintenanceClient(databaseUrl);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const { rows } = await pg.query('SHOW server_version');
    const info = await redis.info('server');
    return {
      postgres: rows[0]?.server_version,
      redis: /redis_version:(\S+)/.exec(info)?.[1],
    };
  } finally {
    await pg.end();
    redis.disconnect();
  }
}

// Everything to undo, newest first; run once, on success, failure or Ctrl-C alike.
const cleanups = [];
// Service logs of this run; kept when the run fails.
let logDir;
let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    for (const [what, undo] of cleanups.reverse()) {
      await undo().catch((error) => log(`cleanup of ${what} failed: ${error.message}`));
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    cleanUp().finally(() => process.exit(130));
  });
}

async function main() {
  const settings = options();
  const startedAt = new Date().toISOString();
  // Others' work on a shared machine shows here; the figures are only as idle as this.
  const loadAverageAtStart = os.loadavg().map((value) => round(value, 2));
  const runId = `${startedAt.replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  logDir = join(root, 'tmp', 'bench', runId);
  mkdirSync(logDir, { recursive: true });

  if (!settings.skipBuild) build();
  const generator = chooseGenerator(settings.generator, {
    threads: settings.threads,
    autocannonVersion: autocannonVersion(),
    log,
  });
  log(`load generator: ${describeGenerator(generator)}`);

  const middleware = await ensureMiddleware({ log: (message) => log(message) });
  cleanups.push(['middleware', () => middleware.stop()]);

  const database = await createBenchDatabase(middleware.databaseUrl);
  cleanups.push([
    `database ${database.name}`,
    () => dropBenchDatabase(middleware.databaseUrl, database.name),
  ]);
  log(`database ${database.name}; migrating`);
  migrate(root, database.url);

  const keyPrefix = `bench:${randomBytes(4).toString('hex')}:`;
  cleanups.push([
    `Redis keys ${keyPrefix}*`,
    async () =>
      log(`deleted ${await deleteKeysWithPrefix(middleware.redisUrl, keyPrefix)} Redis keys`),
  ]);

  const [authPort, apiPort, baselinePort] = [await freePort(), await freePort(), await freePort()];
  const [authOpsPort, apiOpsPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const common = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    TZ: 'UTC',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    REDIS_URL: middleware.redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    SECRET_KEY: randomBytes(48).toString('base64url'),
    LOG_LEVEL: settings.logLevel,
    // For inspection (heap snapshots, GC traces); figures taken with it are not comparable.
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    CONSOLE_API_URL: apiUrl,
    CONSOLE_WEB_URL: apiUrl,
    ...BENCH_LIMITS,
  };
  const start = async (spec) => {
    log(`starting ${spec.name}`);
    const service = await startProcess({ root, logDir, ...spec });
    cleanups.push([spec.name, () => service.stop()]);
    return service;
  };
  const baseline = await start({
    name: 'baseline',
    script: 'bench/baseline-server.mjs',
    port: baselinePort,
    env: {
      PATH: common.PATH,
      REDIS_URL: middleware.redisUrl,
      REDIS_KEY_PREFIX: `${keyPrefix}baseline:`,
      BASELINE_PORT: String(baselinePort),
    },
  });
  const auth = await start({
    name: 'auth',
    script: 'dist/auth/main.js',
    port: authPort,
    healthPort: authOpsPort,
    env: { ...common, AUTH_PORT: String(authPort), AUTH_OPS_PORT: String(authOpsPort) },
  });
  const api = await start({
    name: 'api',
    script: 'dist/api/main.js',
    port: apiPort,
    healthPort: apiOpsPort,
    env: {
      ...common,
      API_PORT: String(apiPort),
      API_OPS_PORT: String(apiOpsPort),
      AUTH_INTERNAL_URL: auth.url,
    },
  });

  log(`seeding ${BASELINE_DEVICES} pending device codes for the baseline`);
  const baselineCodes = await seedBaselineDevices(
    middleware.redisUrl,
    `${keyPrefix}baseline:`,
    BASELINE_DEVICES,
  );

  const monitor = await maintenanceClient(middleware.databaseUrl);
  cleanups.push(['monitor connection', () => monitor.end()]);
  const ctx = {
    root,
    settings,
    services: { api, auth, baseline },
    serviceEnv: common,
    commandEnv: {
      PATH: common.PATH,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      ...redisEnv(common),
    },
    startService: start,
    startPeer: async (env) => {
      const port = await freePort();
      return start({
        name: 'peer',
        script: 'bench/peer-oidc-server.mjs',
        port,
        env: { PATH: common.PATH, NODE_ENV: 'production', PEER_PORT: String(port), ...env },
      });
    },
    redisUrl: middleware.redisUrl,
    keyPrefix,
    load: {
      connections: settings.connections,
      duration: settings.duration,
      warmup: settings.warmup,
      generator,
      workDir: logDir,
    },
    urls: { baseline: baseline.url, auth: auth.url, api: api.url },
    pools: { baseline: new DeviceCodePool(baselineCodes), auth: new DeviceCodePool() },
    database,
    monitor,
    results: {},
    log,
  };
  for (const scenario of settings.scenarios) {
    log(`measuring ${scenario.title} (${settings.warmup} s warm-up, ${settings.duration} s)`);
    ctx.results[scenario.id] = await scenario.run(ctx);
  }

  const rows = evaluate(settings.scenarios, ctx.results);
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      loadAverage: {
        atStart: loadAverageAtStart,
        atEnd: os.loadavg().map((value) => round(value, 2)),
      },
      ...(await serverVersions(middleware.databaseUrl, middleware.redisUrl)),
    },
    settings: {
      generator: { ...generator, description: describeGenerator(generator) },
      duration: settings.duration,
      warmup: settings.warmup,
      connections: settings.connections,
      pipelining: 1,
      logLevel: settings.logLevel,
      serviceLimits: BENCH_LIMITS,
      middleware: {
        database: redactUrl(middleware.databaseUrl),
        redis: redactUrl(middleware.redisUrl),
      },
    },
    notes: [
      `The load generator (${describeGenerator(generator)}) shares the machine with the services, ` +
        'Redis and Postgres; compare the ratios to the baseline, which runs under the same ' +
        'conditions, rather than absolute figures, and run on an otherwise idle machine.',
      'Every answer is checked: "unexpected" counts answers other than the one measured ' +
        '(e.g. slow_down instead of authorization_pending), plus connection errors and timeouts.',
    ],
    scenarios: rows,
  };
  const file = writeReport(root, report);

  process.stdout.write(
    `\n${os.cpus().length} CPUs, Node ${process.version}, Postgres ${report.machine.postgres}, ` +
      `Redis ${report.machine.redis}; load generator ${describeGenerator(generator)}; ` +
      `${settings.connections} connections, ${settings.duration} s ` +
      `per scenario after ${settings.warmup} s warm-up, one at a time; service LOG_LEVEL=${settings.logLevel}\n\n`,
  );
  process.stdout.write(
    `${renderTable(rows, { generator: describeGenerator(generator) })}\n\nreport: ${file}\n`,
  );
  if (settings.keep) {
    log(`--keep: leaving database ${database.name}, keys ${keyPrefix}* and logs in ${logDir}`);
    cleanups.splice(
      0,
      cleanups.length,
      ...cleanups.filter(([what]) => !/^(database|Redis keys)/.test(what)),
    );
  } else {
    cleanups.push(['logs', async () => rmSync(logDir, { recursive: true, force: true })]);
  }
}

let status = 0;
try {
  await main();
} catch (error) {
  status = 1;
  const known = error instanceof HarnessError || error instanceof MiddlewareError;
  log(`harness failure: ${known ? error.message : error.stack}`);
  if (logDir) log(`service logs kept in ${logDir}`);
}
await cleanUp();
process.exit(status);
