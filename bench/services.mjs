// Child processes of one bench run: the built services (dist/<name>/main.js) and the baseline
// server. Each writes its output to a log file, so a chatty service never costs the load
// generator any CPU, and a failed start can show the end of its log.
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export class HarnessError extends Error {
  name = 'HarnessError';
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `node <script>` with exactly `env` (nothing inherited but what the caller passes) and
 * waits until `GET /health/ready` answers 200 on `healthPort` (api and auth serve health on a
 * port of their own; the baseline on its only one).
 */
export async function startProcess({
  name,
  root,
  script,
  args = [],
  env,
  port,
  healthPort = port,
  logDir,
  readyPollMs = 200,
}) {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exit;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const service = {
    name,
    url,
    port,
    logFile,
    pid: child.pid,
    async stop() {
      if (exit) return exit;
      child.kill('SIGTERM');
      const done = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => undefined)]);
      if (done) return done;
      child.kill('SIGKILL');
      return exited;
    },
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) {
      throw new HarnessError(
        `${name} exited during start (${JSON.stringify(exit)}); end of ${logFile}:\n${tail(logFile)}`,
      );
    }
    const response = await fetch(`http://127.0.0.1:${healthPort}/health/ready`, {
      signal: AbortSignal.timeout(2_000),
    }).catch(() => undefined);
    if (response?.status === 200) {
      // Spawn to the first ready answer: the cold start, up to one poll interval late.
      service.readyMs = Math.round(performance.now() - spawnedAt);
      return service;
    }
    if (Date.now() > deadline) {
      await service.stop();
      throw new HarnessError(`${name} was not ready within ${READY_TIMEOUT_MS} ms; see ${logFile}`);
    }
    await sleep(readyPollMs);
  }
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new HarnessError(`no VmRSS for process ${pid}`);
  return Math.round((kb / 1024) * 10) / 10;
}

// Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every architecture Node runs on.
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far in ms, from /proc (Linux). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses; the fields after its last ')' do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), 12 and 13 counted from the state field.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time so far of each Postgres backend serving the bench database, by pid: the scenarios
 * that count Postgres's share diff two of these readings.
 */
export async function backendCpuMs(ctx) {
  const { rows } = await ctx.monitor.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
    ctx.database.name,
  ]);
  const byPid = new Map();
  for (const { pid } of rows) {
    try {
      byPid.set(pid, cpuMs(pid));
    } catch {
      // A backend that ended between the query and the read.
    }
  }
  return byPid;
}
