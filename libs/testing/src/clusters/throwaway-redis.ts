import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface ThrowawayRedisOptions {
  /**
   * Keep the data across a restart (append-only file, synced on every write), as a production
   * Redis with persistence would. Off for a server that is only broken and thrown away.
   */
  readonly persistent?: boolean;
}

/**
 * A redis-server of one test's own, on a free port, from the system's binary, so the test can
 * stop it and start it again, fill its memory or demote it to a replica without touching the
 * Redis every other test shares. Its files go to a directory removed by `destroy`.
 */
export class ThrowawayRedis {
  private child: ChildProcess | undefined;
  private controlClient: Redis | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly persistent: boolean,
  ) {}

  static async start({ persistent = true }: ThrowawayRedisOptions = {}): Promise<ThrowawayRedis> {
    const redis = new ThrowawayRedis(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'redis-')),
      persistent,
    );
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the server (again) on the same port and waits until it answers PING. */
  async resume(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        ...(this.persistent
          ? ['--appendonly', 'yes', '--appendfsync', 'always']
          : ['--appendonly', 'no']),
        '--protected-mode',
        'no',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitFor(() => this.answersPing(), { timeoutMs: 15_000, description: 'redis to start' });
  }

  /** Stops the server the way an operator would (SIGTERM: a clean shutdown) and waits for it. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }

  /** A client of the test's own, for CONFIG, REPLICAOF, INFO and reading keys back. */
  get control(): Redis {
    if (!this.controlClient) {
      this.controlClient = new Redis(this.url, { maxRetriesPerRequest: 1 });
      // Tests stop this server on purpose: a failed command, not the connection, reports it.
      this.controlClient.on('error', () => undefined);
    }
    return this.controlClient;
  }

  /** Makes this server a replica of `primary`, whose writes it then answers with READONLY. */
  async replicate(primary: ThrowawayRedis): Promise<void> {
    await this.control.replicaof('127.0.0.1', primary.port);
  }

  /** Promotes this server back to a primary that takes writes. */
  async promote(): Promise<void> {
    await this.control.replicaof('NO', 'ONE');
  }

  /** Waits until this replica is in sync with its primary. */
  async waitUntilInSync(): Promise<void> {
    await waitFor(
      async () => (await this.control.info('replication')).includes('master_link_status:up'),
      { description: `replica on port ${this.port} to sync` },
    );
  }

  async destroy(): Promise<void> {
    this.controlClient?.disconnect();
    const child = this.child;
    if (child) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async answersPing(): Promise<boolean> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectTimeout: 1_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
