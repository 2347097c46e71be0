import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../free-port';
import { waitFor } from '../wait-for';
import { runCommand, runOrThrow } from './run-command';

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** The newest Debian-packaged Postgres (`/usr/lib/postgresql/<major>/bin`). */
function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = readdirSync(base)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) throw new Error(`no Postgres under ${base}`);
  return join(base, majors[0], 'bin');
}

/** initdb and postgres refuse to run as root; as root they run as the postgres user. */
function asPostgres(tool: string, args: readonly string[]): [string, string[]] {
  const binary = join(postgresBinDir(), tool);
  return IS_ROOT ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, [...args]];
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await runOrThrow('id', ['-u', 'postgres'])).trim());
  const gid = Number((await runOrThrow('id', ['-g', 'postgres'])).trim());
  return { uid, gid };
}

/**
 * A Postgres cluster of one test's own (initdb + pg_ctl from the system's binaries, data under a
 * temporary directory, trust authentication on 127.0.0.1), on a free port, so the test can stop
 * it and start it again.
 */
export class ThrowawayPostgres {
  private running = false;

  private constructor(
    readonly port: number,
    private readonly base: string,
  ) {}

  static async start(): Promise<ThrowawayPostgres> {
    const base = mkdtempSync(join(tmpdir(), 'postgres-'));
    const cluster = new ThrowawayPostgres(await freePort(), base);
    mkdirSync(cluster.socketDir);
    if (IS_ROOT) {
      const { uid, gid } = await postgresIds();
      for (const path of [base, cluster.socketDir]) chownSync(path, uid, gid);
    }
    await runOrThrow(
      ...asPostgres('initdb', [
        '-D',
        cluster.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--no-sync',
        '--encoding=UTF8',
        '--locale=C',
      ]),
    );
    await cluster.resume();
    return cluster;
  }

  /** The server's maintenance database; createMigratedDatabase adds one of its own. */
  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.base, 'data');
  }

  private get socketDir(): string {
    return join(this.base, 'socket');
  }

  /** Starts the cluster (again) on the same port and waits until it accepts queries. */
  async resume(): Promise<void> {
    if (this.running) return;
    const options = [
      `-p ${this.port}`,
      `-k ${this.socketDir}`,
      "-c listen_addresses='127.0.0.1'",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await runOrThrow(
      ...asPostgres('pg_ctl', [
        '-D',
        this.dataDir,
        '-l',
        join(this.base, 'postgres.log'),
        '-o',
        options,
        '-w',
        '-t',
        '60',
        'start',
      ]),
    );
    this.running = true;
    await waitFor(() => this.acceptsQueries(), {
      timeoutMs: 30_000,
      description: 'postgres to accept queries',
    });
  }

  /** Stops the cluster as an operator would (fast shutdown: sessions are disconnected). */
  async stop(): Promise<void> {
    if (!this.running) return;
    await runOrThrow(...asPostgres('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']));
    this.running = false;
  }

  async destroy(): Promise<void> {
    if (this.running) {
      await runCommand(...asPostgres('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop']));
      this.running = false;
    }
    rmSync(this.base, { recursive: true, force: true });
  }

  private async acceptsQueries(): Promise<boolean> {
    const client = new Client({ connectionString: this.serverUrl, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
