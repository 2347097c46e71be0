import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@dify/testing';
import Redis from 'ioredis';

const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * A redis-server of one suite's own, on a free port, that the suite may break (fill its memory,
 * demote it to a replica) without touching the Redis every other test shares. Nothing is
 * persisted; a replica's sync file goes to a directory removed on stop.
 */
export class ThrowawayRedis {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly directory: string,
    /** A client of the test's own, for CONFIG, REPLICAOF and INFO. */
    readonly control: Redis,
  ) {}

  static async start(): Promise<ThrowawayRedis> {
    const port = await freePort();
    const directory = mkdtempSync(join(tmpdir(), 'dify-redis-'));
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        directory,
      ],
      { stdio: 'ignore' },
    );
    const control = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    // Before the server listens, connection errors are expected; the wait below decides.
    control.on('error', () => undefined);
    await waitFor(
      async () => {
        if (control.status !== 'ready') await control.connect().catch(() => undefined);
        return (await control.ping().catch(() => undefined)) === 'PONG';
      },
      { description: `redis-server on port ${port}` },
    );
    return new ThrowawayRedis(port, child, directory, control);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
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

  async stop(): Promise<void> {
    this.control.disconnect();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}
