import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './free-port';
import { testEnvironment } from './test-env';
import { waitFor } from './wait-for';

export type ServiceName = 'api' | 'auth' | 'worker' | 'beat';

const PORT_VARIABLE: Readonly<Record<ServiceName, string>> = {
  api: 'API_PORT',
  auth: 'AUTH_PORT',
  worker: 'WORKER_HEALTH_PORT',
  beat: 'BEAT_HEALTH_PORT',
};

/** api and auth serve health and metrics on a listener of their own; worker and beat have one. */
const OPS_PORT_VARIABLE: Readonly<Partial<Record<ServiceName, string>>> = {
  api: 'API_OPS_PORT',
  auth: 'AUTH_OPS_PORT',
};

const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// One secret per test process: api and auth must verify each other's console sessions.
const RUN_SECRET_KEY = randomBytes(32).toString('base64url');

/** The environment every service of one test run shares: the run's database and key prefix. */
export function sharedServiceEnv(): Record<string, string> {
  const { databaseUrl, redisUrl, keyPrefix } = testEnvironment();
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    SECRET_KEY: RUN_SECRET_KEY,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    // Tests stop services often; a test of the grace period sets its own.
    SHUTDOWN_GRACE_SECONDS: '0',
    TZ: 'UTC',
  };
}

/**
 * One service started from its build output (`dist/<name>/main.js`) as a real process, the way
 * production runs it. Its stdout and stderr lines are kept so tests can read the logs.
 */
export class ServiceProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<ExitStatus>;

  private constructor(
    readonly name: ServiceName,
    readonly port: number,
    /** Where health and metrics answer: the ops listener, or the only listener of worker and beat. */
    readonly opsPort: number,
    private readonly child: ChildProcess,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Starts the service and waits until `/health/ready` answers 200 (or the process dies). */
  static async start(
    name: ServiceName,
    env: Record<string, string> = {},
    { waitUntilReady = true, port: chosenPort }: { waitUntilReady?: boolean; port?: number } = {},
  ): Promise<ServiceProcess> {
    const port = chosenPort ?? (await freePort());
    const opsVariable = OPS_PORT_VARIABLE[name];
    const opsPort = opsVariable ? await freePort() : port;
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', name, 'main.js')], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...sharedServiceEnv(),
        [PORT_VARIABLE[name]]: String(port),
        ...(opsVariable ? { [opsVariable]: String(opsPort) } : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(name, port, opsPort, child);
    if (waitUntilReady) await service.waitUntilReady();
    return service;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Health and metrics: `${opsUrl}/health/ready`, `${opsUrl}/metrics`. */
  get opsUrl(): string {
    return `http://127.0.0.1:${this.opsPort}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async waitUntilReady(timeoutMs = 20_000): Promise<void> {
    let exited: ExitStatus | undefined;
    void this.exited.then((status) => (exited = status));
    await waitFor(
      async () => {
        if (exited) {
          throw new Error(
            `${this.name} exited (${JSON.stringify(exited)}):\n${this.lines.join('\n')}`,
          );
        }
        const response = await fetch(`${this.opsUrl}/health/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      { timeoutMs, description: `${this.name} to become ready` },
    ).catch((error: unknown) => {
      this.child.kill('SIGKILL');
      throw error;
    });
  }

  /** Parsed JSON log lines (non-JSON lines are skipped). */
  logEntries(): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitStatus> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one of the built commands (`dist/<name>/main.js`) to completion, as an operator would. */
export function runBuiltCommand(
  name: 'accounts' | 'migrate',
  args: readonly string[],
  env: Record<string, string> = {},
): CommandResult {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', name, 'main.js'), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...sharedServiceEnv(), ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
